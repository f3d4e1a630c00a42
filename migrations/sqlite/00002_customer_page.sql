-- The customer page: a work order's status history for its timeline, and
-- the durable log of everything a live page shows (SSE event ids), so a page
-- that reconnects with Last-Event-ID replays exactly what it missed.
-- Column names match migrations/postgres/00002_customer_page.sql.

-- +goose Up
CREATE TABLE status_changes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    work_order_id INTEGER NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    raw_status    TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT '',
    changed_at    DATETIME NOT NULL
);
CREATE INDEX status_changes_work_order ON status_changes (work_order_id, id);

-- Ids come from event_counter inside the writing transaction (as the change
-- feed's do): its row lock makes events commit in id order, so a reader that
-- asks for ids above the last it saw never skips one committed late.
CREATE TABLE event_counter (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
);
INSERT INTO event_counter (id, last) VALUES (1, 0);

CREATE TABLE thread_events (
    id         INTEGER PRIMARY KEY,
    thread_id  INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    branch_id  INTEGER NOT NULL REFERENCES branches (id),
    kind       TEXT NOT NULL,
    message_id INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL
);
CREATE INDEX thread_events_thread ON thread_events (thread_id, id);
CREATE INDEX thread_events_branch ON thread_events (branch_id, id);

-- +goose Down
DROP TABLE thread_events;
DROP TABLE event_counter;
DROP TABLE status_changes;
