package hub

import "time"

// What leaves a transaction for others to read: the DMS change feed, the
// outbox of messages to deliver, and the thread events live pages show.

// Change is one entry of the outbound feed the DMS reads.
type Change struct {
	Seq             int64 `gorm:"primaryKey;autoIncrement:false"`
	BranchID        int64
	Type            string
	OccurredAt      time.Time
	WorkOrderID     *int64
	WorkOrderNumber string
	Data            string // JSON object
}

// Change types in the outbound feed.
const (
	ChangeCustomerMessage = "customer_message"
	ChangeLineDecision    = "line_decision"
	ChangeDeliveryFailed  = "delivery_failed"
	ChangeLead            = "lead"
	ChangeLockerEvent     = "locker_event" // something happened at a key locker
	ChangeFeedback        = "feedback"     // a customer scored their visit 0-10
)

// Outbox states.
const (
	OutboxPending = "pending"
	OutboxDone    = "done"
	OutboxFailed  = "failed"
)

// OutboxItem is an outgoing message waiting for (or done with) delivery.
type OutboxItem struct {
	ID            int64
	MessageID     int64
	Channel       string
	Recipient     string
	Body          string
	State         string
	Attempts      int
	NextAttemptAt time.Time
	LeaseUntil    *time.Time
	LastError     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TableName: the outbox is one table, not "outbox_items".
func (OutboxItem) TableName() string { return "outbox" }

// DeliveryAttempt records one try to hand a message to a provider.
type DeliveryAttempt struct {
	ID         int64
	OutboxID   int64
	Attempt    int
	Provider   string
	ProviderID string
	Error      string
	StartedAt  time.Time
	FinishedAt time.Time
}

// Kinds of thread events: what a live page must update.
const (
	EventMessage  = "message"  // a message was added
	EventDelivery = "delivery" // a message's delivery state changed
	EventOrder    = "order"    // the work order changed: status, lines, decisions
)

// ThreadEvent is one durable entry of what live pages show; its ID is the
// SSE event id a reconnecting page resumes from.
type ThreadEvent struct {
	ID        int64 `gorm:"primaryKey;autoIncrement:false"`
	ThreadID  int64
	BranchID  int64
	Kind      string
	MessageID *int64
	CreatedAt time.Time
}

// StatusChange is one step of a work order's status timeline.
type StatusChange struct {
	ID          int64
	WorkOrderID int64
	RawStatus   string
	Status      string
	ChangedAt   time.Time
}
