-- Photos of a courtesy car at the pickup and at the return (issue 20), and
-- what is known of the return beyond the loan's row.
--
-- * loan_car_photos: the current photo of each kind (front, back, left,
--   right, fuel, odometer) of each set (pickup, return) of a loan; a retake
--   replaces the row (loan_car_photos_current keeps one per loan, set and
--   kind, so two retakes at once cannot both stay), and its file goes when
--   nothing else names it. taken_by is customer (the loan page) or staff
--   (the inbox's loan card, staff_name saying who). Shown to the customer
--   and the branch's staff; never purged with the identity photos: they are
--   the evidence of the car's state for both sides.
-- * loan_return_reports: one per loan, made when the customer sends their
--   reading at the return (fuel in eighths, odometer, damage noticed with a
--   note; reported_at) or when the return is checked: task_id and
--   checked_at record the staff task the return opened (less fuel than at
--   the handover, or damage), so it is opened once.
-- Column names match migrations/postgres/00037_loan_car_photos.sql.

-- +goose Up
CREATE TABLE loan_car_photos (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    loan_id      INTEGER NOT NULL REFERENCES loans (id),
    photo_set    TEXT NOT NULL CHECK (photo_set IN ('pickup', 'return')),
    kind         TEXT NOT NULL CHECK (kind IN ('front', 'back', 'left', 'right', 'fuel', 'odometer')),
    media_path   TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL CHECK (size_bytes > 0),
    sha256       TEXT NOT NULL,
    taken_by     TEXT NOT NULL CHECK (taken_by IN ('customer', 'staff')),
    staff_name   TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX loan_car_photos_current ON loan_car_photos (loan_id, photo_set, kind);
CREATE INDEX loan_car_photos_sha256 ON loan_car_photos (sha256);

CREATE TABLE loan_return_reports (
    loan_id      INTEGER PRIMARY KEY REFERENCES loans (id),
    fuel_eighths INTEGER CHECK (fuel_eighths BETWEEN 0 AND 8),
    odometer_km  INTEGER CHECK (odometer_km >= 0),
    damage       BOOLEAN NOT NULL DEFAULT FALSE,
    damage_note  TEXT NOT NULL DEFAULT '',
    reported_at  DATETIME,
    task_id      INTEGER REFERENCES staff_tasks (id),
    checked_at   DATETIME,
    updated_at   DATETIME NOT NULL
);

-- +goose Down
DROP TABLE loan_return_reports;
DROP INDEX loan_car_photos_sha256;
DROP INDEX loan_car_photos_current;
DROP TABLE loan_car_photos;
