-- payments: pay by link (issue 16).
--
-- * work_orders.amount_due_minor: what the customer owes, when the DMS sends
--   it (work_order.amount_due); NULL means "not sent", and the hub uses the
--   sum of the lines not declined (hub.AmountDue).
-- * attachments.doc_kind: the kind the DMS gave a document ("invoice"
--   first on the customer page); '' for every other file.
-- * branch_payments: the payment provider of a branch and its credentials.
--   The secret key and the webhook signing secret are sealed (AES-GCM under
--   a key derived from the server secret, hub.Sealer), never stored in clear.
--   webhook_key is the random last part of the branch's webhook address, so
--   the address cannot be guessed from the branch code.
-- * payments: one hosted payment at a provider for a work order: the amount
--   due of the work order, or an advisor's request (a deposit, a
--   prepayment) with its reason. Amounts are integers in minor units.
--   status: pending → succeeded | failed | cancelled; superseded marks a
--   pending payment whose amount is no longer due (the poller cancels it at
--   the provider). next_check_at drives the poll that catches a lost webhook
--   (5, 30 and 120 minutes after creation).
-- * payment_refunds: a full or partial refund an admin made, with the
--   provider's id.
-- * payment_webhooks: each provider event id once, so a replayed or
--   repeated webhook changes nothing.
-- Column names match migrations/postgres/00015_payments.sql.

-- +goose Up
ALTER TABLE work_orders ADD COLUMN amount_due_minor BIGINT;
ALTER TABLE attachments ADD COLUMN doc_kind TEXT NOT NULL DEFAULT '';

CREATE TABLE branch_payments (
    branch_id      INTEGER PRIMARY KEY REFERENCES branches (id) ON DELETE CASCADE,
    provider       TEXT NOT NULL,
    account        TEXT NOT NULL DEFAULT '',
    secret_sealed  TEXT NOT NULL DEFAULT '',
    webhook_sealed TEXT NOT NULL DEFAULT '',
    webhook_key    TEXT NOT NULL UNIQUE,
    methods        TEXT NOT NULL DEFAULT '',
    vat_code       INTEGER NOT NULL DEFAULT 0,
    tax_system     INTEGER NOT NULL DEFAULT 0,
    updated_at     DATETIME NOT NULL
);

CREATE TABLE payments (
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
CREATE INDEX payments_work_order ON payments (work_order_id, status);
CREATE INDEX payments_due_check ON payments (next_check_at);
CREATE UNIQUE INDEX payments_provider_id ON payments (provider, provider_id) WHERE provider_id <> '';
-- One open payment of the amount due per work order: fifteen presses of the
-- pay button at once make one payment (the losers reuse it).
CREATE UNIQUE INDEX payments_one_open ON payments (work_order_id)
    WHERE status = 'pending' AND superseded = FALSE AND kind = 'work_order';

CREATE TABLE payment_refunds (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    payment_id      INTEGER NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
    amount_minor    BIGINT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    refunded_by     TEXT NOT NULL,
    provider_id     TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at      DATETIME NOT NULL
);
CREATE INDEX payment_refunds_payment ON payment_refunds (payment_id);

CREATE TABLE payment_webhooks (
    provider    TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    received_at DATETIME NOT NULL,
    PRIMARY KEY (provider, event_id)
);

-- +goose Down
DROP TABLE payment_webhooks;
DROP TABLE payment_refunds;
DROP TABLE payments;
DROP TABLE branch_payments;
ALTER TABLE attachments DROP COLUMN doc_kind;
ALTER TABLE work_orders DROP COLUMN amount_due_minor;
