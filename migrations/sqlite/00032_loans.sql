-- Courtesy-car loans (issue 20): a car of the branch's fleet lent to the
-- customer of a work order's thread, from the advisor's offer to the
-- return.
--
-- * loans: one loan. state is its course (hub.Loan…: offered, out,
--   returned, closed; withdrawn or refused end it early); the three
--   conditions for the key (identity, signature, deposit) have columns of
--   their own because they are met in any order. token_hash is the
--   SHA-256 of the customer's link (/l/<token>); the token itself is never
--   stored. version guards every update (two advisors, a webhook and the
--   customer at once: one wins, the others read again). One open loan per
--   car (loans_open_car), so two offers of the same car cannot both hold.
--   photos_purge_at is when the identity photos go (the end plus the
--   branch's retention).
-- * loan_identity_files: the photos of the manual identity check, staff
--   only, one per kind (a retake replaces it); purged_at is set when the
--   file is deleted, the row stays as the record that it existed.
-- * identity_webhook_events: provider event ids seen once, so a replayed
--   webhook changes nothing.
-- Column names match migrations/postgres/00032_loans.sql.

-- +goose Up
CREATE TABLE loans (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id            INTEGER NOT NULL REFERENCES branches (id),
    thread_id            INTEGER NOT NULL REFERENCES threads (id),
    work_order_id        INTEGER REFERENCES work_orders (id),
    car_id               INTEGER NOT NULL REFERENCES courtesy_cars (id),
    token_hash           TEXT NOT NULL UNIQUE,
    state                TEXT NOT NULL CHECK (state IN ('offered', 'out', 'returned', 'closed', 'withdrawn', 'refused')),
    locale               TEXT NOT NULL DEFAULT 'ru',
    customer_name        TEXT NOT NULL DEFAULT '',
    customer_phone       TEXT NOT NULL DEFAULT '',
    handover_at          DATETIME NOT NULL,
    due_back_at          DATETIME NOT NULL,
    fuel_eighths         INTEGER NOT NULL CHECK (fuel_eighths BETWEEN 0 AND 8),
    odometer_km          INTEGER NOT NULL CHECK (odometer_km >= 0),
    terms                TEXT NOT NULL DEFAULT '',
    deposit_minor        INTEGER NOT NULL DEFAULT 0 CHECK (deposit_minor >= 0),
    deposit_currency     TEXT NOT NULL DEFAULT '',
    deposit_status       TEXT NOT NULL DEFAULT 'none' CHECK (deposit_status IN ('none', 'required', 'held', 'captured', 'released', 'failed')),
    deposit_payment_id   INTEGER,
    identity_method      TEXT NOT NULL CHECK (identity_method IN ('manual', 'stripe')),
    identity_status      TEXT NOT NULL DEFAULT 'pending' CHECK (identity_status IN ('pending', 'submitted', 'processing', 'verified', 'refused')),
    identity_provider_id TEXT NOT NULL DEFAULT '',
    identity_error       TEXT NOT NULL DEFAULT '',
    identity_checked_by  TEXT NOT NULL DEFAULT '',
    identity_checked_at  DATETIME,
    document_id          TEXT NOT NULL DEFAULT '',
    signed_name          TEXT NOT NULL DEFAULT '',
    signed_at            DATETIME,
    signed_ip            TEXT NOT NULL DEFAULT '',
    signed_user_agent    TEXT NOT NULL DEFAULT '',
    agreement_sha256     TEXT NOT NULL DEFAULT '',
    agreement_message_id INTEGER REFERENCES messages (id),
    return_fuel_eighths  INTEGER CHECK (return_fuel_eighths BETWEEN 0 AND 8),
    return_odometer_km   INTEGER CHECK (return_odometer_km >= 0),
    offered_by           TEXT NOT NULL,
    out_at               DATETIME,
    returned_at          DATETIME,
    ended_at             DATETIME,
    photos_purge_at      DATETIME,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL
);
CREATE UNIQUE INDEX loans_open_car ON loans (car_id) WHERE state IN ('offered', 'out');
CREATE INDEX loans_thread ON loans (thread_id);
CREATE INDEX loans_branch_state ON loans (branch_id, state);
CREATE INDEX loans_purge ON loans (photos_purge_at) WHERE photos_purge_at IS NOT NULL;

CREATE TABLE loan_identity_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    loan_id      INTEGER NOT NULL REFERENCES loans (id),
    kind         TEXT NOT NULL CHECK (kind IN ('id_front', 'id_back', 'licence_front', 'licence_back', 'selfie')),
    media_path   TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    purged_at    DATETIME
);
CREATE UNIQUE INDEX loan_identity_files_kind ON loan_identity_files (loan_id, kind) WHERE purged_at IS NULL;

CREATE TABLE identity_webhook_events (
    provider    TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    received_at DATETIME NOT NULL,
    PRIMARY KEY (provider, event_id)
);

-- +goose Down
DROP TABLE identity_webhook_events;
DROP TABLE loan_identity_files;
DROP TABLE loans;
