// Package hub is naryad's core: branches, customers, vehicles, work orders
// and the one conversation thread each work order has with its customer.
// This file holds the plain domain types; storage lives in hub/store.
package hub

import "time"

// Branch is one service centre (филиал) with its own time zone and language.
type Branch struct {
	ID           int64
	Code         string
	Name         string
	Country      string // ISO 3166 alpha-2, the default region for phone numbers
	TimeZone     string // IANA name, e.g. Europe/Moscow
	Locale       string // ru | pl | en
	Phone        string
	WorkingHours string
	CreatedAt    time.Time
}

// Location loads the branch's time zone; UTC when the name is unknown (the
// name was validated when the branch was created, so this is a last resort).
func (b Branch) Location() *time.Location {
	loc, err := time.LoadLocation(b.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// DMSNode is one DMS installation calling the exchange with its own token.
// BranchID nil means the node serves every branch.
type DMSNode struct {
	ID        int64
	Name      string
	TokenHash string
	BranchID  *int64
	AckedSeq  int64
	AckedAt   *time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
}

// TableName keeps gorm from pluralising "dms_node" oddly.
func (DMSNode) TableName() string { return "dms_nodes" }

// Customer is a person or company known to a DMS node, or a lead (no node).
type Customer struct {
	ID         int64
	NodeID     *int64
	ExternalID *string
	Name       string
	Email      string
	Locale     string
	OptedOutAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// CustomerPhone is one of a customer's numbers in E.164.
type CustomerPhone struct {
	ID         int64
	CustomerID int64
	E164       string `gorm:"column:e164"`
}

// Vehicle is a car with its service plan, as the DMS knows it.
type Vehicle struct {
	ID                   int64
	NodeID               int64
	ExternalID           string
	CustomerID           *int64
	VIN                  string `gorm:"column:vin"`
	Plate                string
	Make                 string
	Model                string
	Year                 int
	LastServiceAt        *time.Time
	LastServiceMileageKm int
	IntervalMonths       int
	IntervalKm           int
	TyreSeason           string
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// Title is how a customer recognises the car: make, model and plate.
func (v Vehicle) Title() string {
	out := ""
	for _, part := range []string{v.Make, v.Model, v.Plate} {
		if part == "" {
			continue
		}
		if out != "" {
			out += " "
		}
		out += part
	}
	return out
}

// MileageReading is one odometer value seen on a date.
type MileageReading struct {
	ID        int64
	VehicleID int64
	MileageKm int
	ReadAt    time.Time
}

// ExpiringItem is a warranty, insurance or service plan with an end date.
type ExpiringItem struct {
	ID         int64
	NodeID     int64
	ExternalID string
	CustomerID int64
	Kind       string
	Title      string
	ExpiresOn  string // YYYY-MM-DD, a calendar date in the branch's zone
	UpdatedAt  time.Time
}

// Canonical work-order statuses. The DMS's own names map onto these per
// branch (status_mappings); an unmapped name leaves Status empty.
const (
	StatusReceived        = "received"
	StatusInProgress      = "in_progress"
	StatusWaitingParts    = "waiting_parts"
	StatusWaitingApproval = "waiting_approval"
	StatusReady           = "ready"
	StatusDelivered       = "delivered"
	StatusCancelled       = "cancelled"
)

// CanonicalStatuses lists every canonical status in workflow order.
var CanonicalStatuses = []string{
	StatusReceived, StatusInProgress, StatusWaitingParts, StatusWaitingApproval,
	StatusReady, StatusDelivered, StatusCancelled,
}

// IsCanonicalStatus tells whether s is one of CanonicalStatuses.
func IsCanonicalStatus(s string) bool {
	for _, c := range CanonicalStatuses {
		if c == s {
			return true
		}
	}
	return false
}

// WorkOrder is a заказ-наряд: the document a thread is about.
type WorkOrder struct {
	ID                int64
	NodeID            int64
	BranchID          int64
	Number            string
	Version           int64
	RawStatus         string
	Status            string
	CustomerID        *int64
	VehicleID         *int64
	AdvisorExternalID string
	AdvisorName       string
	AdvisorPhone      string
	PromisedAt        *time.Time
	Currency          string
	Paid              bool
	TotalMinor        int64
	OpenedAt          time.Time
	HandedOverAt      *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Line kinds of a work order.
const (
	LineLabor          = "labor"
	LinePart           = "part"
	LineRecommendation = "recommendation"
)

// Decisions on a line that needs approval; empty means undecided.
const (
	DecisionApproved = "approved"
	DecisionDeclined = "declined"
)

// WorkOrderLine is one labour, part or recommendation line. Quantities are
// in thousandths (1.5 h = 1500) and money in minor units: never floats.
type WorkOrderLine struct {
	ID             int64
	WorkOrderID    int64
	ExternalID     string
	Position       int
	Kind           string
	Name           string
	QtyMilli       int64
	UnitPriceMinor int64
	DiscountMinor  int64
	TotalMinor     int64
	NeedsApproval  bool
	Decision       string
	DecidedAt      *time.Time
	DecidedBy      string
	DecidedIP      string `gorm:"column:decided_ip"`
	DecidedUA      string `gorm:"column:decided_ua"`
}

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
)

// Message is one entry of a thread.
type Message struct {
	ID          int64
	ThreadID    int64
	Direction   string
	Body        string
	Author      string
	TemplateKey string
	Delivery    string
	Error       string
	ProviderID  string
	CreatedAt   time.Time
	UpdatedAt   time.Time
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
	CreatedAt   time.Time
}

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
