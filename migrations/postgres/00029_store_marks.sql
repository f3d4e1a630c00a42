-- store_marks: how far a one-off start-up pass over a big table got (issue 18).
--
-- * name: the pass ("old_system_lines": store.KeyOldSystemLines gives the
--   English system lines written before keys existed their key).
-- * through_id: the highest id the pass has looked at; the next start-up
--   reads only rows after it, so a hub with a million messages does not
--   walk them all again each time it starts.

-- +goose Up
CREATE TABLE store_marks (
    name       TEXT PRIMARY KEY,
    through_id BIGINT NOT NULL
);

-- +goose Down
DROP TABLE store_marks;
