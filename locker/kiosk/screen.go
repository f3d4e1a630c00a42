package kiosk

import "time"

// Mode is what the person at the kiosk came to do.
type Mode string

const (
	ModeDropOff Mode = "dropoff" // a customer leaves keys
	ModePickup  Mode = "pickup"  // a customer collects keys
	ModeStaff   Mode = "staff"   // staff take keys out or put them back
)

// Screen kinds: what the kiosk shows now. One person uses the kiosk at a
// time, so the Engine holds exactly one Screen; the UI renders it and polls
// for changes (a door closing moves it on by itself).
const (
	ScreenStart      = "start"        // choose drop-off, pickup or staff
	ScreenEntry      = "entry"        // keypad for Mode's code or PIN
	ScreenDoorOpen   = "door_open"    // Compartment is open: put keys in / take them
	ScreenNoItem     = "no_item"      // drop-off door closed with nothing inside: reopen or give up
	ScreenItemLeft   = "item_left"    // pickup door closed with something still inside
	ScreenDone       = "done"         // finished; Reopen offered until ReopenUntil
	ScreenStaffMenu  = "staff_menu"   // staff: compartments and what to do with them
	ScreenLockedOut  = "locked_out"   // too many wrong entries: wait until LockedUntil
	ScreenOutOfOrder = "out_of_order" // the boards do not answer or nothing is free
)

// Problems a person can fix, shown on the entry screen (the UI words them
// per language). Empty means none.
const (
	ProblemWrongCode    = "wrong_code"    // no work order matches what was typed
	ProblemNotPaid      = "not_paid"      // pickup before the DMS reports payment
	ProblemNotReady     = "not_ready"     // pickup but the keys are not in the locker yet
	ProblemAlreadyIn    = "already_in"    // drop-off for a work order whose keys are already in
	ProblemNoFreeBox    = "no_free_box"   // drop-off but every compartment is taken
	ProblemBadFormat    = "bad_format"    // too few digits, letters, empty
	ProblemBoardFailed  = "board_failed"  // the door could not be opened; try again or call
	ProblemUnknownOrder = "unknown_order" // staff typed a number not among open work orders
	ProblemUsePIN       = "use_pin"       // pickup by number and phone: type the PIN from the SMS instead
)

// Screen is what the kiosk shows.
type Screen struct {
	Kind    string
	Mode    Mode
	Problem string // one of the Problem constants, on ScreenEntry
	// AttemptsLeft before the lockout, shown after a wrong entry.
	AttemptsLeft int
	LockedUntil  time.Time // ScreenLockedOut

	// On ScreenDoorOpen, ScreenNoItem, ScreenItemLeft, ScreenDone.
	Compartment     string    // the label on the door, e.g. "12"
	WorkOrderNumber string    // e.g. "АА-000123"
	OpenedAt        time.Time // when the door was opened
	Alarm           bool      // the door has been open too long
	ReopenUntil     time.Time // ScreenDone: Reopen works until then; zero = no reopen

	// ScreenStaffMenu.
	StaffName string
	Boxes     []Box
	LoanKeys  []LoanKey // courtesy cars whose key staff may put in

	// Seq changes whenever the screen does; the UI polls it.
	Seq int64
}

// Box is one compartment as the staff menu lists it.
type Box struct {
	ID              int64
	Label           string
	Size            string
	State           string // wire.State*
	WorkOrderNumber string // or the courtesy car, when Loan
	Loan            bool   // a courtesy car's key (lockerwire.LoanKeysID)
	Since           time.Time
}

// LoanKey is a courtesy car whose key staff may put in for its customer,
// as the staff menu lists it (StaffPutLoanKey).
type LoanKey struct {
	LoanID int64
	Car    string // plate and model, e.g. "WA 12345 Škoda Fabia"
}
