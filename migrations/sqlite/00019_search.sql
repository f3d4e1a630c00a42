-- Inbox search by substring (issue #18): "1234" finds ЗН-0001234, "23вс"
-- finds А123ВС77, the last six characters of a VIN find the car, any four
-- or more digits of a phone in any format find it, and any part of a name
-- finds the customer whatever its case (Cyrillic included).
--
-- SQLite has no index for LIKE '%…%' on a table: scanning 100,000 names
-- alone took ~50 ms, so each searched key gets an FTS5 index with the
-- trigram tokenizer (case_sensitive 0 folds Unicode case, Cyrillic too). A
-- phrase of consecutive trigrams matches exactly the rows holding the
-- substring, ~1–3 ms at 100,000 rows. Each FTS row has the id of the row
-- it indexes as its rowid.
--
-- The indexes are kept by triggers on the tables that hold the keys
-- (customers.name, customer_phones.e164, threads.phone, vehicles.plate /
-- vin, work_orders.number), in the same transaction as the write, so every
-- write path — DMS ingest, merges, WhatsApp, admin edits — keeps them right
-- and a renamed customer or a corrected plate is found at once.
--
-- Plates, VINs and work-order numbers are indexed in one spelling: without
-- spaces and hyphens, Cyrillic letters that look Latin written in Latin
-- (А123ВС → A123BC). The *_source views hold that expression once for the
-- triggers and the backfill; the store spells the query the same way
-- (hub/store/search_terms.go, searchKey).
--
-- PostgreSQL does the same with pg_trgm GIN indexes on the columns
-- themselves (migrations/postgres/00019_search.sql). A query shorter than
-- three characters searches nothing (hub/store/search_terms.go says why).

-- +goose Up
CREATE VIRTUAL TABLE search_customer_names USING fts5(name, tokenize = 'trigram case_sensitive 0');
INSERT INTO search_customer_names (rowid, name) SELECT id, name FROM customers;
-- +goose StatementBegin
CREATE TRIGGER search_customer_names_insert AFTER INSERT ON customers BEGIN
    INSERT INTO search_customer_names (rowid, name) VALUES (new.id, new.name);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_customer_names_update AFTER UPDATE OF id, name ON customers BEGIN
    DELETE FROM search_customer_names WHERE rowid = old.id;
    INSERT INTO search_customer_names (rowid, name) VALUES (new.id, new.name);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_customer_names_delete AFTER DELETE ON customers BEGIN
    DELETE FROM search_customer_names WHERE rowid = old.id;
END;
-- +goose StatementEnd

CREATE VIRTUAL TABLE search_customer_phones USING fts5(e164, tokenize = 'trigram case_sensitive 0');
INSERT INTO search_customer_phones (rowid, e164) SELECT id, e164 FROM customer_phones;
-- +goose StatementBegin
CREATE TRIGGER search_customer_phones_insert AFTER INSERT ON customer_phones BEGIN
    INSERT INTO search_customer_phones (rowid, e164) VALUES (new.id, new.e164);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_customer_phones_update AFTER UPDATE OF id, e164 ON customer_phones BEGIN
    DELETE FROM search_customer_phones WHERE rowid = old.id;
    INSERT INTO search_customer_phones (rowid, e164) VALUES (new.id, new.e164);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_customer_phones_delete AFTER DELETE ON customer_phones BEGIN
    DELETE FROM search_customer_phones WHERE rowid = old.id;
END;
-- +goose StatementEnd

CREATE VIRTUAL TABLE search_thread_phones USING fts5(phone, tokenize = 'trigram case_sensitive 0');
INSERT INTO search_thread_phones (rowid, phone) SELECT id, phone FROM threads;
-- +goose StatementBegin
CREATE TRIGGER search_thread_phones_insert AFTER INSERT ON threads BEGIN
    INSERT INTO search_thread_phones (rowid, phone) VALUES (new.id, new.phone);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_thread_phones_update AFTER UPDATE OF id, phone ON threads BEGIN
    DELETE FROM search_thread_phones WHERE rowid = old.id;
    INSERT INTO search_thread_phones (rowid, phone) VALUES (new.id, new.phone);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_thread_phones_delete AFTER DELETE ON threads BEGIN
    DELETE FROM search_thread_phones WHERE rowid = old.id;
END;
-- +goose StatementEnd

CREATE VIRTUAL TABLE search_vehicle_keys USING fts5(plate, vin, tokenize = 'trigram case_sensitive 0');
CREATE VIEW search_vehicle_keys_source AS SELECT id,
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(plate, ' ', ''), '-', ''), 'А', 'A'), 'В', 'B'), 'Е', 'E'), 'К', 'K'), 'М', 'M'), 'Н', 'H'), 'О', 'O'), 'Р', 'P'), 'С', 'C'), 'Т', 'T'), 'У', 'Y'), 'Х', 'X'), 'а', 'a'), 'в', 'b'), 'е', 'e'), 'к', 'k'), 'м', 'm'), 'н', 'h'), 'о', 'o'), 'р', 'p'), 'с', 'c'), 'т', 't'), 'у', 'y'), 'х', 'x') AS plate,
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(vin, ' ', ''), '-', ''), 'А', 'A'), 'В', 'B'), 'Е', 'E'), 'К', 'K'), 'М', 'M'), 'Н', 'H'), 'О', 'O'), 'Р', 'P'), 'С', 'C'), 'Т', 'T'), 'У', 'Y'), 'Х', 'X'), 'а', 'a'), 'в', 'b'), 'е', 'e'), 'к', 'k'), 'м', 'm'), 'н', 'h'), 'о', 'o'), 'р', 'p'), 'с', 'c'), 'т', 't'), 'у', 'y'), 'х', 'x') AS vin
FROM vehicles;
INSERT INTO search_vehicle_keys (rowid, plate, vin) SELECT id, plate, vin FROM search_vehicle_keys_source;
-- +goose StatementBegin
CREATE TRIGGER search_vehicle_keys_insert AFTER INSERT ON vehicles BEGIN
    INSERT INTO search_vehicle_keys (rowid, plate, vin) SELECT id, plate, vin FROM search_vehicle_keys_source WHERE id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_vehicle_keys_update AFTER UPDATE OF id, plate, vin ON vehicles BEGIN
    DELETE FROM search_vehicle_keys WHERE rowid = old.id;
    INSERT INTO search_vehicle_keys (rowid, plate, vin) SELECT id, plate, vin FROM search_vehicle_keys_source WHERE id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_vehicle_keys_delete AFTER DELETE ON vehicles BEGIN
    DELETE FROM search_vehicle_keys WHERE rowid = old.id;
END;
-- +goose StatementEnd

CREATE VIRTUAL TABLE search_work_order_numbers USING fts5(number, tokenize = 'trigram case_sensitive 0');
CREATE VIEW search_work_order_numbers_source AS SELECT id,
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(number, ' ', ''), '-', ''), 'А', 'A'), 'В', 'B'), 'Е', 'E'), 'К', 'K'), 'М', 'M'), 'Н', 'H'), 'О', 'O'), 'Р', 'P'), 'С', 'C'), 'Т', 'T'), 'У', 'Y'), 'Х', 'X'), 'а', 'a'), 'в', 'b'), 'е', 'e'), 'к', 'k'), 'м', 'm'), 'н', 'h'), 'о', 'o'), 'р', 'p'), 'с', 'c'), 'т', 't'), 'у', 'y'), 'х', 'x') AS number
FROM work_orders;
INSERT INTO search_work_order_numbers (rowid, number) SELECT id, number FROM search_work_order_numbers_source;
-- +goose StatementBegin
CREATE TRIGGER search_work_order_numbers_insert AFTER INSERT ON work_orders BEGIN
    INSERT INTO search_work_order_numbers (rowid, number) SELECT id, number FROM search_work_order_numbers_source WHERE id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_work_order_numbers_update AFTER UPDATE OF id, number ON work_orders BEGIN
    DELETE FROM search_work_order_numbers WHERE rowid = old.id;
    INSERT INTO search_work_order_numbers (rowid, number) SELECT id, number FROM search_work_order_numbers_source WHERE id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_work_order_numbers_delete AFTER DELETE ON work_orders BEGIN
    DELETE FROM search_work_order_numbers WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER search_work_order_numbers_delete;
DROP TRIGGER search_work_order_numbers_update;
DROP TRIGGER search_work_order_numbers_insert;
DROP VIEW search_work_order_numbers_source;
DROP TABLE search_work_order_numbers;
DROP TRIGGER search_vehicle_keys_delete;
DROP TRIGGER search_vehicle_keys_update;
DROP TRIGGER search_vehicle_keys_insert;
DROP VIEW search_vehicle_keys_source;
DROP TABLE search_vehicle_keys;
DROP TRIGGER search_thread_phones_delete;
DROP TRIGGER search_thread_phones_update;
DROP TRIGGER search_thread_phones_insert;
DROP TABLE search_thread_phones;
DROP TRIGGER search_customer_phones_delete;
DROP TRIGGER search_customer_phones_update;
DROP TRIGGER search_customer_phones_insert;
DROP TABLE search_customer_phones;
DROP TRIGGER search_customer_names_delete;
DROP TRIGGER search_customer_names_update;
DROP TRIGGER search_customer_names_insert;
DROP TABLE search_customer_names;
