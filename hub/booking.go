package hub

import (
	"fmt"
	"slices"
	"time"
)

// Booking a visit from the customer's account (issue 19): what a branch
// offers (its directory entry, catalogue and capacity) and the bookings
// themselves. The store keeps them (hub/store/booking*.go); the slot grid
// is worked out here, from the branch's working hours, with no database.

// Kinds of service a customer books; each has its own capacity.
const (
	KindMaintenance = "maintenance"
	KindTyres       = "tyres"
	KindDiagnostics = "diagnostics"
	KindOther       = "other"
)

// BookingKinds lists the kinds in the order pages show them.
func BookingKinds() []string {
	return []string{KindMaintenance, KindTyres, KindDiagnostics, KindOther}
}

// IsBookingKind tells whether kind is one of BookingKinds.
func IsBookingKind(kind string) bool { return slices.Contains(BookingKinds(), kind) }

// Booking states. requested: waiting for the DMS; confirmed and moved (to
// another time) by the DMS; declined by the DMS; cancelled by the customer.
const (
	BookingRequested = "requested"
	BookingConfirmed = "confirmed"
	BookingMoved     = "moved"
	BookingDeclined  = "declined"
	BookingCancelled = "cancelled"
)

// BookingHoldsSlot tells whether a booking in state counts against its
// slot's capacity.
func BookingHoldsSlot(state string) bool {
	return state == BookingRequested || state == BookingConfirmed || state == BookingMoved
}

// BranchBooking is what a branch shows in the directory and the rules an
// admin sets for booking there.
type BranchBooking struct {
	City, Address string
	Brands        []string
	CancelHours   int // the customer may cancel or move until this many hours before the start
	HorizonDays   int // the latest bookable start is this many days from now
	LeadMinutes   int // the earliest bookable start is this many minutes from now
}

// Holiday is a day (YYYY-MM-DD in the branch's calendar) without slots.
type Holiday struct {
	BranchID int64
	Day      string
	Name     string
}

// DirectoryBranch is one branch as the customer picks it: contacts,
// hours, holidays from today on, and the kinds it takes bookings for.
type DirectoryBranch struct {
	Branch
	BranchBooking
	Holidays []Holiday
	Kinds    []string // kinds with a capacity above zero, in BookingKinds order
}

// Service is one entry of a branch's catalogue. Entries are deactivated,
// never deleted: bookings name their codes.
type Service struct {
	ID       int64
	BranchID int64
	Code     string
	Kind     string
	NameRU   string `gorm:"column:name_ru"`
	NamePL   string `gorm:"column:name_pl"`
	NameEN   string `gorm:"column:name_en"`
	Minutes  int
	Active   bool
	Position int
}

// TableName is the catalogue's table.
func (Service) TableName() string { return "service_catalogue" }

// Name is the service's name in locale, else in English, Russian, Polish,
// else its code.
func (s Service) Name(locale string) string {
	byLocale := map[string]string{"ru": s.NameRU, "pl": s.NamePL, "en": s.NameEN}
	for _, l := range []string{locale, "en", "ru", "pl"} {
		if byLocale[l] != "" {
			return byLocale[l]
		}
	}
	return s.Code
}

// Capacity is how a branch books one kind of service: slots of
// SlotMinutes over its working hours, PerSlot bookings each.
type Capacity struct {
	BranchID    int64
	Kind        string
	SlotMinutes int
	PerSlot     int
}

// TableName is the capacity table.
func (Capacity) TableName() string { return "branch_capacity" }

// Slot is one bookable time: [Start, End) and how many places are left.
type Slot struct {
	Start, End time.Time
	Free       int
}

// Booking is a customer's request for a visit and what became of it.
type Booking struct {
	ID          int64
	BranchID    int64
	AccountID   int64
	Phone       string // E.164: the customer is told on this number
	CustomerID  *int64 // the DMS's customer, when known
	VehicleID   *int64
	VehicleText string
	Kind        string
	Services    []string `gorm:"serializer:json"` // catalogue codes
	Note        string
	StartsAt    time.Time
	EndsAt      time.Time
	State       string
	ThreadID    *int64
	Locale      string
	RequestKey  string
	DMSNote     string `gorm:"column:dms_note"` // what the DMS said with its decision
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// InvalidField is a setting or request field an admin or customer got
// wrong. Problem is a key the pages translate (ProblemRequired, …).
type InvalidField struct {
	Field   string
	Problem string
}

// Problems an InvalidField names.
const (
	ProblemRequired = "required"
	ProblemTooLong  = "too_long"
	ProblemRange    = "range"
	ProblemFormat   = "format"
)

func (e *InvalidField) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Problem) }
