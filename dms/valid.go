package dms

import (
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// validEvent is a validated event, ready to apply: every field parsed, every
// phone normalised, every number in integer units. Only one of the object
// fields is set, matching Type.
type validEvent struct {
	ID         string
	Type       string
	OccurredAt time.Time

	WorkOrder    *validWorkOrder
	Document     *validDocument
	Message      *validMessage
	Customer     *store.CustomerData
	Vehicle      *validVehicle
	ExpiringItem *validExpiringItem
	Booking      *validBooking
}

// validWorkOrder is a validated work order. Sent says which of its parts
// the event carried: a part left out keeps what is stored, so its field
// here means nothing; a part sent as null (lines also as []) is cleared.
type validWorkOrder struct {
	Number     string
	Version    int64
	Branch     hub.Branch
	Sent       workOrderParts
	RawStatus  string
	Customer   *store.CustomerData // nil: none
	Vehicle    *validVehicle       // nil: none
	Advisor    validAdvisor
	Master     validAdvisor // Phone in E.164, or empty
	PromisedAt *time.Time
	Currency   string // the branch's default when not sent
	Paid       bool
	Lines      []hub.WorkOrderLine
	TotalMinor int64
	AmountDue  *int64 // the amount due the DMS sent; nil: cleared (the lines decide)
	// rawLines, rawAmountDue and linesScale let the ingest read the money
	// again in the stored currency when the event left the currency out
	// and the stored one has other decimal places than the default it was
	// read in.
	rawLines     []lineIn
	rawAmountDue optional[flexText]
	linesScale   int
}

// workOrderParts flags the optional parts of a work order an event sent.
type workOrderParts struct {
	Status, Customer, Vehicle, Advisor, Master, PromisedAt, Currency, Paid, Lines, AmountDue bool
}

type validAdvisor struct{ ExternalID, Name, Phone string }

// validVehicle is a vehicle with the customer it belongs to named by DMS id
// (resolved to a row when applied) and its latest odometer value (0 = none).
type validVehicle struct {
	Data               store.VehicleData
	CustomerExternalID string
	MileageKm          int
}

type validDocument struct {
	WorkOrderNumber string
	Name            string
	ContentType     string
	Kind            string // lower-case; hub.DocInvoice for an invoice, "" when not sent
	Data            []byte
}

type validMessage struct {
	WorkOrderNumber string
	Text            string
	Author          string
}

type validExpiringItem struct {
	Data               store.ExpiringItemData
	CustomerExternalID string
}
