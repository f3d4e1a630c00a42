package dms

import "encoding/json"

// Event types the DMS pushes.
const (
	TypeWorkOrder    = "work_order"
	TypeDocument     = "document"
	TypeMessage      = "message"
	TypeCustomer     = "customer"
	TypeVehicle      = "vehicle"
	TypeExpiringItem = "expiring_item"
	TypeBooking      = "booking"
)

// batchIn is the request body of POST /api/dms/v1/events. Events stay raw
// until each is decoded on its own, so one malformed event is rejected
// without spoiling the rest of the batch.
type batchIn struct {
	Events *[]json.RawMessage `json:"events"`
}

// eventIn is one pushed event: its id, type, time and the object under the
// key named by its type ("work_order": {…}).
type eventIn struct {
	ID           flexText        `json:"id"`
	Type         string          `json:"type"`
	OccurredAt   string          `json:"occurred_at"`
	WorkOrder    *workOrderIn    `json:"work_order"`
	Document     *documentIn     `json:"document"`
	Message      *messageIn      `json:"message"`
	Customer     *customerIn     `json:"customer"`
	Vehicle      *vehicleIn      `json:"vehicle"`
	ExpiringItem *expiringItemIn `json:"expiring_item"`
	Booking      *bookingIn      `json:"booking"`
}

// workOrderIn is a work order. Number, version and branch are always
// there; every other part may be left out, which keeps what is stored, or
// sent as null (lines also as []), which clears it.
type workOrderIn struct {
	Number     flexText             `json:"number"`
	Version    flexText             `json:"version"`
	Branch     string               `json:"branch"`
	Status     optional[string]     `json:"status"`
	Customer   optional[customerIn] `json:"customer"`
	Vehicle    optional[vehicleIn]  `json:"vehicle"`
	Advisor    optional[advisorIn]  `json:"advisor"`
	Master     optional[advisorIn]  `json:"master"` // the master (mechanic): the advisor's shape
	PromisedAt optional[string]     `json:"promised_at"`
	Currency   optional[string]     `json:"currency"`
	Paid       optional[flexText]   `json:"paid"`
	Lines      optional[[]lineIn]   `json:"lines"`
	AmountDue  optional[flexText]   `json:"amount_due"` // what the customer owes; left out or null: the lines decide
}

// customerIn, vehicleIn and expiringItemIn carry the branch they belong to
// while no work order says otherwise (the reminders' home branch).
type customerIn struct {
	ExternalID flexText `json:"external_id"`
	Name       string   `json:"name"`
	// Phones are numbers ("+7 916 …", 79161234567) or objects
	// {"number": "…", "role": "manager"} marking a company's fleet manager.
	Phones []flexText `json:"phones"`
	Email  string     `json:"email"`
	Locale string     `json:"locale"`
	Branch string     `json:"branch"`
	Kind   string     `json:"kind"` // person or company; left out keeps the stored kind
}

// phoneObjectIn is a customer's phone sent as an object, with its role.
type phoneObjectIn struct {
	Number flexText `json:"number"`
	Role   string   `json:"role"`
}

type vehicleIn struct {
	ExternalID         flexText   `json:"external_id"`
	CustomerExternalID flexText   `json:"customer_external_id"`
	VIN                string     `json:"vin"`
	Plate              string     `json:"plate"`
	Make               string     `json:"make"`
	Model              string     `json:"model"`
	Year               flexText   `json:"year"`
	MileageKm          flexText   `json:"mileage_km"`
	Service            *serviceIn `json:"service"`
	Branch             string     `json:"branch"`
}

type serviceIn struct {
	LastServiceAt        string   `json:"last_service_at"`
	LastServiceMileageKm flexText `json:"last_service_mileage_km"`
	IntervalMonths       flexText `json:"interval_months"`
	IntervalKm           flexText `json:"interval_km"`
	TyreSeason           string   `json:"tyre_season"`
}

type advisorIn struct {
	ExternalID flexText `json:"external_id"`
	Name       string   `json:"name"`
	Phone      string   `json:"phone"`
}

type lineIn struct {
	ID            flexText `json:"id"`
	Kind          string   `json:"kind"`
	Name          string   `json:"name"`
	Qty           flexText `json:"qty"`
	UnitPrice     flexText `json:"unit_price"`
	Discount      flexText `json:"discount"`
	Total         flexText `json:"total"`
	NeedsApproval flexText `json:"needs_approval"`
	// InspectionItem is the code of the inspection item the line prices
	// (an item of an inspection change); "" for a line of its own.
	InspectionItem string `json:"inspection_item"`
}

type documentIn struct {
	WorkOrderNumber flexText `json:"work_order_number"`
	Name            string   `json:"name"`
	ContentType     string   `json:"content_type"` // accepted, never believed: the type is sniffed from the data
	Kind            string   `json:"kind"`         // "invoice" shows first on the customer page; anything else is kept as said
	DataBase64      string   `json:"data_base64"`
}

type messageIn struct {
	WorkOrderNumber flexText `json:"work_order_number"`
	Text            string   `json:"text"`
	Author          string   `json:"author"`
}

type expiringItemIn struct {
	ExternalID         flexText `json:"external_id"`
	CustomerExternalID flexText `json:"customer_external_id"`
	Kind               string   `json:"kind"`
	Title              string   `json:"title"`
	ExpiresOn          string   `json:"expires_on"`
	Branch             string   `json:"branch"`
}

// bookingIn is the DMS's answer to a service_request change: the booking
// (the hub's id) confirmed, moved to another time, or declined.
type bookingIn struct {
	BookingID flexText `json:"booking_id"`
	State     string   `json:"state"`
	StartsAt  string   `json:"starts_at"`
	Note      string   `json:"note"`
}
