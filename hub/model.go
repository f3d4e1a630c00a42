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
	// EmailInvalidAt is set when mail to Email bounced for good
	// (store.MarkEmailInvalid); reminders then go by SMS.
	EmailInvalidAt     *time.Time
	EmailInvalidReason string
	Locale             string
	Kind               string `gorm:"default:person"` // CustomerPerson or CustomerCompany
	OptedOutAt         *time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// A customer's kinds. A company's phones see its cars by role (see
// PhoneRoleManager); a person's phones see all the person's cars.
const (
	CustomerPerson  = "person"
	CustomerCompany = "company"
)

// CustomerPhone is one of a customer's numbers in E.164.
type CustomerPhone struct {
	ID         int64
	CustomerID int64
	E164       string `gorm:"column:e164"`
	Role       string // "" or PhoneRoleManager
}

// PhoneRoleManager marks the number of a company's fleet manager, who sees
// all the company's cars; the company's other numbers (drivers) see only
// the cars of work orders whose thread is on their number.
const PhoneRoleManager = "manager"

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

// PickBranch is the branch of the list with this code, or the first one
// when code is "" (an admin page opened without choosing); the zero Branch
// when none matches.
func PickBranch(branches []Branch, code string) Branch {
	for _, b := range branches {
		if b.Code == code || code == "" {
			return b
		}
	}
	return Branch{}
}
