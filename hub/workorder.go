package hub

import "time"

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
	MasterName        string // the master (mechanic) in charge, when the DMS names one
	MasterPhone       string
	PromisedAt        *time.Time
	Currency          string
	Paid              bool
	TotalMinor        int64
	AmountDueMinor    *int64 // what the DMS says is owed; nil: AmountDue sums the lines
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
	DecidedVersion int64  // the work order's version the decision answered
	// InspectionItem is the code of the inspection item the line prices
	// (the DMS's inspection_item), "" for a line of its own: it ties the
	// item's photos and note to the line on the customer's page.
	InspectionItem string
}
