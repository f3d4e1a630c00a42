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
-- * Kept by a trigger on threads, in the statement that changes a thread,
--   so no code path can forget them and a count never lags its list. A
--   change moves one thread between two groups; the two rows are touched
--   in key order, so two transactions moving threads in opposite
--   directions queue instead of deadlocking. Groups that fall to zero stay
--   as zero rows (there are few).
-- Column names match migrations/sqlite/00023_thread_tallies.sql.

-- +goose Up
CREATE TABLE thread_tallies (
    branch_id   BIGINT NOT NULL,
    state       TEXT NOT NULL,
    assignee_id BIGINT NOT NULL,
    awaiting    BOOLEAN NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (branch_id, state, assignee_id, awaiting)
);

INSERT INTO thread_tallies (branch_id, state, assignee_id, awaiting, n)
SELECT branch_id, state, COALESCE(assignee_id, 0), awaiting_since IS NOT NULL, COUNT(*)
FROM threads GROUP BY 1, 2, 3, 4;

-- +goose StatementBegin
CREATE FUNCTION thread_tally_add(b BIGINT, s TEXT, a BIGINT, w BOOLEAN, d INTEGER) RETURNS void LANGUAGE sql AS $$
    INSERT INTO thread_tallies (branch_id, state, assignee_id, awaiting, n) VALUES (b, s, COALESCE(a, 0), w, d)
    ON CONFLICT (branch_id, state, assignee_id, awaiting) DO UPDATE SET n = thread_tallies.n + d;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION threads_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM thread_tally_add(NEW.branch_id, NEW.state, NEW.assignee_id, NEW.awaiting_since IS NOT NULL, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM thread_tally_add(OLD.branch_id, OLD.state, OLD.assignee_id, OLD.awaiting_since IS NOT NULL, -1);
    ELSIF (OLD.branch_id, OLD.state, COALESCE(OLD.assignee_id, 0), OLD.awaiting_since IS NOT NULL)
        < (NEW.branch_id, NEW.state, COALESCE(NEW.assignee_id, 0), NEW.awaiting_since IS NOT NULL) THEN
        PERFORM thread_tally_add(OLD.branch_id, OLD.state, OLD.assignee_id, OLD.awaiting_since IS NOT NULL, -1);
        PERFORM thread_tally_add(NEW.branch_id, NEW.state, NEW.assignee_id, NEW.awaiting_since IS NOT NULL, 1);
    ELSE
        PERFORM thread_tally_add(NEW.branch_id, NEW.state, NEW.assignee_id, NEW.awaiting_since IS NOT NULL, 1);
        PERFORM thread_tally_add(OLD.branch_id, OLD.state, OLD.assignee_id, OLD.awaiting_since IS NOT NULL, -1);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER threads_tally_insert_delete AFTER INSERT OR DELETE ON threads
FOR EACH ROW EXECUTE FUNCTION threads_tally();

CREATE TRIGGER threads_tally_update AFTER UPDATE OF branch_id, state, assignee_id, awaiting_since ON threads
FOR EACH ROW WHEN (OLD.branch_id IS DISTINCT FROM NEW.branch_id OR OLD.state IS DISTINCT FROM NEW.state
    OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id OR (OLD.awaiting_since IS NULL) <> (NEW.awaiting_since IS NULL))
EXECUTE FUNCTION threads_tally();

-- +goose Down
DROP TRIGGER threads_tally_update ON threads;
DROP TRIGGER threads_tally_insert_delete ON threads;
DROP FUNCTION threads_tally();
DROP FUNCTION thread_tally_add(BIGINT, TEXT, BIGINT, BOOLEAN, INTEGER);
DROP TABLE thread_tallies;
