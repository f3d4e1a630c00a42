-- Reminder channels and unsubscribing by e-mail (issue 21).
--
-- * reminder_channels: a branch's rule per reminder rule: whether its
--   reminders go on the thread's channel (SMS or WhatsApp) and/or by
--   e-mail. A rule without a row goes on the thread only, as before.
-- * reminder_channel_choices: the customer's own choice per phone
--   ("email", "phone" or "both"), set on their account's privacy page; it
--   wins over the branch's rule where e-mail can be used.
-- * consents.source gains 'email': a refusal from the one-click
--   unsubscribe link of an e-mail (RFC 8058). SQLite cannot widen a CHECK
--   in place, so the table is rebuilt with its rows.
-- Column names match migrations/postgres/00042_reminder_channels.sql.

-- +goose Up
CREATE TABLE reminder_channels (
    branch_id  INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    rule       TEXT NOT NULL,
    thread     BOOLEAN NOT NULL,
    email      BOOLEAN NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (branch_id, rule),
    CHECK (thread OR email)
);

CREATE TABLE reminder_channel_choices (
    e164       TEXT PRIMARY KEY,
    choice     TEXT NOT NULL CHECK (choice IN ('email', 'phone', 'both')),
    changed_at DATETIME NOT NULL
);

CREATE TABLE consents_new (
    e164       TEXT NOT NULL,
    purpose    TEXT NOT NULL CHECK (purpose IN ('service', 'reminders', 'marketing')),
    granted    BOOLEAN NOT NULL,
    changed_at DATETIME NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('account', 'stop_reply', 'dms', 'staff', 'email')),
    PRIMARY KEY (e164, purpose)
);
INSERT INTO consents_new (e164, purpose, granted, changed_at, source)
    SELECT e164, purpose, granted, changed_at, source FROM consents;
DROP TABLE consents;
ALTER TABLE consents_new RENAME TO consents;

-- +goose Down
-- An answer given by e-mail stays an answer, recorded as the customer's
-- own (account) under the narrower CHECK; the history keeps 'email'.
CREATE TABLE consents_old (
    e164       TEXT NOT NULL,
    purpose    TEXT NOT NULL CHECK (purpose IN ('service', 'reminders', 'marketing')),
    granted    BOOLEAN NOT NULL,
    changed_at DATETIME NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('account', 'stop_reply', 'dms', 'staff')),
    PRIMARY KEY (e164, purpose)
);
INSERT INTO consents_old (e164, purpose, granted, changed_at, source)
    SELECT e164, purpose, granted, changed_at, CASE source WHEN 'email' THEN 'account' ELSE source END FROM consents;
DROP TABLE consents;
ALTER TABLE consents_old RENAME TO consents;
DROP TABLE reminder_channel_choices;
DROP TABLE reminder_channels;
