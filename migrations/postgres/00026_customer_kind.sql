-- Companies and their fleet managers (issue 19).
--
-- * customers.kind: 'person' or 'company', as the DMS says (1C's
--   ЮрФизЛицо). A company's cars are many and belong to nobody's phone in
--   particular, so the customer's garage treats them apart (below).
-- * customer_phones.role: '' for a plain number, 'manager' for the number
--   of a company's fleet manager. A manager's phone sees all the company's
--   cars in the garage; a company's other phones see only the cars of work
--   orders whose thread is on that phone (a driver sees the car he brought,
--   not the fleet). A person's phones see the person's cars, role or not.
--   A text, not a flag: the DMS may name other roles later (accountant).

-- +goose Up
ALTER TABLE customers ADD COLUMN kind TEXT NOT NULL DEFAULT 'person';
ALTER TABLE customer_phones ADD COLUMN role TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE customer_phones DROP COLUMN role;
ALTER TABLE customers DROP COLUMN kind;
