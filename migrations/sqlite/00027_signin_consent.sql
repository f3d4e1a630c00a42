-- Sign-in by a one-time code and consent per purpose (issue 19).
-- * signin_codes: every code sent, kept only as an HMAC under the server
--   secret. The rows are also the rate limits' counters (per phone, per
--   IP), so the limits hold across instances. tries counts wrong entries;
--   a code with 5 is dead. used_at is set by the right entry.
-- * consents: the current answer per phone and purpose (service,
--   reminders, marketing) with when and where it was given (account,
--   stop_reply, dms, staff); no row means the default (granted).
-- * consent_log: every change, the history the customer is shown.

-- +goose Up
CREATE TABLE signin_codes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    e164       TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    ip         TEXT NOT NULL DEFAULT '',
    channel    TEXT NOT NULL DEFAULT 'sms',
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0,
    used_at    DATETIME
);
CREATE INDEX signin_codes_phone ON signin_codes (e164, created_at);
CREATE INDEX signin_codes_ip ON signin_codes (ip, created_at);

CREATE TABLE consents (
    e164       TEXT NOT NULL,
    purpose    TEXT NOT NULL CHECK (purpose IN ('service', 'reminders', 'marketing')),
    granted    BOOLEAN NOT NULL,
    changed_at DATETIME NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('account', 'stop_reply', 'dms', 'staff')),
    PRIMARY KEY (e164, purpose)
);

CREATE TABLE consent_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    e164       TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    granted    BOOLEAN NOT NULL,
    changed_at DATETIME NOT NULL,
    source     TEXT NOT NULL
);
CREATE INDEX consent_log_phone ON consent_log (e164, id);

-- +goose Down
DROP TABLE consent_log;
DROP TABLE consents;
DROP TABLE signin_codes;
