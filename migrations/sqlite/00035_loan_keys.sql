-- A courtesy car's key in the key locker (issue 20). The kiosk handles a
-- loan's key with its work-order flows (staff put it in for pickup, the
-- customer's code opens its box, the return goes in by a drop-off code):
-- on the wire it is an entry whose id is the loan's id negated
-- (lockerwire.LoanKeysID), and the hub keeps it under loan_id here.
--
-- * locker_compartments.loan_id: the loan whose key the box holds, as the
--   kiosk last reported (work_order_id stays NULL then).
-- * locker_events.loan_id: the loan an event of its key is about.
-- * loan_key_codes: what the customer types for the key, only as salted
--   SHA-256 (lockerwire.Hash): kind 'pickup' (issued once the loan is ready
--   and its key is in a box) and 'dropoff' (the return, issued once the
--   loan is out). At most one live code of a kind per loan (not used, not
--   revoked, not expired); the kiosk is told a code only while the loan is
--   at its step, so a loan withdrawn or refused stops its code at the next
--   sync without anyone revoking it.
-- Column names match migrations/postgres/00035_loan_keys.sql.

-- +goose Up
ALTER TABLE locker_compartments ADD COLUMN loan_id INTEGER REFERENCES loans (id);
CREATE INDEX locker_compartments_loan ON locker_compartments (loan_id) WHERE loan_id IS NOT NULL;

ALTER TABLE locker_events ADD COLUMN loan_id INTEGER REFERENCES loans (id);
CREATE INDEX locker_events_loan ON locker_events (loan_id) WHERE loan_id IS NOT NULL;

CREATE TABLE loan_key_codes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    loan_id    INTEGER NOT NULL REFERENCES loans (id),
    kind       TEXT NOT NULL CHECK (kind IN ('pickup', 'dropoff')),
    salt       TEXT NOT NULL,
    hash       TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    revoked_at DATETIME
);
CREATE INDEX loan_key_codes_loan ON loan_key_codes (loan_id, kind);

-- +goose Down
DROP TABLE loan_key_codes;
DROP INDEX locker_events_loan;
ALTER TABLE locker_events DROP COLUMN loan_id;
DROP INDEX locker_compartments_loan;
ALTER TABLE locker_compartments DROP COLUMN loan_id;
