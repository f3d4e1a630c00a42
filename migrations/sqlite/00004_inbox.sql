-- The advisors' inbox. What the thread list needs, kept small:
--
-- * threads.awaiting_since: when the oldest customer message not yet
--   answered arrived (NULL when nothing waits). Written by AddMessage in the
--   same transaction as the message: an inbound message sets it when empty,
--   a reply clears it (an automatic notification — template, no author —
--   is not a reply). It drives the "waiting for us / for the customer"
--   filters and the first-response badge without reading messages.
-- * branches.first_response_minutes: the branch's first-response target.
-- * thread_reads: per user, the last message they read in a thread. Unread
--   counts are counted from messages (inbound, id above the mark) only for
--   the page of threads shown, through messages_thread (thread_id, id), so
--   no counter has to be kept right on every write.
--
-- Search needs no column maintained on write: the list matches the query
-- against the rows that already hold each key (threads.phone,
-- customer_phones.e164, customers.name, vehicles.plate / vin,
-- work_orders.number) by prefix ranges on their btree indexes, so a renamed
-- customer or a corrected plate is found at once. The store normalises the
-- query (phone in any format → E.164 prefixes; case variants of a name;
-- Cyrillic/Latin look-alikes in a plate). Indexes missing for that are here.
-- Column names match migrations/postgres/00004_inbox.sql.

-- +goose Up
ALTER TABLE threads ADD COLUMN awaiting_since DATETIME;
ALTER TABLE branches ADD COLUMN first_response_minutes INTEGER NOT NULL DEFAULT 5;

CREATE TABLE thread_reads (
    user_id              INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id            INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    last_read_message_id INTEGER NOT NULL,
    read_at              DATETIME NOT NULL,
    PRIMARY KEY (user_id, thread_id)
);

CREATE INDEX threads_activity ON threads (last_activity_at, id);
CREATE INDEX threads_assignee_activity ON threads (assignee_id, last_activity_at);
CREATE INDEX threads_customer ON threads (customer_id);
CREATE INDEX threads_phone ON threads (phone);
CREATE INDEX work_orders_vehicle ON work_orders (vehicle_id);
CREATE INDEX customers_name ON customers (name);

-- +goose Down
DROP INDEX customers_name;
DROP INDEX work_orders_vehicle;
DROP INDEX threads_phone;
DROP INDEX threads_customer;
DROP INDEX threads_assignee_activity;
DROP INDEX threads_activity;
DROP TABLE thread_reads;
ALTER TABLE branches DROP COLUMN first_response_minutes;
ALTER TABLE threads DROP COLUMN awaiting_since;
