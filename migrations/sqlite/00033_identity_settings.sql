-- A branch's online identity check (issue 20, Stripe Identity): what the
-- hub needs beyond the branch's loan settings to start a verification and
-- to believe its webhooks.
--
-- * branch_identity_settings: one row per branch once an admin saves.
--   secret_sealed is the branch's own Stripe key for Identity, sealed
--   (hub.Sealer); empty means the secret key of the branch's Stripe
--   payment settings. webhook_sealed is the signing secret (whsec_…) of
--   the Identity webhook endpoint, a Stripe endpoint of its own, so never
--   the payments one. webhook_key is the random last part of the
--   endpoint's address (/api/identity/<provider>/<key>), picked once.
-- Column names match migrations/postgres/00033_identity_settings.sql.

-- +goose Up
CREATE TABLE branch_identity_settings (
    branch_id      INTEGER PRIMARY KEY REFERENCES branches (id) ON DELETE CASCADE,
    provider       TEXT NOT NULL CHECK (provider IN ('stripe')),
    secret_sealed  TEXT NOT NULL DEFAULT '',
    webhook_sealed TEXT NOT NULL DEFAULT '',
    webhook_key    TEXT NOT NULL UNIQUE,
    updated_at     DATETIME NOT NULL
);

-- +goose Down
DROP TABLE branch_identity_settings;
