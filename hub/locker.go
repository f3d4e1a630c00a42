package hub

import "time"

// Key lockers, as the hub keeps them. The kiosk at the locker is the
// authority on its compartments (see lockerwire); these rows are the hub's
// record of what it reported, plus the codes and commands the hub hands it.

// LockerSite is one locker (kiosk PC and its boards) at a branch. The kiosk
// proves itself with a token; only its hash is stored.
type LockerSite struct {
	ID         int64
	BranchID   int64
	Name       string
	TokenHash  string
	LastSyncAt *time.Time
	CreatedAt  time.Time
	RevokedAt  *time.Time
}

// TableName pins the table name.
func (LockerSite) TableName() string { return "locker_sites" }

// LockerCompartment is one lockable box: lock Lock (1–16, as printed) on
// board Board (0–15). State and the fields after it mirror the kiosk's last
// report (wire.State*).
type LockerCompartment struct {
	ID          int64
	SiteID      int64
	Board       int
	Lock        int
	Size        string
	Label       string
	State       string
	WorkOrderID *int64
	LoanID      *int64 // a courtesy car's key (the kiosk's entry -LoanID); WorkOrderID is nil then
	StateSince  time.Time
	DoorClosed  bool
	Item        bool
	UpdatedAt   time.Time
}

// TableName pins the table name.
func (LockerCompartment) TableName() string { return "locker_compartments" }

// Kinds of locker codes.
const (
	LockerCodeDropOff = "dropoff"
	LockerCodePickup  = "pickup"
)

// LockerCode is a code a customer types at the kiosk, kept only as
// wire.Hash(Salt, code).
type LockerCode struct {
	ID          int64
	WorkOrderID int64
	Kind        string
	Salt        string
	Hash        string
	CreatedAt   time.Time
	UsedAt      *time.Time
	RevokedAt   *time.Time
}

// TableName pins the table name.
func (LockerCode) TableName() string { return "locker_codes" }

// LoanKeyCode is a code the customer of a courtesy-car loan types at the
// kiosk for the car's key: kind LockerCodePickup to take it, kind
// LockerCodeDropOff to bring it back. Kept only as wire.Hash(Salt, code);
// it opens nothing after ExpiresAt, once used, or once revoked.
type LoanKeyCode struct {
	ID        int64
	LoanID    int64
	Kind      string
	Salt      string
	Hash      string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	RevokedAt *time.Time
}

// TableName pins the table name.
func (LoanKeyCode) TableName() string { return "loan_key_codes" }

// LockerStaffPIN opens the kiosk's staff menu for one user.
type LockerStaffPIN struct {
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	Salt      string
	Hash      string
	CreatedAt time.Time
}

// TableName pins the table name.
func (LockerStaffPIN) TableName() string { return "locker_staff_pins" }

// LockerEvent is one thing that happened at a locker, stored once per
// kiosk-made EventUID.
type LockerEvent struct {
	ID            int64
	SiteID        int64
	EventUID      string
	Kind          string // wire.Event*
	OccurredAt    time.Time
	ReceivedAt    time.Time
	CompartmentID *int64
	WorkOrderID   *int64
	LoanID        *int64 // an event of a courtesy car's key
	CommandID     *int64
	Actor         string
	Detail        string
}

// TableName pins the table name.
func (LockerEvent) TableName() string { return "locker_events" }

// LockerAlarm is something at a locker staff must look at.
type LockerAlarm struct {
	ID            int64
	SiteID        int64
	EventID       int64
	CompartmentID *int64
	Kind          string // the wire.Event* kind that raised it
	RaisedAt      time.Time
	ClearedAt     *time.Time
	ClearedBy     string
}

// TableName pins the table name.
func (LockerAlarm) TableName() string { return "locker_alarms" }

// LockerCommand is a remote opening an admin asked for; the kiosk carries
// it out at its next sync.
type LockerCommand struct {
	ID            int64
	SiteID        int64
	CompartmentID int64
	Reason        string
	UserID        int64
	Login         string
	CreatedAt     time.Time
	DoneAt        *time.Time
}

// TableName pins the table name.
func (LockerCommand) TableName() string { return "locker_commands" }
