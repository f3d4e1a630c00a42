-- health_probe: one row that /healthz rewrites every few seconds, so a
-- database that answers but cannot write (a full disk) fails the check.

-- +goose Up
CREATE TABLE health_probe (
    id        BIGINT PRIMARY KEY,
    probed_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE health_probe;
