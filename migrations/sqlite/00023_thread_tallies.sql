-- Filter-tab counts that cost the same at 100 k threads as at 100 (issue 18).
--
-- * thread_tallies: how many threads of a branch are in each combination
--   of what the inbox filters look at (store.inboxFilter): state, assignee
--   (0 = nobody) and whether something of the customer's is unanswered
--   (awaiting_since set). store.InboxCounts sums these few rows with the
--   filters' own conditions instead of reading every thread: any exact
--   count over the threads themselves reads one index entry per thread
--   (bench: 200–600 ms p99 at 100 k threads on a loaded machine, however
--   the index was shaped).
-- * Kept by triggers on threads, in the statement that changes a thread,
--   so no code path can forget them and a count never lags its list.
--   Groups that fall to zero stay as zero rows (there are few).
-- Column names match migrations/postgres/00023_thread_tallies.sql.

-- +goose Up
CREATE TABLE thread_tallies (
    branch_id   INTEGER NOT NULL,
    state       TEXT NOT NULL,
    assignee_id INTEGER NOT NULL,
    awaiting    BOOLEAN NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (branch_id, state, assignee_id, awaiting)
);

INSERT INTO thread_tallies (branch_id, state, assignee_id, awaiting, n)
SELECT branch_id, state, COALESCE(assignee_id, 0), awaiting_since IS NOT NULL, COUNT(*)
FROM threads GROUP BY 1, 2, 3, 4;

-- +goose StatementBegin
CREATE TRIGGER threads_tally_insert AFTER INSERT ON threads
BEGIN
    INSERT INTO thread_tallies (branch_id, state, assignee_id, awaiting, n)
    VALUES (NEW.branch_id, NEW.state, COALESCE(NEW.assignee_id, 0), NEW.awaiting_since IS NOT NULL, 1)
    ON CONFLICT (branch_id, state, assignee_id, awaiting) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER threads_tally_delete AFTER DELETE ON threads
BEGIN
    UPDATE thread_tallies SET n = n - 1
    WHERE branch_id = OLD.branch_id AND state = OLD.state
      AND assignee_id = COALESCE(OLD.assignee_id, 0) AND awaiting = (OLD.awaiting_since IS NOT NULL);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER threads_tally_update AFTER UPDATE OF branch_id, state, assignee_id, awaiting_since ON threads
WHEN OLD.branch_id IS NOT NEW.branch_id OR OLD.state IS NOT NEW.state OR OLD.assignee_id IS NOT NEW.assignee_id
  OR (OLD.awaiting_since IS NULL) <> (NEW.awaiting_since IS NULL)
BEGIN
    UPDATE thread_tallies SET n = n - 1
    WHERE branch_id = OLD.branch_id AND state = OLD.state
      AND assignee_id = COALESCE(OLD.assignee_id, 0) AND awaiting = (OLD.awaiting_since IS NOT NULL);
    INSERT INTO thread_tallies (branch_id, state, assignee_id, awaiting, n)
    VALUES (NEW.branch_id, NEW.state, COALESCE(NEW.assignee_id, 0), NEW.awaiting_since IS NOT NULL, 1)
    ON CONFLICT (branch_id, state, assignee_id, awaiting) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER threads_tally_update;
DROP TRIGGER threads_tally_delete;
DROP TRIGGER threads_tally_insert;
DROP TABLE thread_tallies;
