-- The branch a customer, vehicle or expiring item belongs to while no work
-- order names one (issue 13): the `branch` of its DMS event, else the
-- single branch its DMS node reaches. Reminders follow a record's home
-- branch: its latest work order's, else this one, else (for a vehicle or
-- an item) its customer's; NULL where nothing fits, which /admin/reminders
-- and `naryad dms nodes` count. A deployment with one branch gets it for
-- the records stored before; `naryad reminders refresh` then moves their
-- vehicles there.
-- Column names match migrations/postgres/00008_record_branch.sql.

-- +goose Up
ALTER TABLE customers ADD COLUMN default_branch_id INTEGER REFERENCES branches (id);
ALTER TABLE vehicles ADD COLUMN default_branch_id INTEGER REFERENCES branches (id);
ALTER TABLE expiring_items ADD COLUMN default_branch_id INTEGER REFERENCES branches (id);
UPDATE customers SET default_branch_id = (SELECT MIN(id) FROM branches) WHERE (SELECT COUNT(*) FROM branches) = 1;
UPDATE vehicles SET default_branch_id = (SELECT MIN(id) FROM branches) WHERE (SELECT COUNT(*) FROM branches) = 1;
UPDATE expiring_items SET default_branch_id = (SELECT MIN(id) FROM branches) WHERE (SELECT COUNT(*) FROM branches) = 1;

-- +goose Down
ALTER TABLE expiring_items DROP COLUMN default_branch_id;
ALTER TABLE vehicles DROP COLUMN default_branch_id;
ALTER TABLE customers DROP COLUMN default_branch_id;
