-- The photos of a courtesy car at the pickup and the return are deleted
-- too, later than the identity photos (they are the evidence of a damage
-- dispute): branch_loan_settings.car_photo_retention_days (default 180,
-- 1–1825) counted from the loan's end, and loan_car_photos.purged_at set
-- when hub/loanpurge deleted the file (the row stays as the record that
-- the photo existed, with its kind, size and SHA-256);
-- loan_car_photos.thumb_sha256 is the JPEG thumbnail made at the upload
-- (hub.MakeThumbnail, as inspection photos'), '' for none (HEIC, WebP,
-- photos from before); loan_return_reports.damage_by is who at the desk
-- ticked "damage noticed" when taking the car back ('' : the customer
-- reported it, or nobody did).
-- Column names match migrations/sqlite/00039_car_photo_retention.sql.

-- +goose Up
ALTER TABLE branch_loan_settings ADD COLUMN car_photo_retention_days BIGINT NOT NULL DEFAULT 180
    CHECK (car_photo_retention_days BETWEEN 1 AND 1825);
ALTER TABLE loan_car_photos ADD COLUMN purged_at TIMESTAMPTZ;
ALTER TABLE loan_car_photos ADD COLUMN thumb_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE loan_return_reports ADD COLUMN damage_by TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE loan_return_reports DROP COLUMN damage_by;
ALTER TABLE loan_car_photos DROP COLUMN thumb_sha256;
ALTER TABLE loan_car_photos DROP COLUMN purged_at;
ALTER TABLE branch_loan_settings DROP COLUMN car_photo_retention_days;
