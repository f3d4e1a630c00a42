-- Replies received by e-mail (issue 21): one row per e-mail stored in a
-- thread, so a mail delivered twice (a relay retrying after a lost "250",
-- a customer's client sending again) lands once. message_key is the
-- e-mail's Message-ID, or "sha256:" and a hash of its content when it has
-- none; the primary key makes the second copy fail inside the transaction
-- that would store it, also when copies arrive at once.
-- Column names match migrations/sqlite/00043_email_inbound.sql.

-- +goose Up
CREATE TABLE email_inbound (
    thread_id   BIGINT NOT NULL,
    message_key TEXT NOT NULL,
    message_id  BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (thread_id, message_key)
);
CREATE INDEX email_inbound_message ON email_inbound (message_id);

-- +goose Down
DROP TABLE email_inbound;
