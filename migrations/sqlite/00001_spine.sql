-- The spine: branches, DMS nodes, customers, vehicles, work orders, threads,
-- messages, the inbound event ledger, the outbound change feed and the outbox.
-- Column names match migrations/postgres/00001_spine.sql exactly; a test
-- (migrations_test.go) compares both.

-- +goose Up
CREATE TABLE branches (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    country       TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    locale        TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    working_hours TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL
);

CREATE TABLE dms_nodes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    branch_id  INTEGER REFERENCES branches (id),
    acked_seq  INTEGER NOT NULL DEFAULT 0,
    acked_at   DATETIME,
    revoked_at DATETIME,
    created_at DATETIME NOT NULL
);

CREATE TABLE status_mappings (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id INTEGER REFERENCES branches (id) ON DELETE CASCADE,
    raw_key   TEXT NOT NULL,
    raw_name  TEXT NOT NULL,
    canonical TEXT NOT NULL
);
CREATE UNIQUE INDEX status_mappings_scope_key ON status_mappings (COALESCE(branch_id, 0), raw_key);

CREATE TABLE customers (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    node_id      INTEGER REFERENCES dms_nodes (id),
    external_id  TEXT,
    name         TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    locale       TEXT NOT NULL DEFAULT '',
    opted_out_at DATETIME,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX customers_node_external ON customers (node_id, external_id);

CREATE TABLE customer_phones (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    e164        TEXT NOT NULL,
    UNIQUE (customer_id, e164)
);
CREATE INDEX customer_phones_e164 ON customer_phones (e164);

CREATE TABLE vehicles (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    node_id                 INTEGER NOT NULL REFERENCES dms_nodes (id),
    external_id             TEXT NOT NULL,
    customer_id             INTEGER REFERENCES customers (id),
    vin                     TEXT NOT NULL DEFAULT '',
    plate                   TEXT NOT NULL DEFAULT '',
    make                    TEXT NOT NULL DEFAULT '',
    model                   TEXT NOT NULL DEFAULT '',
    year                    INTEGER NOT NULL DEFAULT 0,
    last_service_at         DATETIME,
    last_service_mileage_km INTEGER NOT NULL DEFAULT 0,
    interval_months         INTEGER NOT NULL DEFAULT 0,
    interval_km             INTEGER NOT NULL DEFAULT 0,
    tyre_season             TEXT NOT NULL DEFAULT '',
    created_at              DATETIME NOT NULL,
    updated_at              DATETIME NOT NULL,
    UNIQUE (node_id, external_id)
);
CREATE INDEX vehicles_plate ON vehicles (plate);
CREATE INDEX vehicles_vin ON vehicles (vin);

CREATE TABLE mileage_readings (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    vehicle_id INTEGER NOT NULL REFERENCES vehicles (id) ON DELETE CASCADE,
    mileage_km INTEGER NOT NULL,
    read_at    DATETIME NOT NULL,
    UNIQUE (vehicle_id, read_at, mileage_km)
);

CREATE TABLE expiring_items (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    node_id     INTEGER NOT NULL REFERENCES dms_nodes (id),
    external_id TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    expires_on  TEXT NOT NULL,
    updated_at  DATETIME NOT NULL,
    UNIQUE (node_id, external_id)
);

CREATE TABLE work_orders (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    node_id             INTEGER NOT NULL REFERENCES dms_nodes (id),
    branch_id           INTEGER NOT NULL REFERENCES branches (id),
    number              TEXT NOT NULL,
    version             INTEGER NOT NULL,
    raw_status          TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT '',
    customer_id         INTEGER REFERENCES customers (id),
    vehicle_id          INTEGER REFERENCES vehicles (id),
    advisor_external_id TEXT NOT NULL DEFAULT '',
    advisor_name        TEXT NOT NULL DEFAULT '',
    advisor_phone       TEXT NOT NULL DEFAULT '',
    promised_at         DATETIME,
    currency            TEXT NOT NULL DEFAULT '',
    paid                BOOLEAN NOT NULL DEFAULT FALSE,
    total_minor         INTEGER NOT NULL DEFAULT 0,
    opened_at           DATETIME NOT NULL,
    handed_over_at      DATETIME,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL,
    UNIQUE (node_id, number)
);
CREATE INDEX work_orders_number ON work_orders (number);

CREATE TABLE work_order_lines (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    work_order_id    INTEGER NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    external_id      TEXT NOT NULL,
    position         INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    name             TEXT NOT NULL,
    qty_milli        INTEGER NOT NULL,
    unit_price_minor INTEGER NOT NULL,
    discount_minor   INTEGER NOT NULL DEFAULT 0,
    total_minor      INTEGER NOT NULL,
    needs_approval   BOOLEAN NOT NULL DEFAULT FALSE,
    decision         TEXT NOT NULL DEFAULT '',
    decided_at       DATETIME,
    decided_by       TEXT NOT NULL DEFAULT '',
    decided_ip       TEXT NOT NULL DEFAULT '',
    decided_ua       TEXT NOT NULL DEFAULT '',
    UNIQUE (work_order_id, external_id)
);

CREATE TABLE threads (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id        INTEGER NOT NULL REFERENCES branches (id),
    work_order_id    INTEGER UNIQUE REFERENCES work_orders (id),
    customer_id      INTEGER REFERENCES customers (id),
    phone            TEXT NOT NULL DEFAULT '',
    channel          TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'open',
    assignee_id      INTEGER,
    last_activity_at DATETIME NOT NULL,
    created_at       DATETIME NOT NULL
);
CREATE INDEX threads_branch_activity ON threads (branch_id, last_activity_at);

CREATE TABLE messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id    INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    direction    TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    author       TEXT NOT NULL DEFAULT '',
    template_key TEXT NOT NULL DEFAULT '',
    delivery     TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT '',
    provider_id  TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
CREATE INDEX messages_thread ON messages (thread_id, id);
CREATE INDEX messages_provider ON messages (provider_id);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id   INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    sha256       TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id);

CREATE TABLE magic_links (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id  INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    salt       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at DATETIME,
    revoked_at DATETIME,
    created_at DATETIME NOT NULL
);
CREATE INDEX magic_links_thread ON magic_links (thread_id);

CREATE TABLE inbound_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    node_id     INTEGER NOT NULL REFERENCES dms_nodes (id),
    event_id    TEXT NOT NULL,
    type        TEXT NOT NULL,
    result      TEXT NOT NULL,
    received_at DATETIME NOT NULL,
    UNIQUE (node_id, event_id)
);

CREATE TABLE feed_counter (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
);
INSERT INTO feed_counter (id, last) VALUES (1, 0);

CREATE TABLE changes (
    seq               INTEGER PRIMARY KEY,
    branch_id         INTEGER NOT NULL REFERENCES branches (id),
    type              TEXT NOT NULL,
    occurred_at       DATETIME NOT NULL,
    work_order_id     INTEGER REFERENCES work_orders (id),
    work_order_number TEXT NOT NULL DEFAULT '',
    data              TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX changes_branch_seq ON changes (branch_id, seq);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id      INTEGER NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    body            TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    lease_until     DATETIME,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_recipient ON outbox (recipient, state, id);

CREATE TABLE delivery_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    outbox_id   INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    provider    TEXT NOT NULL,
    provider_id TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    started_at  DATETIME NOT NULL,
    finished_at DATETIME NOT NULL
);
CREATE INDEX delivery_attempts_outbox ON delivery_attempts (outbox_id);

CREATE TABLE message_templates (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id  INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    template_key TEXT NOT NULL,
    locale     TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (branch_id, template_key, locale)
);

-- The common 1C:Alfa-Auto status names (branch_id NULL = every branch);
-- raw_key is the name lower-cased, trimmed, with ё folded to е.
INSERT INTO status_mappings (branch_id, raw_key, raw_name, canonical) VALUES
    (NULL, 'принят', 'Принят', 'received'),
    (NULL, 'в работе', 'В работе', 'in_progress'),
    (NULL, 'ожидаем запчасть', 'Ожидаем запчасть', 'waiting_parts'),
    (NULL, 'ожидание запчастей', 'Ожидание запчастей', 'waiting_parts'),
    (NULL, 'ждем ответа клиента', 'Ждём ответа клиента', 'waiting_approval'),
    (NULL, 'готов', 'Готов', 'ready'),
    (NULL, 'выполнен', 'Выполнен', 'ready'),
    (NULL, 'выдан', 'Выдан', 'delivered'),
    (NULL, 'закрыт', 'Закрыт', 'delivered'),
    (NULL, 'отменен', 'Отменён', 'cancelled');

-- +goose Down
DROP TABLE message_templates;
DROP TABLE delivery_attempts;
DROP TABLE outbox;
DROP TABLE changes;
DROP TABLE feed_counter;
DROP TABLE inbound_events;
DROP TABLE magic_links;
DROP TABLE attachments;
DROP TABLE messages;
DROP TABLE threads;
DROP TABLE work_order_lines;
DROP TABLE work_orders;
DROP TABLE expiring_items;
DROP TABLE mileage_readings;
DROP TABLE vehicles;
DROP TABLE customer_phones;
DROP TABLE customers;
DROP TABLE status_mappings;
DROP TABLE dms_nodes;
DROP TABLE branches;
