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
--   so no code path can forget them and a count never lags its list. A
--   statement's net change per group is written in key order, so two
--   transactions moving threads in opposite directions queue instead of
--   deadlocking. Groups that fall to zero stay as zero rows (there are
--   few).
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
CREATE FUNCTION threads_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO thread_tallies AS tt (branch_id, state, assignee_id, awaiting, n)
        SELECT branch_id, state, COALESCE(assignee_id, 0), awaiting_since IS NOT NULL, COUNT(*)
        FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (branch_id, state, assignee_id, awaiting) DO UPDATE SET n = tt.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO thread_tallies AS tt (branch_id, state, assignee_id, awaiting, n)
        SELECT branch_id, state, COALESCE(assignee_id, 0), awaiting_since IS NOT NULL, -COUNT(*)
        FROM old_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (branch_id, state, assignee_id, awaiting) DO UPDATE SET n = tt.n + excluded.n;
    ELSE
        INSERT INTO thread_tallies AS tt (branch_id, state, assignee_id, awaiting, n)
        SELECT branch_id, state, assignee_id, awaiting, SUM(d) FROM (
            SELECT branch_id, state, COALESCE(assignee_id, 0) AS assignee_id, awaiting_since IS NOT NULL AS awaiting, 1 AS d FROM new_rows
            UNION ALL
            SELECT branch_id, state, COALESCE(assignee_id, 0), awaiting_since IS NOT NULL, -1 FROM old_rows
        ) moved GROUP BY 1, 2, 3, 4 HAVING SUM(d) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (branch_id, state, assignee_id, awaiting) DO UPDATE SET n = tt.n + excluded.n;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- Statement triggers over transition tables: one upsert per group a
-- statement changes, however many threads it touches (row triggers
-- updating one tally row 100 000 times in a bulk insert measured
-- quadratic: each update walks the row's growing chain of versions).
-- PostgreSQL allows no column list with transition tables, so every
-- UPDATE of threads runs it; one that changes no tallied column nets to
-- zero per group and writes nothing.
CREATE TRIGGER threads_tally_insert AFTER INSERT ON threads
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION threads_tally();
CREATE TRIGGER threads_tally_update AFTER UPDATE ON threads
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION threads_tally();
CREATE TRIGGER threads_tally_delete AFTER DELETE ON threads
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION threads_tally();

-- +goose Down
DROP TRIGGER threads_tally_delete ON threads;
DROP TRIGGER threads_tally_update ON threads;
DROP TRIGGER threads_tally_insert ON threads;
DROP FUNCTION threads_tally();
DROP TABLE thread_tallies;
