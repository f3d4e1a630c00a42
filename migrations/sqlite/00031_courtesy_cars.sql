-- Courtesy cars (issue 20): the fleet of loaners per branch and what the
-- branch sets for lending them.
--
-- * courtesy_cars: one loaner. state follows hub.CarMoveAllowed (checked
--   in the store, where the override is audited). Cars are retired, never
--   deleted: next session's loans name them. plate_key is the plate
--   without spaces and dashes, Cyrillic look-alike letters as Latin, so
--   "А 123 ВС 77" and "a123bc77" are the same car; it is unique per branch
--   among the cars not retired (a partial index, on both databases), so a
--   retired car's plate may come back on a new one.
-- * branch_loan_settings: one row per branch once an admin saves; absent
--   means the defaults (manual identity check, photos kept 30 days, no
--   deposit, standard terms).
-- Column names match migrations/postgres/00031_courtesy_cars.sql.

-- +goose Up
CREATE TABLE courtesy_cars (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id  INTEGER NOT NULL REFERENCES branches (id),
    plate      TEXT NOT NULL,
    plate_key  TEXT NOT NULL,
    vin        TEXT NOT NULL DEFAULT '',
    model      TEXT NOT NULL,
    fuel       TEXT NOT NULL CHECK (fuel IN ('petrol', 'diesel', 'hybrid', 'electric', 'lpg')),
    state      TEXT NOT NULL CHECK (state IN ('available', 'reserved', 'out', 'returned', 'cleaning')),
    note       TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    retired_at DATETIME
);
CREATE UNIQUE INDEX courtesy_cars_plate ON courtesy_cars (branch_id, plate_key) WHERE retired_at IS NULL;

CREATE TABLE branch_loan_settings (
    branch_id            INTEGER PRIMARY KEY REFERENCES branches (id) ON DELETE CASCADE,
    identity_method      TEXT NOT NULL DEFAULT 'manual' CHECK (identity_method IN ('manual', 'stripe')),
    photo_retention_days INTEGER NOT NULL DEFAULT 30 CHECK (photo_retention_days BETWEEN 1 AND 365),
    deposit_minor        INTEGER NOT NULL DEFAULT 0 CHECK (deposit_minor >= 0),
    deposit_currency     TEXT NOT NULL DEFAULT '',
    terms_ru             TEXT NOT NULL DEFAULT '',
    terms_pl             TEXT NOT NULL DEFAULT '',
    terms_en             TEXT NOT NULL DEFAULT '',
    updated_at           DATETIME NOT NULL
);

-- +goose Down
DROP TABLE branch_loan_settings;
DROP TABLE courtesy_cars;
