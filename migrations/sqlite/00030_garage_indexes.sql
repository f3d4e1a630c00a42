-- garage_indexes: the customer's garage (issue 19) finds cars by the
-- owner's customer ids; without these the account pages would read whole
-- tables. (threads_phone from 00004 already serves the phones.)

-- +goose Up
CREATE INDEX vehicles_customer ON vehicles (customer_id);
CREATE INDEX expiring_items_customer ON expiring_items (customer_id);

-- +goose Down
DROP INDEX expiring_items_customer;
DROP INDEX vehicles_customer;
