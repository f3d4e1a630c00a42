package outbox

// Message is what a Sender hands to its provider: one queued message,
// whatever the channel.
type Message struct {
	To        string // the recipient's number, E.164, e.g. +79161234567
	Body      string
	ThreadID  int64 // the thread it belongs to: a channel may send per thread (WhatsApp's account, group)
	MessageID int64 // naryad's message id; stable across attempts
}

// Receipt is what the provider said when it accepted a message.
type Receipt struct {
	ProviderID string // the provider's id of the message (Twilio SID, WhatsApp message id)
	// Delivered says the provider knows the message reached the recipient
	// already (Twilio may answer so); otherwise it is sent, and a later
	// delivery report may say more.
	Delivered bool
}
