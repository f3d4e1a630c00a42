-- Inbox search by substring (issue #18): "1234" finds ЗН-0001234, "23вс"
-- finds А123ВС77, the last six characters of a VIN find the car, any four
-- or more digits of a phone in any format find it, and any part of a name
-- finds the customer whatever its case (Cyrillic included).
--
-- The store matches LIKE '%…%' on the columns that hold each key; pg_trgm
-- GIN indexes make that an index lookup (a few ms at 100,000 rows instead
-- of a scan of every table) and LIKE keeps the result exact: the index
-- only proposes rows, each is rechecked against the pattern. Indexing the
-- columns themselves (no search column kept on write) means every write
-- path keeps the index right and a renamed customer or a corrected plate is
-- found at once.
--
-- fastupdate is off: with it, new rows wait in a GIN pending list that
-- every search reads sequentially until a vacuum merges it (40–60 ms per
-- index at 100,000 freshly written rows, against 0.2 ms merged). Our writes
-- are single rows, so inserting into the index directly costs little.
--
-- Names are indexed lower-cased (the query is lowered by the same lower()).
-- Plates, VINs and work-order numbers are indexed in one spelling,
-- search_key(): upper case, without spaces and hyphens, Cyrillic letters
-- that look Latin written in Latin (а123вс → A123BC); the query goes
-- through the same function, so both sides always agree.
--
-- SQLite does the same with FTS5 trigram indexes kept by triggers
-- (migrations/sqlite/00019_search.sql). A query shorter than three
-- characters searches nothing (hub/store/search_terms.go says why).

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- +goose StatementBegin
CREATE FUNCTION search_key(value TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT translate(upper(replace(replace(value, ' ', ''), '-', '')), 'АВЕКМНОРСТУХ', 'ABEKMHOPCTYX')
$$;
-- +goose StatementEnd

CREATE INDEX customers_name_trgm ON customers USING gin (lower(name) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX customer_phones_e164_trgm ON customer_phones USING gin (e164 gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX threads_phone_trgm ON threads USING gin (phone gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX vehicles_plate_trgm ON vehicles USING gin (search_key(plate) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX vehicles_vin_trgm ON vehicles USING gin (search_key(vin) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX work_orders_number_trgm ON work_orders USING gin (search_key(number) gin_trgm_ops) WITH (fastupdate = off);

-- +goose Down
DROP INDEX work_orders_number_trgm;
DROP INDEX vehicles_vin_trgm;
DROP INDEX vehicles_plate_trgm;
DROP INDEX threads_phone_trgm;
DROP INDEX customer_phones_e164_trgm;
DROP INDEX customers_name_trgm;
DROP FUNCTION search_key(TEXT);
DROP EXTENSION IF EXISTS pg_trgm;
