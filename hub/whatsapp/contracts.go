package whatsapp

import (
	"context"

	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
)

// Clients finds the live client of an account. The Manager is the one
// implementation: it owns every connection, and the inbound media worker,
// the sender and the group sweeper borrow clients from it.
type Clients interface {
	// Client returns the account's client while the manager runs it
	// (connected or reconnecting); false when the account has no session
	// in this process (not linked, logged out, or another instance leads).
	Client(accountID int64) (Client, bool)
}

// Session is one running account: its row, its client and whatsmeow's
// device store (which knows the LID ↔ phone-number mappings).
type Session struct {
	Account hub.WAAccount
	Client  Client
	Device  *wastore.Device
}

// EventHandler receives every event of an account's client, on whatsmeow's
// event goroutine, and returns false when it could not take the event: for
// a message, whatsmeow then does not acknowledge it and WhatsApp delivers it
// again. It must return quickly: slow work (downloads) goes to workers.
type EventHandler func(s Session, evt any) bool

// GroupRouter decides whether a thread's messages go to its work order's
// WhatsApp group rather than the customer's direct chat. The sender asks
// before each message; nil means the branch runs no groups.
type GroupRouter interface {
	// GroupFor returns the group to send to and true, creating the group
	// first when the branch runs groups, the work order is in progress and
	// the thread has none yet. false sends to the direct chat (groups off,
	// work order not started or handed over and left, creation failed).
	GroupFor(ctx context.Context, cli Client, acc hub.WAAccount, t hub.Thread) (types.JID, bool, error)
}
