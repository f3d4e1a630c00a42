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

type workOrderCmd struct {
	Number     string
	Version    int64
	Branch     hub.Branch
	RawStatus  string
	Customer   *store.CustomerData
	Vehicle    *vehicleCmd
	Advisor    advisorCmd
	Master     advisorCmd // Phone in E.164, or empty
	PromisedAt *time.Time
	Currency   string
	Paid       bool
	Lines      []hub.WorkOrderLine
	TotalMinor int64
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
