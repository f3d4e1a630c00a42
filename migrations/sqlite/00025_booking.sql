-- Booking a visit from the customer's account (issue 19).
--
-- * branches gain what the branch directory shows (city, address, brands
--   as a comma list) and the booking rules an admin sets: until how many
--   hours before the start a customer may cancel or move, how far ahead
--   and how soon they may book.
-- * branch_holidays: days ('YYYY-MM-DD', the branch's calendar) with no slots.
-- * service_catalogue: what a customer may ask for at a branch, named in
--   every language; deactivated, never deleted (bookings name the codes).
-- * branch_capacity: per kind of service, slots of slot_minutes laid over
--   the branch's working hours, per_slot bookings each.
-- * bookings: one request of a customer's account (accounts come from
--   migration 00024, another part of the issue, hence no foreign key).
--   request_key makes a re-submitted form the same booking.
-- * booking_slots: how many bookings hold each slot. Taking one is a
--   single conditional upsert (taken < capacity), so parallel requests for
--   the last place cannot both win on either database.
-- Column names match migrations/postgres/00025_booking.sql.

-- +goose Up
ALTER TABLE branches ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE branches ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE branches ADD COLUMN brands TEXT NOT NULL DEFAULT '';
ALTER TABLE branches ADD COLUMN booking_cancel_hours INTEGER NOT NULL DEFAULT 2;
ALTER TABLE branches ADD COLUMN booking_horizon_days INTEGER NOT NULL DEFAULT 60;
ALTER TABLE branches ADD COLUMN booking_lead_minutes INTEGER NOT NULL DEFAULT 60;

CREATE TABLE branch_holidays (
    branch_id INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    day       TEXT NOT NULL,
    name      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (branch_id, day)
);

CREATE TABLE service_catalogue (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    code      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    name_ru   TEXT NOT NULL DEFAULT '',
    name_pl   TEXT NOT NULL DEFAULT '',
    name_en   TEXT NOT NULL DEFAULT '',
    minutes   INTEGER NOT NULL,
    active    BOOLEAN NOT NULL DEFAULT TRUE,
    position  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (branch_id, code)
);

CREATE TABLE branch_capacity (
    branch_id    INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    slot_minutes INTEGER NOT NULL,
    per_slot     INTEGER NOT NULL,
    PRIMARY KEY (branch_id, kind)
);

CREATE TABLE bookings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id    INTEGER NOT NULL REFERENCES branches (id),
    account_id   INTEGER NOT NULL,
    phone        TEXT NOT NULL,
    customer_id  INTEGER REFERENCES customers (id),
    vehicle_id   INTEGER REFERENCES vehicles (id),
    vehicle_text TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL,
    services     TEXT NOT NULL DEFAULT '[]',
    note         TEXT NOT NULL DEFAULT '',
    starts_at    DATETIME NOT NULL,
    ends_at      DATETIME NOT NULL,
    state        TEXT NOT NULL,
    thread_id    INTEGER REFERENCES threads (id),
    locale       TEXT NOT NULL DEFAULT '',
    request_key  TEXT NOT NULL UNIQUE,
    dms_note     TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
CREATE INDEX bookings_branch_start ON bookings (branch_id, starts_at);
CREATE INDEX bookings_account ON bookings (account_id);

CREATE TABLE booking_slots (
    branch_id INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    starts_at DATETIME NOT NULL,
    taken     INTEGER NOT NULL CHECK (taken >= 0),
    PRIMARY KEY (branch_id, kind, starts_at)
);

-- +goose Down
DROP TABLE booking_slots;
DROP TABLE bookings;
DROP TABLE branch_capacity;
DROP TABLE service_catalogue;
DROP TABLE branch_holidays;
ALTER TABLE branches DROP COLUMN booking_lead_minutes;
ALTER TABLE branches DROP COLUMN booking_horizon_days;
ALTER TABLE branches DROP COLUMN booking_cancel_hours;
ALTER TABLE branches DROP COLUMN brands;
ALTER TABLE branches DROP COLUMN address;
ALTER TABLE branches DROP COLUMN city;
