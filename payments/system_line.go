package payments

import (
	"context"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// systemLine notes in the thread, for staff, what happened to a payment:
// the customer does not see system lines. They are in English, like the
// hub's other system lines, whatever the customer's language.
func systemLine(ctx context.Context, tx *store.Store, threadID int64, body string) error {
	m := hub.Message{ThreadID: threadID, Direction: hub.DirectionSystem, Author: "naryad", Body: body}
	return tx.AddMessage(ctx, &m)
}

// money writes an amount as the thread's system lines and the staff's
// refusals do (English).
func money(minor int64, currency string) string {
	return templates.MoneyText(templates.LocaleEN, minor, currency)
}

// by is the " by <method>" of a line about a payment, when the provider
// said how it was paid.
func by(method string) string {
	if method == "" {
		return ""
	}
	return " by " + method
}
