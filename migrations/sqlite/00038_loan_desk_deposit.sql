-- A courtesy car's deposit left at the desk (cash or the card terminal),
-- for a branch without online payments or whenever the advisor takes it
-- in person: loans.deposit_status gains 'desk' (taken), 'desk_returned'
-- (given back in full at the return) and 'desk_kept' (part or all kept:
-- loans.deposit_kept_minor).
--
-- SQLite cannot change a CHECK with ALTER TABLE, and rebuilding loans is
-- not an option: six tables reference it, some with ON DELETE CASCADE,
-- and with foreign keys on (they are, and a migration runs in a
-- transaction, where the pragma cannot change) dropping the old table
-- would delete their rows. A CHECK that only widens the values allowed
-- does not touch what is stored, so the table's definition is rewritten
-- in sqlite_schema as SQLite documents for such changes
-- (https://www.sqlite.org/lang_altertable.html#otheralter). writable_schema
-- = RESET reloads this connection's schema; the scratch table bumps the
-- schema cookie so every other connection reloads it too.
-- Column names match migrations/postgres/00038_loan_desk_deposit.sql.

-- +goose Up
ALTER TABLE loans ADD COLUMN deposit_kept_minor INTEGER NOT NULL DEFAULT 0 CHECK (deposit_kept_minor >= 0);
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
    SET sql = replace(sql,
        'CHECK (deposit_status IN (''none'', ''required'', ''held'', ''captured'', ''released'', ''failed''))',
        'CHECK (deposit_status IN (''none'', ''required'', ''held'', ''captured'', ''released'', ''failed'', ''desk'', ''desk_returned'', ''desk_kept''))')
    WHERE type = 'table' AND name = 'loans';
PRAGMA writable_schema = RESET;
CREATE TABLE naryad_schema_bump_00038 (x INTEGER);
DROP TABLE naryad_schema_bump_00038;

-- +goose Down
-- The desk's deposits cannot be told apart afterwards: one taken and not
-- settled reads as still asked ('required', the loan waits for a deposit
-- again), one given back as 'released', one kept as 'captured' (the
-- amount kept is lost with the column).
UPDATE loans SET deposit_status = 'required' WHERE deposit_status = 'desk';
UPDATE loans SET deposit_status = 'released' WHERE deposit_status = 'desk_returned';
UPDATE loans SET deposit_status = 'captured' WHERE deposit_status = 'desk_kept';
ALTER TABLE loans DROP COLUMN deposit_kept_minor;
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
    SET sql = replace(sql,
        'CHECK (deposit_status IN (''none'', ''required'', ''held'', ''captured'', ''released'', ''failed'', ''desk'', ''desk_returned'', ''desk_kept''))',
        'CHECK (deposit_status IN (''none'', ''required'', ''held'', ''captured'', ''released'', ''failed''))')
    WHERE type = 'table' AND name = 'loans';
PRAGMA writable_schema = RESET;
CREATE TABLE naryad_schema_bump_00038 (x INTEGER);
DROP TABLE naryad_schema_bump_00038;
