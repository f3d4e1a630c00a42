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
--
-- SQLite cannot change a column's NULL-ability or add a CHECK to a table:
-- payments is rebuilt, and payment_refunds with it (its foreign key names
-- payments; dropping payments while it pointed there would delete the
-- refunds). Ids and the AUTOINCREMENT counters are kept.
-- Column names match migrations/postgres/00034_loan_deposits.sql.

-- +goose Up
CREATE TABLE payments_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       INTEGER NOT NULL REFERENCES branches (id),
    work_order_id   INTEGER REFERENCES work_orders (id) ON DELETE CASCADE,
    thread_id       INTEGER REFERENCES threads (id) ON DELETE SET NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('work_order', 'request', 'loan_deposit')),
    reason          TEXT NOT NULL DEFAULT '',
    requested_by    TEXT NOT NULL DEFAULT '',
    amount_minor    BIGINT NOT NULL,
    currency        TEXT NOT NULL,
    provider        TEXT NOT NULL,
    provider_id     TEXT NOT NULL DEFAULT '',
    payment_url     TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'authorized', 'succeeded', 'failed', 'cancelled')),
    method          TEXT NOT NULL DEFAULT '',
    paid_minor      BIGINT NOT NULL DEFAULT 0,
    refunded_minor  BIGINT NOT NULL DEFAULT 0,
    receipt_url     TEXT NOT NULL DEFAULT '',
    failure_reason  TEXT NOT NULL DEFAULT '',
    superseded      BOOLEAN NOT NULL DEFAULT FALSE,
    next_check_at   DATETIME,
    checks          INTEGER NOT NULL DEFAULT 0,
    paid_at         DATETIME,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    loan_id         INTEGER REFERENCES loans (id),
    CONSTRAINT payments_owner CHECK ((kind = 'loan_deposit' AND loan_id IS NOT NULL AND work_order_id IS NULL)
        OR (kind <> 'loan_deposit' AND loan_id IS NULL AND work_order_id IS NOT NULL))
);
INSERT INTO payments_new (id, branch_id, work_order_id, thread_id, kind, reason, requested_by, amount_minor, currency,
    provider, provider_id, payment_url, idempotency_key, status, method, paid_minor, refunded_minor, receipt_url,
    failure_reason, superseded, next_check_at, checks, paid_at, created_at, updated_at)
SELECT id, branch_id, work_order_id, thread_id, kind, reason, requested_by, amount_minor, currency,
    provider, provider_id, payment_url, idempotency_key, status, method, paid_minor, refunded_minor, receipt_url,
    failure_reason, superseded, next_check_at, checks, paid_at, created_at, updated_at
FROM payments;

CREATE TABLE payment_refunds_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    payment_id      INTEGER NOT NULL REFERENCES payments_new (id) ON DELETE CASCADE,
    amount_minor    BIGINT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    refunded_by     TEXT NOT NULL,
    provider_id     TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at      DATETIME NOT NULL
);
INSERT INTO payment_refunds_new (id, payment_id, amount_minor, reason, refunded_by, provider_id, status, idempotency_key, created_at)
SELECT id, payment_id, amount_minor, reason, refunded_by, provider_id, status, idempotency_key, created_at FROM payment_refunds;

-- The counters go on from where they were, not from the highest id left.
DELETE FROM sqlite_sequence WHERE name IN ('payments_new', 'payment_refunds_new');
INSERT INTO sqlite_sequence (name, seq) SELECT 'payments_new', seq FROM sqlite_sequence WHERE name = 'payments';
INSERT INTO sqlite_sequence (name, seq) SELECT 'payment_refunds_new', seq FROM sqlite_sequence WHERE name = 'payment_refunds';

DROP TABLE payment_refunds;
DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;
ALTER TABLE payment_refunds_new RENAME TO payment_refunds;

CREATE INDEX payments_work_order ON payments (work_order_id, status);
CREATE INDEX payments_due_check ON payments (next_check_at);
CREATE UNIQUE INDEX payments_provider_id ON payments (provider, provider_id) WHERE provider_id <> '';
CREATE UNIQUE INDEX payments_one_open ON payments (work_order_id)
    WHERE status = 'pending' AND superseded = FALSE AND kind = 'work_order';
CREATE INDEX payments_loan ON payments (loan_id) WHERE loan_id IS NOT NULL;
CREATE UNIQUE INDEX payments_one_hold ON payments (loan_id)
    WHERE kind = 'loan_deposit' AND status IN ('pending', 'authorized');
CREATE INDEX payment_refunds_payment ON payment_refunds (payment_id);

-- +goose Down
-- The holds go (their loans forget them); the rest is rebuilt as 00015
-- made it.
UPDATE loans SET deposit_payment_id = NULL
    WHERE deposit_payment_id IN (SELECT id FROM payments WHERE kind = 'loan_deposit');
DELETE FROM payments WHERE kind = 'loan_deposit';

CREATE TABLE payments_old (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       INTEGER NOT NULL REFERENCES branches (id),
    work_order_id   INTEGER NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    thread_id       INTEGER REFERENCES threads (id) ON DELETE SET NULL,
    kind            TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    requested_by    TEXT NOT NULL DEFAULT '',
    amount_minor    BIGINT NOT NULL,
    currency        TEXT NOT NULL,
    provider        TEXT NOT NULL,
    provider_id     TEXT NOT NULL DEFAULT '',
    payment_url     TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL,
    method          TEXT NOT NULL DEFAULT '',
    paid_minor      BIGINT NOT NULL DEFAULT 0,
    refunded_minor  BIGINT NOT NULL DEFAULT 0,
    receipt_url     TEXT NOT NULL DEFAULT '',
    failure_reason  TEXT NOT NULL DEFAULT '',
    superseded      BOOLEAN NOT NULL DEFAULT FALSE,
    next_check_at   DATETIME,
    checks          INTEGER NOT NULL DEFAULT 0,
    paid_at         DATETIME,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
INSERT INTO payments_old (id, branch_id, work_order_id, thread_id, kind, reason, requested_by, amount_minor, currency,
    provider, provider_id, payment_url, idempotency_key, status, method, paid_minor, refunded_minor, receipt_url,
    failure_reason, superseded, next_check_at, checks, paid_at, created_at, updated_at)
SELECT id, branch_id, work_order_id, thread_id, kind, reason, requested_by, amount_minor, currency,
    provider, provider_id, payment_url, idempotency_key, status, method, paid_minor, refunded_minor, receipt_url,
    failure_reason, superseded, next_check_at, checks, paid_at, created_at, updated_at
FROM payments;

CREATE TABLE payment_refunds_old (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    payment_id      INTEGER NOT NULL REFERENCES payments_old (id) ON DELETE CASCADE,
    amount_minor    BIGINT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    refunded_by     TEXT NOT NULL,
    provider_id     TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at      DATETIME NOT NULL
);
INSERT INTO payment_refunds_old (id, payment_id, amount_minor, reason, refunded_by, provider_id, status, idempotency_key, created_at)
SELECT id, payment_id, amount_minor, reason, refunded_by, provider_id, status, idempotency_key, created_at FROM payment_refunds;

DELETE FROM sqlite_sequence WHERE name IN ('payments_old', 'payment_refunds_old');
INSERT INTO sqlite_sequence (name, seq) SELECT 'payments_old', seq FROM sqlite_sequence WHERE name = 'payments';
INSERT INTO sqlite_sequence (name, seq) SELECT 'payment_refunds_old', seq FROM sqlite_sequence WHERE name = 'payment_refunds';

DROP TABLE payment_refunds;
DROP TABLE payments;
ALTER TABLE payments_old RENAME TO payments;
ALTER TABLE payment_refunds_old RENAME TO payment_refunds;

CREATE INDEX payments_work_order ON payments (work_order_id, status);
CREATE INDEX payments_due_check ON payments (next_check_at);
CREATE UNIQUE INDEX payments_provider_id ON payments (provider, provider_id) WHERE provider_id <> '';
CREATE UNIQUE INDEX payments_one_open ON payments (work_order_id)
    WHERE status = 'pending' AND superseded = FALSE AND kind = 'work_order';
CREATE INDEX payment_refunds_payment ON payment_refunds (payment_id);
