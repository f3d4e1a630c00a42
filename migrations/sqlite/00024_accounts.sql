-- accounts: the customer's own account across the dealer network (issue
-- 19). An account is a person who proved they hold one or more phone
-- numbers (a code sent to the phone, or the work-order link that was sent
-- to it); what they see is whatever the DMS nodes tied to those numbers.
-- Sessions keep only the hash of the cookie's token, as staff sessions do.

-- +goose Up
CREATE TABLE accounts (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    locale                TEXT NOT NULL DEFAULT '',
    created_at            DATETIME NOT NULL,
    deletion_requested_at DATETIME
);

CREATE TABLE account_phones (
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    e164        TEXT NOT NULL UNIQUE,
    verified_at DATETIME NOT NULL,
    PRIMARY KEY (account_id, e164)
);

CREATE TABLE account_sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    remember     BOOLEAN NOT NULL DEFAULT 0,
    user_agent   TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    revoked_at   DATETIME
);
CREATE INDEX account_sessions_account ON account_sessions (account_id);

-- +goose Down
DROP TABLE account_sessions;
DROP TABLE account_phones;
DROP TABLE accounts;
