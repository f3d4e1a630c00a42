-- System lines in the reader's language (issue 18): a system line is
-- stored as a key of the templates catalog (templates/systemlines.go) with
-- its parameters as a JSON object of strings, and rendered in the
-- reader's language; body keeps an English rendering for anything that
-- reads the body alone. '' for every other message.
--
-- The old English lines are given keys by the hub at start-up
-- (store.KeyOldSystemLines), not here: recognising them takes the Go
-- regexes of templates/systemlines_legacy.go, the same on both databases.

-- +goose Up
ALTER TABLE messages ADD COLUMN text_key TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN text_args TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE messages DROP COLUMN text_args;
ALTER TABLE messages DROP COLUMN text_key;
