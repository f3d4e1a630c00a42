-- digital inspection (issue 17).
--
-- * checklist_items: a branch's inspection checklist as its admin edited
--   it, names in ru, pl and en. A branch with no rows uses
--   hub.DefaultChecklist (seeded in code, so a new branch has it at once).
-- * inspections: one per work order. revision grows with every edit;
--   sent_revision is the revision the DMS last got as an `inspection`
--   change (0: never sent), so a second send of the same content is
--   refused. customer_opened_at: the first time the customer opened the
--   report after it was sent.
-- * inspection_items: one checklist item (code = the checklist's code) or
--   a free item (code "free-<n>") of an inspection: state '' (not looked
--   at yet), green, yellow or red; value is the measurement as a decimal
--   text with a dot ("4.5") in unit; note is the mechanic's "why"; a hidden
--   item is left out of the customer's report and the DMS change.
-- * inspection_media: the photos and videos of an item. upload_key is the
--   page's own id of one upload, so a retry over a weak Wi-Fi stores
--   nothing twice. thumb_sha256 names the small JPEG made on upload (''
--   when none could be made, e.g. HEIC or a video).
-- * inspection_sent_items, inspection_sent_media: the items (as they
--   read then) and the photos the advisor last sent. The customer's report,
--   its PDF, its media and the declined work read these, so what the
--   mechanic or the advisor change after a send reaches the customer only
--   with the next send.
-- * work_order_lines.inspection_item: the code of the inspection item a
--   DMS line prices ('' for a line of its own).
-- * declined_work: a red or yellow item whose line the customer declined,
--   remembered on the vehicle; offer_after is when the reminder rule may
--   offer it again (branches.declined_offer_days later), offered_at when
--   it did (once), closed_at when a later work order did the work.
-- Column names match the other dialect's 00016_inspections.sql.

-- +goose Up
ALTER TABLE work_order_lines ADD COLUMN inspection_item TEXT NOT NULL DEFAULT '';
ALTER TABLE branches ADD COLUMN declined_offer_days INTEGER NOT NULL DEFAULT 90;

CREATE TABLE checklist_items (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    code      TEXT NOT NULL,
    position  INTEGER NOT NULL,
    section   TEXT NOT NULL DEFAULT '',
    name_ru   TEXT NOT NULL,
    name_pl   TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    unit      TEXT NOT NULL DEFAULT '',
    UNIQUE (branch_id, code)
);

CREATE TABLE inspections (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    work_order_id      INTEGER NOT NULL UNIQUE REFERENCES work_orders (id) ON DELETE CASCADE,
    branch_id          INTEGER NOT NULL REFERENCES branches (id),
    thread_id          INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    started_by         TEXT NOT NULL DEFAULT '',
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL,
    revision           INTEGER NOT NULL DEFAULT 0,
    sent_revision      INTEGER NOT NULL DEFAULT 0,
    sent_at            DATETIME,
    sent_by            TEXT NOT NULL DEFAULT '',
    customer_opened_at DATETIME
);
CREATE INDEX inspections_thread ON inspections (thread_id);

CREATE TABLE inspection_items (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    inspection_id INTEGER NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
    code          TEXT NOT NULL,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT '',
    value         TEXT NOT NULL DEFAULT '',
    unit          TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    hidden        BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at    DATETIME NOT NULL,
    updated_by    TEXT NOT NULL DEFAULT '',
    UNIQUE (inspection_id, code)
);

CREATE TABLE inspection_media (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id      INTEGER NOT NULL REFERENCES inspection_items (id) ON DELETE CASCADE,
    upload_key   TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    thumb_sha256 TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    UNIQUE (item_id, upload_key)
);
CREATE INDEX inspection_media_sha ON inspection_media (sha256);

CREATE TABLE inspection_sent_items (
    inspection_id INTEGER NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
    item_id       INTEGER NOT NULL REFERENCES inspection_items (id) ON DELETE CASCADE,
    code          TEXT NOT NULL,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    state         TEXT NOT NULL,
    value         TEXT NOT NULL DEFAULT '',
    unit          TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (inspection_id, item_id)
);

CREATE TABLE inspection_sent_media (
    inspection_id INTEGER NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
    media_id      INTEGER NOT NULL REFERENCES inspection_media (id) ON DELETE CASCADE,
    PRIMARY KEY (inspection_id, media_id)
);

CREATE TABLE declined_work (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    vehicle_id    INTEGER NOT NULL REFERENCES vehicles (id) ON DELETE CASCADE,
    branch_id     INTEGER NOT NULL REFERENCES branches (id),
    work_order_id INTEGER NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    item_code     TEXT NOT NULL,
    name          TEXT NOT NULL,
    state         TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    total_minor   INTEGER NOT NULL DEFAULT 0,
    currency      TEXT NOT NULL DEFAULT '',
    declined_at   DATETIME NOT NULL,
    offer_after   DATETIME NOT NULL,
    offered_at    DATETIME,
    closed_at     DATETIME,
    UNIQUE (work_order_id, item_code)
);
CREATE INDEX declined_work_vehicle ON declined_work (vehicle_id);
CREATE INDEX declined_work_due ON declined_work (offer_after) WHERE offered_at IS NULL AND closed_at IS NULL;

-- +goose Down
DROP TABLE declined_work;
DROP TABLE inspection_sent_media;
DROP TABLE inspection_sent_items;
DROP TABLE inspection_media;
DROP TABLE inspection_items;
DROP TABLE inspections;
DROP TABLE checklist_items;
ALTER TABLE branches DROP COLUMN declined_offer_days;
ALTER TABLE work_order_lines DROP COLUMN inspection_item;
