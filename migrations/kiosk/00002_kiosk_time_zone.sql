-- The branch's time zone as the hub's sync answer names it (wire.Site),
-- kept so the kiosk's screens show branch times after a restart while the
-- hub is unreachable. '' until the first answer from a hub that sends it:
-- the kiosk then uses its PC's zone, as before.

-- +goose Up
ALTER TABLE kiosk ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE kiosk DROP COLUMN time_zone;
