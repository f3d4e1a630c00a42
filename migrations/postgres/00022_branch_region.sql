-- branch groups for /reports (issue 18).
--
-- * branches.region: the group a branch belongs to ("Москва", "Север",
--   "Mazowsze"), typed by an admin on the branches page; '' means none.
--   The reports add the branches of one region up (response times, NPS,
--   lead conversion). A free text, not a table of regions: a group is
--   only a label the managers read, and renaming one is one edit per
--   branch.

-- +goose Up
ALTER TABLE branches ADD COLUMN region TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE branches DROP COLUMN region;
