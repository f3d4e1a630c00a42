-- WhatsApp channel (package hub/whatsapp). whatsmeow keeps its own session
-- tables (whatsmeow_*): in the same PostgreSQL database, or in embedded
-- mode in a separate SQLite file of the data directory. Nothing here starts
-- with whatsmeow_.
--
-- * wa_accounts: a WhatsApp number linked to a branch. jid is whatsmeow's
--   device JID once linked ('' before); state is what the admin page shows
--   (unlinked, connecting, connected, disconnected, logged_out, banned,
--   replaced) with state_detail and, for a temporary ban, ban_expires_at.
--   link_code/link_expires_at hold the QR payload (or phone pairing code)
--   of a linking in progress, so any instance can show it. Pacing:
--   min_interval_ms between two sends, daily_new_chats a cap on chats the
--   account starts in 24 hours (ban risk).
-- * wa_threads: the account a thread's WhatsApp conversation runs on (the
--   number the customer wrote to, or the one chosen when it started).
-- * wa_inbound: every WhatsApp message stored, by account, chat and
--   WhatsApp id, so a redelivered message is stored once.
-- * wa_media: an incoming file still to download (the raw message proto,
--   its attempts and when to try next); done rows are deleted.
-- * wa_contacts: whether a number is on WhatsApp, as last checked.
-- * wa_chats: chats an account has had, for the daily cap of new chats.
-- * wa_groups: a group per work order; left_at once the account left it.
-- * branches.wa_groups: group per work order on (off by default: ban risk);
--   wa_group_leave_days: days after hand-over to leave the group.
-- * work_orders.master_*: the master (mechanic) the DMS names, a group member.
-- Column names match migrations/postgres/00007_whatsapp.sql.

-- +goose Up
CREATE TABLE wa_accounts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       INTEGER NOT NULL REFERENCES branches (id),
    name            TEXT NOT NULL UNIQUE,
    jid             TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT 'unlinked',
    state_detail    TEXT NOT NULL DEFAULT '',
    state_since     DATETIME NOT NULL,
    ban_expires_at  DATETIME,
    link_code       TEXT NOT NULL DEFAULT '',
    link_expires_at DATETIME,
    min_interval_ms INTEGER NOT NULL DEFAULT 3000,
    daily_new_chats INTEGER NOT NULL DEFAULT 30,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX wa_accounts_branch ON wa_accounts (branch_id);

CREATE TABLE wa_threads (
    thread_id  INTEGER PRIMARY KEY REFERENCES threads (id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES wa_accounts (id) ON DELETE CASCADE,
    updated_at DATETIME NOT NULL
);

CREATE TABLE wa_inbound (
    account_id INTEGER NOT NULL REFERENCES wa_accounts (id) ON DELETE CASCADE,
    chat       TEXT NOT NULL,
    wa_id      TEXT NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (account_id, chat, wa_id)
);

CREATE TABLE wa_media (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL REFERENCES wa_accounts (id) ON DELETE CASCADE,
    message_id      INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    wa_id           TEXT NOT NULL,
    info            BLOB NOT NULL,
    proto           BLOB NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    retry_asked_at  DATETIME,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL
);
CREATE INDEX wa_media_due ON wa_media (next_attempt_at);
CREATE INDEX wa_media_wa_id ON wa_media (wa_id);

CREATE TABLE wa_contacts (
    phone       TEXT PRIMARY KEY,
    on_whatsapp BOOLEAN NOT NULL,
    jid         TEXT NOT NULL DEFAULT '',
    checked_at  DATETIME NOT NULL
);

CREATE TABLE wa_chats (
    account_id INTEGER NOT NULL REFERENCES wa_accounts (id) ON DELETE CASCADE,
    phone      TEXT NOT NULL,
    started_by TEXT NOT NULL,
    started_at DATETIME NOT NULL,
    PRIMARY KEY (account_id, phone)
);
CREATE INDEX wa_chats_started ON wa_chats (account_id, started_by, started_at);

CREATE TABLE wa_groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id   INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES wa_accounts (id) ON DELETE CASCADE,
    jid         TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'active',
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    left_at     DATETIME
);
CREATE UNIQUE INDEX wa_groups_thread ON wa_groups (thread_id);
CREATE INDEX wa_groups_jid ON wa_groups (jid);

ALTER TABLE branches ADD COLUMN wa_groups BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE branches ADD COLUMN wa_group_leave_days INTEGER NOT NULL DEFAULT 3;
ALTER TABLE work_orders ADD COLUMN master_name TEXT NOT NULL DEFAULT '';
ALTER TABLE work_orders ADD COLUMN master_phone TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE work_orders DROP COLUMN master_phone;
ALTER TABLE work_orders DROP COLUMN master_name;
ALTER TABLE branches DROP COLUMN wa_group_leave_days;
ALTER TABLE branches DROP COLUMN wa_groups;
DROP TABLE wa_groups;
DROP TABLE wa_chats;
DROP TABLE wa_contacts;
DROP TABLE wa_media;
DROP TABLE wa_inbound;
DROP TABLE wa_threads;
DROP TABLE wa_accounts;
