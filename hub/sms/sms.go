// Package sms sends text messages through a provider and reads the
// provider's delivery reports. The outbox worker owns retries: providers only
// send once and classify failures (see Error) so it knows whether retrying
// can help.
package sms

import "context"

// Message is one SMS to send.
type Message struct {
	To        string // E.164, e.g. +79161234567
	Body      string
	ThreadID  int64
	MessageID int64 // naryad's message id; stable across retries
}

// Receipt is what the provider said when it accepted the message.
type Receipt struct {
	ProviderID string // provider's message id (Twilio SID), "log-<MessageID>" for the log provider
	State      string // StateSent, or StateDelivered when the provider already knows
}

// Delivery states as naryad records them. Providers map their own vocabulary
// onto these so the rest of the hub never sees provider-specific statuses.
const (
	StateSent      = "sent"
	StateDelivered = "delivered"
	StateRead      = "read"
	StateFailed    = "failed"
)

// Provider sends one SMS. Send makes a single attempt; a failure is an
// *Error that says whether another attempt may succeed.
type Provider interface {
	Name() string
	Send(ctx context.Context, m Message) (Receipt, error)
}
