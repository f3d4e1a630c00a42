-- E-mail as a channel (issue 21).
--
-- * message_emails: what an outgoing e-mail carries beyond its message's
--   plain text (messages.body, also the e-mail's text part): the subject,
--   the HTML part, the thread's Reply-To address, the one-click unsubscribe
--   address (RFC 8058) when the message serves a purpose one may refuse,
--   and header_id, the Message-ID naryad gave it (replies and bounces name
--   it). One row per e-mail message; the outbox row's recipient is the
--   address.
-- * customers.email_invalid_at/_reason: a hard bounce marks the address
--   unusable; reminders then go by SMS until the DMS sends a new address.
-- * branch_email_settings: a branch's sender (From name and address) and
--   optional DKIM signing (domain, selector, the private key sealed with
--   hub.Sealer); sms_fallback queues the same words by SMS when an e-mail
--   fails for good. The SMTP server itself is the deployment's
--   (NARYAD_SMTP_* settings), not a branch's.
-- Column names match migrations/sqlite/00041_email.sql.

-- +goose Up
CREATE TABLE message_emails (
    message_id      BIGINT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    subject         TEXT NOT NULL,
    html            TEXT NOT NULL DEFAULT '',
    reply_to        TEXT NOT NULL DEFAULT '',
    unsubscribe_url TEXT NOT NULL DEFAULT '',
    header_id       TEXT NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL
);

ALTER TABLE customers ADD COLUMN email_invalid_at TIMESTAMPTZ;
ALTER TABLE customers ADD COLUMN email_invalid_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE branch_email_settings (
    branch_id     BIGINT PRIMARY KEY REFERENCES branches (id) ON DELETE CASCADE,
    from_address  TEXT NOT NULL,
    from_name     TEXT NOT NULL DEFAULT '',
    dkim_domain   TEXT NOT NULL DEFAULT '',
    dkim_selector TEXT NOT NULL DEFAULT '',
    dkim_key_sealed TEXT NOT NULL DEFAULT '',
    sms_fallback  BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE branch_email_settings;
ALTER TABLE customers DROP COLUMN email_invalid_reason;
ALTER TABLE customers DROP COLUMN email_invalid_at;
DROP TABLE message_emails;
