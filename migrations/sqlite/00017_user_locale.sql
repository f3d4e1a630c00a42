-- user_locale: each staff user's own language for the staff pages (issue
-- 18). '' means none chosen: the pages follow the browser's
-- Accept-Language, then the language of the user's first branch. The
-- store accepts only '', ru, pl and en (store.UserLocales), so the
-- column needs no CHECK that would make the Down harder on SQLite.

-- +goose Up
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN locale;
