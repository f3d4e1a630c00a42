// Package reminders sends the messages nobody has to remember to send:
// maintenance due, the seasonal tyre change, keys left in the locker,
// expiring warranties and insurance, an estimate left undecided. Each Rule
// looks at the data the DMS sent and proposes Reminders; the Runner keeps
// quiet hours, the daily cap per customer and opt-outs, writes the message
// and its ledger row in one transaction (so each reminder goes out once,
// across restarts and several instances), and cron (robfig/cron) runs the
// scans per branch in the branch's time zone inside `naryad serve`.
package reminders

import (
	"context"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// Scan is one pass of the rules over one branch at one moment.
type Scan struct {
	Branch hub.Branch
	Now    time.Time      // the scan's moment (UTC)
	Loc    *time.Location // the branch's time zone
	Today  string         // Now's date in Loc, "2006-01-02"
}

// Audiences of a reminder.
const (
	ToCustomer = "customer" // a message on the customer's thread
	ToStaff    = "staff"    // a staff task (and a system line in the thread, if any)
)

// Reminder is one message (or staff task) a rule wants to go out.
type Reminder struct {
	Rule string // the rule's Name
	// Audience is ToCustomer or ToStaff.
	Audience string
	// CustomerID is who it is for; 0 for a staff task not about one customer.
	CustomerID int64
	// Subject is what it is about, stable across scans: "vehicle:42",
	// "work_order:7", "items" (one customer's expiring items together).
	Subject string
	// Occasion is which due moment of the subject this is, e.g.
	// "2027-03-01/14d" for 14 days before a due date: (CustomerID, Rule,
	// Subject, Occasion) goes out at most once.
	Occasion string
	// DueAt is when it became due (preview shows it; the order of sending).
	DueAt time.Time
	// ThreadID is the thread to write on (a work order's); 0 = the
	// customer's own thread, opened if they have none.
	ThreadID int64
	// VehicleID is the vehicle a reminder is about (maintenance, tyres,
	// declined work); 0 for none. Its message carries a link to book a
	// visit for that car at the branch (Data.BookURL).
	VehicleID int64
	// Template and Data make a customer message; the Runner fills the
	// branch, the customer's name and language, the link and the book link.
	Template string
	Data     templates.Data
	// Title and Body make a staff task.
	Title, Body string

	// Service marks a customer message about something the customer has
	// running with the branch (a courtesy car due back) rather than a
	// reminder: the quiet hours hold it like any reminder, but neither the
	// reminders opt-out (STOP) nor the daily cap does, as neither holds a
	// work order's notifications; it goes as a service message
	// (store.ConsentService), so a number that refused those reads it on
	// its page only. Its ledger row counts towards the day's cap.
	Service bool
	// Locale is the language the rule knows for this message (a loan's,
	// chosen at the offer); "" takes the customer's, else the branch's.
	Locale string
	// Line and LineArgs, for a staff reminder on a thread, are the system
	// line written there (a templates key, worded in each reader's
	// language) instead of "Task: <Title>".
	Line     string
	LineArgs map[string]string
	// OneOpenTask keeps a staff reminder from adding a task while its
	// thread has one of the same rule not done yet; the line is written
	// all the same, so a repeat shows in the thread with no second task
	// to close.
	OneOpenTask bool
}

// Rule proposes the reminders due at a scan. A rule is level-triggered: it
// returns everything due by scan.Now whose occasion may not have gone out
// yet (the ledger filters what did), so a scan missed while the hub was
// down, or held back by quiet hours, is caught up by the next one.
type Rule interface {
	Name() string
	Due(ctx context.Context, st *store.Store, scan Scan) ([]Reminder, error)
}

// Recorder is a Rule that writes something of its own with each customer
// reminder it proposed, inside the transaction that queues the message
// (DeclinedWork marks its rows offered there, so they go out once).
type Recorder interface {
	Record(ctx context.Context, tx *store.Store, rem Reminder, at time.Time) error
}
