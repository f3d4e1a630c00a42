-- SLA per branch in working hours. Clocks are written with the change that
-- starts or stops them (same transaction as the message or the resolve), so
-- the inbox, the breach list and the report read rows, never messages:
--
-- * branches.next_response_minutes, branches.resolution_minutes: the
--   branch's targets in working hours besides first_response_minutes
--   (00004); 0 means no target (no clock of that kind is started).
-- * sla_clocks: one row per measured wait. kind 'first' (the thread's first
--   customer wait), 'next' (every later one: a customer message when no
--   response clock runs), 'resolution' (a customer message when no
--   resolution clock runs, until the thread is resolved). due_at is
--   started_at plus the target in the branch's opening hours (hub.Hours.
--   AddWorking), fixed at start. stopped_at is NULL while it runs.
--   assignee_id: the thread's advisor at the start, replaced at the stop by
--   the one then assigned (who the report holds to account).
-- * threads.sla_due_at / sla_kind: the earliest running clock's due time
--   and kind, kept with every clock change, so the list shows a breach
--   (now > sla_due_at) without reading clocks.
-- Column names match migrations/postgres/00021_sla.sql.

-- +goose Up
ALTER TABLE branches ADD COLUMN next_response_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE branches ADD COLUMN resolution_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE threads ADD COLUMN sla_due_at DATETIME;
ALTER TABLE threads ADD COLUMN sla_kind TEXT NOT NULL DEFAULT '';

CREATE TABLE sla_clocks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id   INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    branch_id   INTEGER NOT NULL REFERENCES branches (id),
    kind        TEXT NOT NULL,
    started_at  DATETIME NOT NULL,
    due_at      DATETIME NOT NULL,
    stopped_at  DATETIME,
    assignee_id INTEGER REFERENCES users (id) ON DELETE SET NULL
);
-- The running clocks of a thread (started and stopped on every message).
CREATE INDEX sla_clocks_running ON sla_clocks (thread_id) WHERE stopped_at IS NULL;
-- The breach list: running clocks of some branches by due time.
CREATE INDEX sla_clocks_breach ON sla_clocks (branch_id, due_at) WHERE stopped_at IS NULL;
-- The report: clocks of some branches due in a period.
CREATE INDEX sla_clocks_due ON sla_clocks (branch_id, due_at);

-- +goose Down
DROP INDEX sla_clocks_due;
DROP INDEX sla_clocks_breach;
DROP INDEX sla_clocks_running;
DROP TABLE sla_clocks;
ALTER TABLE threads DROP COLUMN sla_kind;
ALTER TABLE threads DROP COLUMN sla_due_at;
ALTER TABLE branches DROP COLUMN resolution_minutes;
ALTER TABLE branches DROP COLUMN next_response_minutes;
