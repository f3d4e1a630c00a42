package hub

import "time"

// ChannelEmail marks an outbox item that goes by e-mail: its recipient is
// an address, and its message has a MessageEmail row. A thread itself
// never runs on e-mail (its channel is SMS or WhatsApp, tied to a phone);
// e-mails are written into the thread like any message, and replies to
// them come back into the same thread (MailAddresses).
const ChannelEmail = "email"

// MessageEmail is what an outgoing e-mail carries beyond its message's
// plain text, which is messages.body and the e-mail's text part.
type MessageEmail struct {
	MessageID int64 `gorm:"primaryKey"`
	Subject   string
	HTML      string `gorm:"column:html"`
	// ReplyTo is the thread's reply address (MailAddresses.ThreadReply):
	// what the customer answers lands in the thread.
	ReplyTo string
	// UnsubscribeURL is the one-click unsubscribe address (RFC 8058) for
	// a message that serves a purpose the customer may refuse; "" for a
	// service message or a person's reply.
	UnsubscribeURL string `gorm:"column:unsubscribe_url"`
	// HeaderID is the Message-ID header naryad gave the e-mail, without
	// the angle brackets; a reply's In-Reply-To and a bounce name it.
	HeaderID  string
	CreatedAt time.Time
}

// TableName is the e-mail parts' table.
func (MessageEmail) TableName() string { return "message_emails" }

// BranchEmailSettings is a branch's sender: the From of its e-mails and
// optional DKIM signing. The SMTP server is the deployment's setting.
type BranchEmailSettings struct {
	BranchID    int64 `gorm:"primaryKey"`
	FromAddress string
	FromName    string
	// DKIM signing, when all three are set: the signing domain (d=), the
	// selector (s=) and the PEM private key sealed with Sealer.
	DKIMDomain    string `gorm:"column:dkim_domain"`
	DKIMSelector  string `gorm:"column:dkim_selector"`
	DKIMKeySealed string `gorm:"column:dkim_key_sealed"`
	// SMSFallback queues the same words by SMS when an e-mail fails for
	// good (a hard bounce, a refused address, attempts exhausted).
	SMSFallback bool `gorm:"column:sms_fallback"`
	UpdatedAt   time.Time
}

// TableName is the branches' e-mail settings' table.
func (BranchEmailSettings) TableName() string { return "branch_email_settings" }
