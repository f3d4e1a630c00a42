package whatsapp

import "naryad/hub"

// Clients finds the live client of an account. The Manager is the one
// implementation: it owns every connection, and the inbound media worker,
// the sender and the group sweeper borrow clients from it.
type Clients interface {
	// Client returns the account's client while the manager runs it
	// (connected or reconnecting); false when the account has no session
	// in this process (not linked, logged out, or another instance leads).
	Client(accountID int64) (Client, bool)
}

// EventHandler receives every event of an account's client, on whatsmeow's
// event goroutine, and returns false when it could not take the event: for
// a message, whatsmeow then does not acknowledge it and WhatsApp delivers it
// again. It must return quickly: slow work (downloads) goes to workers.
type EventHandler func(acc hub.WAAccount, cli Client, evt any) bool
