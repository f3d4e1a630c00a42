package dms

import (
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// command is a validated event, ready to apply: every field parsed, every
// phone normalised, every number in integer units. Only one of the object
// fields is set, matching Type.
type command struct {
	ID         string
	Type       string
	OccurredAt time.Time

	WorkOrder    *workOrderCmd
	Document     *documentCmd
	Message      *messageCmd
	Customer     *store.CustomerData
	Vehicle      *vehicleCmd
	ExpiringItem *expiringItemCmd
}

// workOrderCmd is a validated work order. Sent says which of its parts
// the event carried: a part left out keeps what is stored, so its field
// here means nothing; a part sent as null (lines also as []) is cleared.
type workOrderCmd struct {
	Number     string
	Version    int64
	Branch     hub.Branch
	Sent       workOrderParts
	RawStatus  string
	Customer   *store.CustomerData // nil: none
	Vehicle    *vehicleCmd         // nil: none
	Advisor    advisorCmd
	Master     advisorCmd // Phone in E.164, or empty
	PromisedAt *time.Time
	Currency   string // the branch's default when not sent
	Paid       bool
	Lines      []hub.WorkOrderLine
	TotalMinor int64
	// rawLines and linesScale let the ingest read the lines again in the
	// stored currency when the event left the currency out and the stored
	// one has other decimal places than the default they were read in.
	rawLines   []lineIn
	linesScale int
}

// workOrderParts flags the optional parts of a work order an event sent.
type workOrderParts struct {
	Status, Customer, Vehicle, Advisor, Master, PromisedAt, Currency, Paid, Lines bool
}

type advisorCmd struct{ ExternalID, Name, Phone string }

// vehicleCmd is a vehicle with the customer it belongs to named by DMS id
// (resolved to a row when applied) and its latest odometer value (0 = none).
type vehicleCmd struct {
	Data               store.VehicleData
	CustomerExternalID string
	MileageKm          int
}

type documentCmd struct {
	WorkOrderNumber string
	Name            string
	ContentType     string
	Data            []byte
}

type messageCmd struct {
	WorkOrderNumber string
	Text            string
	Author          string
}

type expiringItemCmd struct {
	Data               store.ExpiringItemData
	CustomerExternalID string
}
