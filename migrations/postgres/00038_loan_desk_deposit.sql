-- A courtesy car's deposit left at the desk (cash or the card terminal),
-- for a branch without online payments or whenever the advisor takes it
-- in person: loans.deposit_status gains 'desk' (taken), 'desk_returned'
-- (given back in full at the return) and 'desk_kept' (part or all kept:
-- loans.deposit_kept_minor).
-- Column names match migrations/sqlite/00038_loan_desk_deposit.sql.

-- +goose Up
ALTER TABLE loans ADD COLUMN deposit_kept_minor BIGINT NOT NULL DEFAULT 0 CHECK (deposit_kept_minor >= 0);
ALTER TABLE loans DROP CONSTRAINT loans_deposit_status_check;
ALTER TABLE loans ADD CONSTRAINT loans_deposit_status_check
    CHECK (deposit_status IN ('none', 'required', 'held', 'captured', 'released', 'failed', 'desk', 'desk_returned', 'desk_kept'));

-- +goose Down
-- The desk's deposits cannot be told apart afterwards: one taken and not
-- settled reads as still asked ('required', the loan waits for a deposit
-- again), one given back as 'released', one kept as 'captured' (the
-- amount kept is lost with the column).
UPDATE loans SET deposit_status = 'required' WHERE deposit_status = 'desk';
UPDATE loans SET deposit_status = 'released' WHERE deposit_status = 'desk_returned';
UPDATE loans SET deposit_status = 'captured' WHERE deposit_status = 'desk_kept';
ALTER TABLE loans DROP CONSTRAINT loans_deposit_status_check;
ALTER TABLE loans ADD CONSTRAINT loans_deposit_status_check
    CHECK (deposit_status IN ('none', 'required', 'held', 'captured', 'released', 'failed'));
ALTER TABLE loans DROP COLUMN deposit_kept_minor;
