-- Reminder channels and unsubscribing by e-mail (issue 21).
--
-- * reminder_channels: a branch's rule per reminder rule: whether its
--   reminders go on the thread's channel (SMS or WhatsApp) and/or by
--   e-mail. A rule without a row goes on the thread only, as before.
-- * reminder_channel_choices: the customer's own choice per phone
--   ("email", "phone" or "both"), set on their account's privacy page; it
--   wins over the branch's rule where e-mail can be used.
-- * consents.source gains 'email': a refusal from the one-click
--   unsubscribe link of an e-mail (RFC 8058).
-- Column names match migrations/sqlite/00042_reminder_channels.sql.

-- +goose Up
CREATE TABLE reminder_channels (
    branch_id  BIGINT NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    rule       TEXT NOT NULL,
    thread     BOOLEAN NOT NULL,
    email      BOOLEAN NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (branch_id, rule),
    CHECK (thread OR email)
);

CREATE TABLE reminder_channel_choices (
    e164       TEXT PRIMARY KEY,
    choice     TEXT NOT NULL CHECK (choice IN ('email', 'phone', 'both')),
    changed_at TIMESTAMPTZ NOT NULL
);

ALTER TABLE consents DROP CONSTRAINT consents_source_check;
ALTER TABLE consents ADD CONSTRAINT consents_source_check
    CHECK (source IN ('account', 'stop_reply', 'dms', 'staff', 'email'));

-- +goose Down
-- An answer given by e-mail stays an answer, recorded as the customer's
-- own (account) under the narrower CHECK; the history keeps 'email'.
UPDATE consents SET source = 'account' WHERE source = 'email';
ALTER TABLE consents DROP CONSTRAINT consents_source_check;
ALTER TABLE consents ADD CONSTRAINT consents_source_check
    CHECK (source IN ('account', 'stop_reply', 'dms', 'staff'));
DROP TABLE reminder_channel_choices;
DROP TABLE reminder_channels;
