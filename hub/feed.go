package hub

import "time"

// What leaves a transaction for others to read: the outbox of messages to
// deliver and the thread events live pages show. The DMS change feed has
// its own file, changefeed.go.

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
