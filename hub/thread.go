package hub

import "time"

// Channels a thread runs on.
const (
	ChannelSMS      = "sms"
	ChannelWhatsApp = "whatsapp"
)

// Thread states.
const (
	ThreadOpen     = "open"
	ThreadPending  = "pending"
	ThreadResolved = "resolved"
)

// Thread is the one conversation of a work order with its customer, or a
// lead's conversation when WorkOrderID is nil.
type Thread struct {
	ID             int64
	BranchID       int64
	WorkOrderID    *int64
	CustomerID     *int64
	Phone          string
	Channel        string
	State          string
	AssigneeID     *int64
	LastActivityAt time.Time
	CreatedAt      time.Time
}

// Message directions.
const (
	DirectionIn     = "in"     // from the customer
	DirectionOut    = "out"    // to the customer
	DirectionNote   = "note"   // private, staff only
	DirectionSystem = "system" // written by naryad itself, staff only
)

// Delivery states of an outgoing message.
const (
	DeliveryQueued    = "queued"
	DeliverySent      = "sent"
	DeliveryDelivered = "delivered"
	DeliveryRead      = "read"
	DeliveryFailed    = "failed"
	// DeliveryPageOnly: not sent at all, on purpose — the recipient refused
	// the message's purpose (store.Outgoing.Purpose), so it is only on the
	// thread: the customer's page and the inbox. It is final.
	DeliveryPageOnly = "page_only"
)

// Message is one entry of a thread.
type Message struct {
	ID          int64
	ThreadID    int64
	Direction   string
	Body        string
	Author      string
	TemplateKey string
	// TextKey and TextArgs (a JSON object of strings) make a system line
	// readable in every language: see SystemLine and Text. Empty for
	// everything else, and for old lines not recognised.
	TextKey    string
	TextArgs   string
	Delivery   string
	Error      string
	ProviderID string
	// Unreadable marks a stand-in for a WhatsApp message that could not be
	// decrypted yet: no body; the real message fills it when it comes.
	Unreadable bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Attachment is a file on a message, stored once per content hash in the
// data directory.
type Attachment struct {
	ID          int64
	MessageID   int64
	SHA256      string `gorm:"column:sha256"`
	Name        string
	ContentType string
	SizeBytes   int64
	DocKind     string // a DMS document's kind ("invoice" shows first); '' for other files
	CreatedAt   time.Time
}

// Document kinds the DMS may give (document.kind).
const DocInvoice = "invoice"

// MagicLink opens a thread's customer page. The token itself is never
// stored: it is derived from the server secret and Salt, and found by hash.
type MagicLink struct {
	ID        int64
	ThreadID  int64
	Salt      string
	TokenHash string
	ExpiresAt *time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
}
