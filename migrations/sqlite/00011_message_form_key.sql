-- message_form_key: the random key the customer page puts in each render
-- of its message form. A double click or a browser retry sends the same
-- key again, and the unique index stores that message once per thread.
-- Messages from elsewhere (and from pages older than this) have none ('').

-- +goose Up
ALTER TABLE messages ADD COLUMN form_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX messages_form_key ON messages (thread_id, form_key) WHERE form_key <> '';

-- +goose Down
DROP INDEX messages_form_key;
ALTER TABLE messages DROP COLUMN form_key;
