package payments

import (
	"context"
	"strconv"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// systemLine notes in the thread, for staff, what happened to a payment
// (a key of templates' system lines, read in each reader's language): the
// customer does not see system lines.
func systemLine(ctx context.Context, tx *store.Store, threadID int64, key string, args map[string]string) error {
	m := hub.SystemLine(threadID, "naryad", key, args)
	return tx.AddMessage(ctx, &m)
}

// minor is an amount as a system line's "_minor" parameter.
func minor(v int64) string { return strconv.FormatInt(v, 10) }

// money writes an amount as the thread's system lines and the staff's
// refusals do (English).
func money(minor int64, currency string) string {
	return templates.MoneyText(templates.LocaleEN, minor, currency)
}
