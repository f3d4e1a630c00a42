-- Work that assigns itself (issue 18, part "assign").
--
-- * users.external_id: the advisor's id in the DMS ('' none), so a work
--   order's advisor (work_orders.advisor_external_id) maps to a user.
-- * user_branches: per branch, how many open threads the user takes
--   (capacity, 0 = no limit), whether they are on shift now (only advisors
--   on shift get new threads by the branch rule) and whether they observe
--   every new thread of the branch (a manager).
-- * branches.assign_mode: round_robin or least_loaded; assign_cursor is the
--   user id the round robin gave the last thread to (0: none yet).
-- * thread_observers: who follows a thread (gets its notifications).
-- * thread_assignments: every change of a thread's responsible person, with
--   why (dms_advisor, round_robin, least_loaded, off_shift, manual) and by
--   whom (NULL: naryad itself). The thread page shows the latest row.
-- Column names match the other dialect's 00020_assign.sql.

-- +goose Up
ALTER TABLE users ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
CREATE INDEX users_external_id ON users (external_id) WHERE external_id <> '';

ALTER TABLE user_branches ADD COLUMN capacity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user_branches ADD COLUMN on_shift BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE user_branches ADD COLUMN observer BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE branches ADD COLUMN assign_mode TEXT NOT NULL DEFAULT 'round_robin';
ALTER TABLE branches ADD COLUMN assign_cursor INTEGER NOT NULL DEFAULT 0;

CREATE TABLE thread_observers (
    thread_id INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX thread_observers_user ON thread_observers (user_id);

CREATE TABLE thread_assignments (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    branch_id INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    from_user INTEGER REFERENCES users (id) ON DELETE SET NULL,
    to_user   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    reason    TEXT NOT NULL,
    by_user   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    at        DATETIME NOT NULL
);
CREATE INDEX thread_assignments_thread ON thread_assignments (thread_id, id);
CREATE INDEX thread_assignments_branch ON thread_assignments (branch_id, id);
CREATE INDEX threads_assignee_open ON threads (assignee_id, branch_id) WHERE state <> 'resolved';

-- +goose Down
DROP INDEX threads_assignee_open;
DROP TABLE thread_assignments;
DROP TABLE thread_observers;
ALTER TABLE branches DROP COLUMN assign_cursor;
ALTER TABLE branches DROP COLUMN assign_mode;
ALTER TABLE user_branches DROP COLUMN observer;
ALTER TABLE user_branches DROP COLUMN on_shift;
ALTER TABLE user_branches DROP COLUMN capacity;
DROP INDEX users_external_id;
ALTER TABLE users DROP COLUMN external_id;
