-- garage_indexes: the customer's garage (issue 19) finds cars by the
-- owner's customer ids and by the phones of their threads; without these
-- the account pages would read whole tables. threads_phone (00004) is in
-- the "C" collation for prefix search, which an equality in the database's
-- own collation cannot use, hence threads_phone_eq.

-- +goose Up
CREATE INDEX vehicles_customer ON vehicles (customer_id);
CREATE INDEX expiring_items_customer ON expiring_items (customer_id);
CREATE INDEX threads_phone_eq ON threads (phone);

-- +goose Down
DROP INDEX threads_phone_eq;
DROP INDEX expiring_items_customer;
DROP INDEX vehicles_customer;
