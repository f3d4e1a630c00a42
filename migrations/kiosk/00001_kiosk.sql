-- The kiosk's own database (kiosk.db on the kiosk PC, SQLite only): what it
-- needs to go on deciding door openings while the hub is unreachable, and
-- the events it has not yet handed to the hub. See locker/kiosk.
--
-- * kiosk: one row; the digest of the hub's last answer, the site, and the
--   wrong-entry counter and lockout, kept here so a restart does not lift it.
-- * compartments: the hub's list of boxes (ids are the hub's) plus the state
--   the kiosk owns. While state = 'open' the opening_* columns describe the
--   door action in progress; they are written BEFORE the unlock pulse, so a
--   crash never leaves an open door the kiosk does not know about.
-- * work_orders, staff_pins: the hub's hashed codes, replaced on each sync.
-- * used_pins: pickup PINs that already opened a door and emptied it; they
--   survive cache replacement so a PIN dies at once, before the hub answers.
-- * events: the outbox to the hub, oldest first by n; uid is the
--   idempotency key, sent_at set once the hub lists it in Accepted.
-- * commands_done: remote openings carried out, written in the same
--   transaction as the door state, so a re-sent command opens nothing.

-- +goose Up
CREATE TABLE kiosk (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    digest        TEXT NOT NULL DEFAULT '',
    synced_at     DATETIME,
    site_id       INTEGER NOT NULL DEFAULT 0,
    site_name     TEXT NOT NULL DEFAULT '',
    locale        TEXT NOT NULL DEFAULT '',
    branch        TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    wrong_entries INTEGER NOT NULL DEFAULT 0,
    locked_until  DATETIME
);
INSERT INTO kiosk (id) VALUES (1);

CREATE TABLE compartments (
    id                         INTEGER PRIMARY KEY,
    board                      INTEGER NOT NULL CHECK (board BETWEEN 0 AND 15),
    lock                       INTEGER NOT NULL CHECK (lock BETWEEN 1 AND 16),
    size                       TEXT NOT NULL DEFAULT 'M',
    label                      TEXT NOT NULL,
    state                      TEXT NOT NULL DEFAULT 'free',
    work_order_id              INTEGER,
    state_since                DATETIME NOT NULL,
    door_closed                BOOLEAN NOT NULL DEFAULT 1,
    item                       BOOLEAN NOT NULL DEFAULT 0,
    opening_purpose            TEXT NOT NULL DEFAULT '',
    opening_actor              TEXT NOT NULL DEFAULT '',
    opening_at                 DATETIME,
    opening_reopen             BOOLEAN NOT NULL DEFAULT 0,
    opening_seen_open          BOOLEAN NOT NULL DEFAULT 0,
    opening_alarmed            BOOLEAN NOT NULL DEFAULT 0,
    opening_prev_state         TEXT NOT NULL DEFAULT '',
    opening_prev_work_order_id INTEGER
);
CREATE INDEX compartments_board ON compartments (board, lock);

CREATE TABLE work_orders (
    id             INTEGER PRIMARY KEY,
    number         TEXT NOT NULL,
    order_key_hash TEXT NOT NULL DEFAULT '',
    order_key_salt TEXT NOT NULL DEFAULT '',
    drop_off_hash  TEXT NOT NULL DEFAULT '',
    drop_off_salt  TEXT NOT NULL DEFAULT '',
    pickup_hash    TEXT NOT NULL DEFAULT '',
    pickup_salt    TEXT NOT NULL DEFAULT '',
    ready          BOOLEAN NOT NULL DEFAULT 0,
    paid           BOOLEAN NOT NULL DEFAULT 0
);

CREATE TABLE staff_pins (
    user_id  INTEGER PRIMARY KEY,
    login    TEXT NOT NULL,
    name     TEXT NOT NULL DEFAULT '',
    pin_hash TEXT NOT NULL,
    pin_salt TEXT NOT NULL
);

CREATE TABLE used_pins (
    pickup_hash   TEXT PRIMARY KEY,
    work_order_id INTEGER NOT NULL,
    used_at       DATETIME NOT NULL
);

CREATE TABLE events (
    n              INTEGER PRIMARY KEY AUTOINCREMENT,
    uid            TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    occurred_at    DATETIME NOT NULL,
    compartment_id INTEGER,
    work_order_id  INTEGER,
    command_id     INTEGER,
    actor          TEXT NOT NULL DEFAULT '',
    detail         TEXT NOT NULL DEFAULT '',
    sent_at        DATETIME
);
CREATE INDEX events_unsent ON events (sent_at, n);

CREATE TABLE commands_done (
    command_id     INTEGER PRIMARY KEY,
    compartment_id INTEGER NOT NULL,
    done_at        DATETIME NOT NULL
);

-- +goose Down
DROP TABLE commands_done;
DROP TABLE events;
DROP TABLE used_pins;
DROP TABLE staff_pins;
DROP TABLE work_orders;
DROP TABLE compartments;
DROP TABLE kiosk;
