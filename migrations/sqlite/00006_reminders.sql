-- Reminders (package reminders). Rules scan the data the DMS sent and
-- propose messages; what was sent is kept so it is sent once.
--
-- * reminder_ledger: one row per reminder that went out (or, for staff,
--   was raised): customer (0 for a staff alert), rule, subject (what it is
--   about, e.g. "vehicle:42") and occasion (which due moment, e.g.
--   "2027-03-01/14d") are unique together, so a second scheduler, a restart
--   or a re-run inserts nothing twice. local_date is the branch's date it
--   went out on, for the per-customer daily cap.
-- * staff_tasks: what a person must act on (an advisor alert, the daily
--   list of expired items, a poor feedback score); done_at when handled.
-- * branches: quiet hours (local "HH:MM"; messages due then wait for the
--   morning), the daily cap per customer, the regional tyre-change dates
--   ("MM-DD") and the uncollected-keys thresholds in hours.
-- * vehicles.service_due_on: the predicted maintenance date ("YYYY-MM-DD",
--   branch-local), the earlier of the time and mileage predictions, kept
--   current on write so the daily scan is an index range, not a pass over
--   every vehicle and its readings. vehicles.branch_id is the vehicle's
--   home branch (of its latest work order, else its DMS node's), whose
--   time zone and settings its reminders follow. Vehicles stored before
--   this migration get both from `naryad reminders refresh`.
-- * feedback_scores: the 0-10 score a customer replied after being asked
--   the day after hand-over (rule feedback); one per work order, the first
--   valid reply counts. work_orders_handed_over keeps the daily ask an
--   index range over the branch's recent hand-overs.
-- Column names match migrations/postgres/00006_reminders.sql.

-- +goose Up
CREATE TABLE reminder_ledger (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   INTEGER NOT NULL REFERENCES branches (id),
    customer_id INTEGER NOT NULL DEFAULT 0,
    rule        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    occasion    TEXT NOT NULL,
    due_at      DATETIME NOT NULL,
    local_date  TEXT NOT NULL,
    message_id  INTEGER REFERENCES messages (id),
    task_id     INTEGER,
    created_at  DATETIME NOT NULL,
    UNIQUE (customer_id, rule, subject, occasion)
);
CREATE INDEX reminder_ledger_daily ON reminder_ledger (customer_id, local_date);

CREATE TABLE staff_tasks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id  INTEGER NOT NULL REFERENCES branches (id),
    thread_id  INTEGER REFERENCES threads (id),
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    done_at    DATETIME,
    done_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX staff_tasks_open ON staff_tasks (branch_id, done_at);

ALTER TABLE branches ADD COLUMN quiet_from TEXT NOT NULL DEFAULT '21:00';
ALTER TABLE branches ADD COLUMN quiet_until TEXT NOT NULL DEFAULT '09:00';
ALTER TABLE branches ADD COLUMN reminder_daily_cap INTEGER NOT NULL DEFAULT 2;
ALTER TABLE branches ADD COLUMN tyre_spring_on TEXT NOT NULL DEFAULT '04-01';
ALTER TABLE branches ADD COLUMN tyre_autumn_on TEXT NOT NULL DEFAULT '10-15';
ALTER TABLE branches ADD COLUMN keys_remind_hours INTEGER NOT NULL DEFAULT 24;
ALTER TABLE branches ADD COLUMN keys_alert_hours INTEGER NOT NULL DEFAULT 48;

ALTER TABLE vehicles ADD COLUMN service_due_on TEXT;
ALTER TABLE vehicles ADD COLUMN branch_id INTEGER REFERENCES branches (id);
CREATE INDEX vehicles_service_due ON vehicles (branch_id, service_due_on);
CREATE INDEX vehicles_tyre_season ON vehicles (branch_id, tyre_season);
-- A customer's branch is their latest work order's: found by this index.
CREATE INDEX work_orders_customer ON work_orders (customer_id, opened_at);
CREATE INDEX expiring_items_expires ON expiring_items (expires_on);

CREATE TABLE feedback_scores (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id     INTEGER NOT NULL REFERENCES branches (id),
    work_order_id INTEGER NOT NULL UNIQUE REFERENCES work_orders (id),
    thread_id     INTEGER NOT NULL REFERENCES threads (id),
    message_id    INTEGER NOT NULL REFERENCES messages (id),
    score         INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    created_at    DATETIME NOT NULL
);
CREATE INDEX work_orders_handed_over ON work_orders (branch_id, handed_over_at);

-- +goose Down
DROP INDEX work_orders_handed_over;
DROP TABLE feedback_scores;
DROP INDEX expiring_items_expires;
DROP INDEX work_orders_customer;
DROP INDEX vehicles_tyre_season;
DROP INDEX vehicles_service_due;
ALTER TABLE vehicles DROP COLUMN branch_id;
ALTER TABLE vehicles DROP COLUMN service_due_on;
ALTER TABLE branches DROP COLUMN keys_alert_hours;
ALTER TABLE branches DROP COLUMN keys_remind_hours;
ALTER TABLE branches DROP COLUMN tyre_autumn_on;
ALTER TABLE branches DROP COLUMN tyre_spring_on;
ALTER TABLE branches DROP COLUMN reminder_daily_cap;
ALTER TABLE branches DROP COLUMN quiet_until;
ALTER TABLE branches DROP COLUMN quiet_from;
DROP TABLE staff_tasks;
DROP TABLE reminder_ledger;
