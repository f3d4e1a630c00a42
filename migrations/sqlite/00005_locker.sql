-- Key lockers. A site is one locker (a kiosk PC and its lock boards) at a
-- branch; the kiosk syncs with the hub through locker/wire and is the
-- authority on its compartments, so locker_compartments mirrors what the
-- kiosk last reported. The kiosk keeps its own small database (see
-- migrations/kiosk) to go on working while the hub is unreachable.
--
-- * locker_codes: what customers type, only as salted SHA-256 (wire.Hash):
--   the drop-off code sent when a work order opens, the pickup PIN sent when
--   it is ready, paid and its keys are in the locker. used_at marks a PIN
--   that has done its job; revoked_at one replaced by a newer code.
-- * locker_staff_pins: one PIN per staff member, hashed the same way.
-- * locker_events: everything the kiosk reports, once: event_uid is the
--   kiosk-made id, unique per site, so a batch re-sent after a lost answer
--   stores nothing twice.
-- * locker_alarms: what staff must look at; opened by an alarm event,
--   cleared by staff in the panel or by the event that resolves it.
-- * locker_commands: remote openings asked for in the panel, carried out by
--   the kiosk at its next sync (done_at set when its event arrives).
-- Column names match migrations/postgres/00005_locker.sql.

-- +goose Up
CREATE TABLE locker_sites (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id    INTEGER NOT NULL REFERENCES branches (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    last_sync_at DATETIME,
    created_at   DATETIME NOT NULL,
    revoked_at   DATETIME,
    UNIQUE (branch_id, name)
);

CREATE TABLE locker_compartments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id       INTEGER NOT NULL REFERENCES locker_sites (id) ON DELETE CASCADE,
    board         INTEGER NOT NULL CHECK (board BETWEEN 0 AND 15),
    lock          INTEGER NOT NULL CHECK (lock BETWEEN 1 AND 16),
    size          TEXT NOT NULL DEFAULT 'M',
    label         TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'free',
    work_order_id INTEGER REFERENCES work_orders (id),
    state_since   DATETIME NOT NULL,
    door_closed   BOOLEAN NOT NULL DEFAULT 1,
    item          BOOLEAN NOT NULL DEFAULT 0,
    updated_at    DATETIME NOT NULL,
    UNIQUE (site_id, board, lock)
);
CREATE INDEX locker_compartments_work_order ON locker_compartments (work_order_id);

CREATE TABLE locker_codes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    work_order_id INTEGER NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('dropoff', 'pickup')),
    salt          TEXT NOT NULL,
    hash          TEXT NOT NULL,
    created_at    DATETIME NOT NULL,
    used_at       DATETIME,
    revoked_at    DATETIME
);
CREATE INDEX locker_codes_work_order ON locker_codes (work_order_id, kind);

CREATE TABLE locker_staff_pins (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    salt       TEXT NOT NULL,
    hash       TEXT NOT NULL,
    created_at DATETIME NOT NULL
);

CREATE TABLE locker_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id        INTEGER NOT NULL REFERENCES locker_sites (id) ON DELETE CASCADE,
    event_uid      TEXT NOT NULL,
    kind           TEXT NOT NULL,
    occurred_at    DATETIME NOT NULL,
    received_at    DATETIME NOT NULL,
    compartment_id INTEGER REFERENCES locker_compartments (id),
    work_order_id  INTEGER REFERENCES work_orders (id),
    command_id     INTEGER,
    actor          TEXT NOT NULL DEFAULT '',
    detail         TEXT NOT NULL DEFAULT '',
    UNIQUE (site_id, event_uid)
);
CREATE INDEX locker_events_site_time ON locker_events (site_id, occurred_at);
CREATE INDEX locker_events_work_order ON locker_events (work_order_id);

CREATE TABLE locker_alarms (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id        INTEGER NOT NULL REFERENCES locker_sites (id) ON DELETE CASCADE,
    event_id       INTEGER NOT NULL REFERENCES locker_events (id) ON DELETE CASCADE,
    compartment_id INTEGER REFERENCES locker_compartments (id),
    kind           TEXT NOT NULL,
    raised_at      DATETIME NOT NULL,
    cleared_at     DATETIME,
    cleared_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX locker_alarms_open ON locker_alarms (site_id, cleared_at);

CREATE TABLE locker_commands (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id        INTEGER NOT NULL REFERENCES locker_sites (id) ON DELETE CASCADE,
    compartment_id INTEGER NOT NULL REFERENCES locker_compartments (id),
    reason         TEXT NOT NULL,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    login          TEXT NOT NULL,
    created_at     DATETIME NOT NULL,
    done_at        DATETIME
);
CREATE INDEX locker_commands_pending ON locker_commands (site_id, done_at);

-- +goose Down
DROP TABLE locker_commands;
DROP TABLE locker_alarms;
DROP TABLE locker_events;
DROP TABLE locker_staff_pins;
DROP TABLE locker_codes;
DROP TABLE locker_compartments;
DROP TABLE locker_sites;
