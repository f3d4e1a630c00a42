-- The version of the work order a customer's decision answered
-- (work_order_lines.decided_version; 0 for decisions stored before this
-- column). While the work order is still at that version, the page's total
-- applies the decision itself; a newer version from the DMS brings the
-- DMS's own total. Column names match migrations/sqlite/00009_decision_version.sql.

-- +goose Up
ALTER TABLE work_order_lines ADD COLUMN decided_version BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE work_order_lines DROP COLUMN decided_version;
