package hub

import "time"

// The DMS change feed's contract: the entry (Change), its types, and the
// data each type carries, as docs/exchange.md ("The change feed") promises
// 1C integrators. The store writes these payloads inside its own
// transactions, and the core may not import dms, so the contract lives
// here, in the core, in this one file; dms serves the feed (GET
// /api/dms/v1/changes) without reading the data. A field renamed or a tag
// changed here changes what every DMS reads: changefeed_test.go holds each
// type against the examples in docs/exchange.md.

// Change is one entry of the outbound feed the DMS reads.
type Change struct {
	Seq             int64 `gorm:"primaryKey;autoIncrement:false"`
	BranchID        int64
	Type            string
	OccurredAt      time.Time
	WorkOrderID     *int64
	WorkOrderNumber string
	Data            string // JSON object: one of the ChangeData types below, by Type
}

// Change types in the outbound feed.
const (
	ChangeCustomerMessage = "customer_message"
	ChangeLineDecision    = "line_decision"
	ChangeDeliveryFailed  = "delivery_failed"
	ChangeLead            = "lead"
	ChangeLockerEvent     = "locker_event" // something happened at a key locker
	ChangeFeedback        = "feedback"     // a customer scored their visit 0-10
	ChangePayment         = "payment"      // a customer paid online
	ChangeRefund          = "refund"       // an admin refunded (part of) an online payment
	ChangeInspection      = "inspection"   // an advisor sent the mechanic's inspection
	// ChangeInspectionReport: the customer decided on the estimate; the
	// inspection and the decisions as a PDF document.
	ChangeInspectionReport = "inspection_report"
	// ChangeServiceRequest: a customer booked a visit from their account,
	// or cancelled or moved it (issue 19).
	ChangeServiceRequest = "service_request"
	// ChangeLoan: a courtesy-car loan moved (offered, verified, signed,
	// out, returned…), with the car, fuel and odometer (issue 20).
	ChangeLoan = "loan"
)

// ChangeData is the data of one change type: what a Change's Data holds,
// encoded as JSON. ChangeType names the type it belongs to, so a change
// is never stored under another type's name.
type ChangeData interface {
	ChangeType() string
}

// CustomerMessageData is the data of a customer_message change: the
// customer wrote on their page or over WhatsApp (docs/exchange.md, "The
// change feed").
type CustomerMessageData struct {
	MessageID   int64              `json:"message_id"`
	ThreadID    int64              `json:"thread_id"`
	Text        string             `json:"text"`
	Channel     string             `json:"channel"`
	Attachments []CustomerFileData `json:"attachments,omitempty"`
}

// CustomerFileData describes a file of a customer_message; the DMS fetches
// it by its hash (docs/exchange.md, "Files the customer sent").
type CustomerFileData struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	SizeBytes   int64  `json:"size_bytes"`
	SHA256      string `json:"sha256"`
}

// ChangeType is ChangeCustomerMessage.
func (CustomerMessageData) ChangeType() string { return ChangeCustomerMessage }

// LineDecisionData is the data of a line_decision change: the customer
// approved or declined one line on their page, with the evidence kept
// for a dispute (docs/exchange.md, "The change feed").
type LineDecisionData struct {
	LineID     string    `json:"line_id"` // the DMS's id of the line
	Name       string    `json:"name"`
	Decision   string    `json:"decision"`    // DecisionApproved or DecisionDeclined
	TotalMinor int64     `json:"total_minor"` // the line total the customer saw
	DecidedAt  time.Time `json:"decided_at"`
	DecidedBy  string    `json:"decided_by"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
}

// ChangeType is ChangeLineDecision.
func (LineDecisionData) ChangeType() string { return ChangeLineDecision }

// DeliveryFailedData is the data of a delivery_failed change: a message
// did not reach the customer (docs/exchange.md, "The change feed").
type DeliveryFailedData struct {
	MessageID int64  `json:"message_id"`
	ThreadID  int64  `json:"thread_id"`
	Error     string `json:"error"`     // the provider's reason
	Recipient string `json:"recipient"` // E.164; empty when there was no number
}

// ChangeType is ChangeDeliveryFailed.
func (DeliveryFailedData) ChangeType() string { return ChangeDeliveryFailed }

// LeadData is the data of a lead change: someone with no open work order
// at the branch wrote in over WhatsApp for the first time
// (docs/exchange.md, "The change feed" and "Leads from WhatsApp").
type LeadData struct {
	ThreadID           int64  `json:"thread_id"`
	Phone              string `json:"phone"` // E.164; empty when WhatsApp hides the number
	Name               string `json:"name"`  // the name the sender chose in WhatsApp
	CustomerExternalID string `json:"customer_external_id,omitempty"`
	Channel            string `json:"channel"`
	Text               string `json:"text"`
	WhatsAppID         string `json:"whatsapp_id,omitempty"` // only when Phone is empty
}

// ChangeType is ChangeLead.
func (LeadData) ChangeType() string { return ChangeLead }

// LockerEventData is the data of a locker_event change: one event a key
// locker's kiosk reported (docs/exchange.md, "The change feed", "Key
// lockers").
type LockerEventData struct {
	EventID     string                 `json:"event_id"` // the kiosk's id of the event
	Site        LockerSiteData         `json:"site"`
	Kind        string                 `json:"kind"`
	Compartment *LockerCompartmentData `json:"compartment,omitempty"` // nil: the event concerns no box
	Actor       string                 `json:"actor"`
	Detail      string                 `json:"detail,omitempty"`
	OccurredAt  time.Time              `json:"occurred_at"` // when it happened at the locker
}

// LockerSiteData names the locker of a locker_event.
type LockerSiteData struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// LockerCompartmentData names the box of a locker_event.
type LockerCompartmentData struct {
	ID    int64  `json:"id"`
	Label string `json:"label"` // as printed on the door
	Board int    `json:"board"`
	Lock  int    `json:"lock"`
}

// ChangeType is ChangeLockerEvent.
func (LockerEventData) ChangeType() string { return ChangeLockerEvent }

// FeedbackData is the data of a feedback change: the customer scored
// their visit from 0 to 10 (docs/exchange.md, "The change feed",
// "Feedback").
type FeedbackData struct {
	WorkOrderID     int64  `json:"work_order_id"` // the hub's id
	WorkOrderNumber string `json:"work_order_number"`
	Score           int    `json:"score"`
	MessageID       int64  `json:"message_id"` // the customer's reply
	Text            string `json:"text"`       // the reply as written
}

// ChangeType is ChangeFeedback.
func (FeedbackData) ChangeType() string { return ChangeFeedback }

// PaymentData is the data of a payment change: the customer paid online,
// by the hosted page of the branch's provider (docs/exchange.md, "Payments").
// 1C records the payment against the work order; its own paid: true later
// is accepted as the same payment.
type PaymentData struct {
	PaymentID         int64     `json:"payment_id"` // the hub's id; a refund names it
	Kind              string    `json:"kind"`       // PaymentForWorkOrder or PaymentForRequest
	Reason            string    `json:"reason,omitempty"`
	AmountMinor       int64     `json:"amount_minor"` // what was paid
	RequestedMinor    int64     `json:"requested_minor"`
	Currency          string    `json:"currency"`
	Provider          string    `json:"provider"`
	ProviderPaymentID string    `json:"provider_payment_id"`
	Method            string    `json:"method"`
	PaidAt            time.Time `json:"paid_at"`
	ReceiptURL        string    `json:"receipt_url,omitempty"`
}

// ChangeType is ChangePayment.
func (PaymentData) ChangeType() string { return ChangePayment }

// RefundData is the data of a refund change: an admin returned money of an
// online payment from the thread (docs/exchange.md, "Payments").
type RefundData struct {
	PaymentID         int64     `json:"payment_id"`
	RefundID          int64     `json:"refund_id"`
	AmountMinor       int64     `json:"amount_minor"`
	Currency          string    `json:"currency"`
	Provider          string    `json:"provider"`
	ProviderPaymentID string    `json:"provider_payment_id"`
	ProviderRefundID  string    `json:"provider_refund_id"`
	Reason            string    `json:"reason,omitempty"`
	RefundedBy        string    `json:"refunded_by"`
	RefundedAt        time.Time `json:"refunded_at"`
}

// ChangeType is ChangeRefund.
func (RefundData) ChangeType() string { return ChangeRefund }

// InspectionData is the data of an inspection change: an advisor sent the
// mechanic's inspection of the work order, so 1C can price its red and
// yellow items as lines naming them (inspection_item). Sent again after
// edits, with a higher revision; the newest revision replaces the older
// (docs/exchange.md, "Inspections"). Hidden items are left out.
type InspectionData struct {
	InspectionID int64                `json:"inspection_id"`
	Revision     int64                `json:"revision"`
	Mechanic     string               `json:"mechanic"` // who first recorded something in it
	SentBy       string               `json:"sent_by"`  // the advisor
	SentAt       time.Time            `json:"sent_at"`
	Items        []InspectionItemData `json:"items"`
}

// InspectionItemData is one item of an inspection change.
type InspectionItemData struct {
	Code  string               `json:"code"` // what a line's inspection_item names
	Name  string               `json:"name"`
	State string               `json:"state"` // ItemGreen, ItemYellow or ItemRed: items not looked at are left out
	Value string               `json:"value,omitempty"`
	Unit  string               `json:"unit,omitempty"`
	Note  string               `json:"note,omitempty"`
	Files []InspectionFileData `json:"files,omitempty"`
}

// InspectionFileData is a file of an inspection change; 1C fetches it by
// URL (GET /api/dms/v1/files/<sha256>, with its token).
type InspectionFileData struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	SizeBytes   int64  `json:"size_bytes"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url"` // "/api/dms/v1/files/<sha256>", relative to the hub
}

// ChangeType is ChangeInspection.
func (InspectionData) ChangeType() string { return ChangeInspection }

// InspectionReportData is the data of an inspection_report change: the
// customer confirmed their decisions; File is the PDF of the inspection
// and the decisions, to keep with the work order.
type InspectionReportData struct {
	InspectionID int64              `json:"inspection_id"`
	Version      int64              `json:"version"` // the work order's version decided on
	File         InspectionFileData `json:"file"`
}

// ChangeType is ChangeInspectionReport.
func (InspectionReportData) ChangeType() string { return ChangeInspectionReport }

// DMSFileURL is where the DMS fetches a file of the hub by its hash.
func DMSFileURL(sha256 string) string { return "/api/dms/v1/files/" + sha256 }

// ServiceRequestData is the data of a service_request change: a customer
// asked for a visit from their account, or cancelled or moved it
// (docs/exchange.md, "The change feed", "Service requests"). The DMS
// answers with a booking event. External ids are the DMS's own, sent only
// when the customer or vehicle is one of a node serving the branch; a car
// of another node's customer carries the branch's node's customer with
// the same phone, as the hub links them by that phone.
type ServiceRequestData struct {
	BookingID          int64                `json:"booking_id"`
	ThreadID           int64                `json:"thread_id"`
	State              string               `json:"state"` // requested (new or moved by the customer) or cancelled
	BranchCode         string               `json:"branch_code"`
	Phone              string               `json:"phone"` // E.164
	CustomerExternalID string               `json:"customer_external_id,omitempty"`
	VehicleExternalID  string               `json:"vehicle_external_id,omitempty"`
	VehicleText        string               `json:"vehicle_text"`
	Kind               string               `json:"kind"` // maintenance, tyres, diagnostics or other
	Services           []ServiceRequestItem `json:"services"`
	Note               string               `json:"note"`
	StartsAt           time.Time            `json:"starts_at"`
	EndsAt             time.Time            `json:"ends_at"`
}

// ServiceRequestItem is one service of the branch's catalogue the
// customer chose, named in the branch's language.
type ServiceRequestItem struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// ChangeType is ChangeServiceRequest.
func (ServiceRequestData) ChangeType() string { return ChangeServiceRequest }

// Events of a loan change: what just happened to the loan.
const (
	LoanEventOffered         = "offered"
	LoanEventVerified        = "verified"
	LoanEventIdentityRefused = "identity_refused"
	LoanEventSigned          = "signed"
	LoanEventDepositHeld     = "deposit_held"
	LoanEventOut             = "out"
	LoanEventReturned        = "returned"
	LoanEventClosed          = "closed"
	LoanEventWithdrawn       = "withdrawn"
	// The deposit was left at the desk (deposit_status desk).
	LoanEventDepositDesk = "deposit_desk"
	// A desk deposit of a loan that ended before the car left (withdrawn,
	// refused) was given back (deposit_status desk_returned). A loan back
	// from the customer is settled by `closed` instead.
	LoanEventDepositSettled = "deposit_settled"
	// The identity check moved from Stripe to the advisor's comparison of
	// photos (identity_method manual, identity_status pending).
	LoanEventIdentityManual = "identity_manual"
)

// LoanData is the data of a loan change: a courtesy-car loan of a work
// order moved (docs/exchange.md, "Courtesy cars"). Each change carries the
// whole loan as it is after the event, so the DMS needs no earlier one.
type LoanData struct {
	LoanID            int64               `json:"loan_id"`
	ThreadID          int64               `json:"thread_id"`
	Event             string              `json:"event"` // a LoanEvent…
	State             string              `json:"state"` // the loan's state after it: offered, out, returned, closed, withdrawn, refused
	Car               LoanCarData         `json:"car"`
	Phone             string              `json:"phone"` // E.164
	CustomerName      string              `json:"customer_name"`
	HandoverAt        time.Time           `json:"handover_at"`
	DueBackAt         time.Time           `json:"due_back_at"`
	FuelEighths       int                 `json:"fuel_eighths"` // at handover, 0 (empty) to 8 (full)
	OdometerKm        int                 `json:"odometer_km"`  // at handover
	ReturnFuelEighths *int                `json:"return_fuel_eighths,omitempty"`
	ReturnOdometerKm  *int                `json:"return_odometer_km,omitempty"`
	IdentityStatus    string              `json:"identity_status"` // pending, submitted, processing, verified, refused
	IdentityMethod    string              `json:"identity_method"` // manual (photos an advisor compares) or stripe
	DepositMinor      int64               `json:"deposit_minor"`   // 0: none asked
	DepositCurrency   string              `json:"deposit_currency,omitempty"`
	DepositStatus     string              `json:"deposit_status"`               // none, required, held, captured, released, failed, desk, desk_returned, desk_kept
	DepositKeptMinor  int64               `json:"deposit_kept_minor,omitempty"` // desk_kept: what was kept of the deposit left at the desk
	Agreement         *InspectionFileData `json:"agreement,omitempty"`          // the signed PDF, once signed
	DocumentID        string              `json:"document_id,omitempty"`        // the agreement's id printed on it
	SignedAt          *time.Time          `json:"signed_at,omitempty"`
}

// LoanCarData is the courtesy car of a loan change.
type LoanCarData struct {
	Plate string `json:"plate"`
	VIN   string `json:"vin,omitempty"`
	Model string `json:"model"`
}

// ChangeType is ChangeLoan.
func (LoanData) ChangeType() string { return ChangeLoan }
