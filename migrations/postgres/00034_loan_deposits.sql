-- Courtesy-car deposits (issue 20): a loan's deposit is a card hold made
-- through the branch's payment provider, a payments row of kind
-- 'loan_deposit'.
--
-- * payments.loan_id: the hold's loan. A hold belongs to a loan, never to
--   a work order: work_order_id becomes NULL-able and is NULL for a hold,
--   so nothing that pays, counts or reports a work order (the amount due,
--   "paid online", the DMS ingest, the report) ever sees one. The CHECK
--   payments_owner holds it: a hold has a loan and no work order, every
--   other kind a work order and no loan.
-- * status gains 'authorized' (the hold is in place; only a hold has it):
--   pending → authorized → succeeded (captured, paid_minor the part taken)
--   | cancelled (released, or expired at the provider); pending → failed |
--   cancelled as before. Kinds and statuses are CHECKed from now on.
-- * payments_one_hold: one open hold (pending or authorized) per loan, so
--   fifteen presses of the customer's deposit button make one hold.
-- Column names match migrations/sqlite/00034_loan_deposits.sql.

-- +goose Up
ALTER TABLE payments ALTER COLUMN work_order_id DROP NOT NULL;
ALTER TABLE payments ADD COLUMN loan_id BIGINT REFERENCES loans (id);
ALTER TABLE payments ADD CONSTRAINT payments_kind CHECK (kind IN ('work_order', 'request', 'loan_deposit'));
ALTER TABLE payments ADD CONSTRAINT payments_status CHECK (status IN ('pending', 'authorized', 'succeeded', 'failed', 'cancelled'));
ALTER TABLE payments ADD CONSTRAINT payments_owner CHECK ((kind = 'loan_deposit' AND loan_id IS NOT NULL AND work_order_id IS NULL)
    OR (kind <> 'loan_deposit' AND loan_id IS NULL AND work_order_id IS NOT NULL));
CREATE INDEX payments_loan ON payments (loan_id) WHERE loan_id IS NOT NULL;
CREATE UNIQUE INDEX payments_one_hold ON payments (loan_id)
    WHERE kind = 'loan_deposit' AND status IN ('pending', 'authorized');

-- +goose Down
-- The holds go (their loans forget them); the rest is as 00015 made it.
UPDATE loans SET deposit_payment_id = NULL
    WHERE deposit_payment_id IN (SELECT id FROM payments WHERE kind = 'loan_deposit');
DELETE FROM payments WHERE kind = 'loan_deposit';
DROP INDEX payments_one_hold;
DROP INDEX payments_loan;
ALTER TABLE payments DROP CONSTRAINT payments_owner;
ALTER TABLE payments DROP CONSTRAINT payments_status;
ALTER TABLE payments DROP CONSTRAINT payments_kind;
ALTER TABLE payments DROP COLUMN loan_id;
ALTER TABLE payments ALTER COLUMN work_order_id SET NOT NULL;
