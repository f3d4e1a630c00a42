package templates

import "time"

// Data is everything a message template may show. Templates refer to the
// fields by name ({{.WorkOrderNumber}}), so renaming a field breaks stored
// branch overrides: add fields, do not rename them.
type Data struct {
	CustomerName, BranchName, BranchPhone string
	WorkOrderNumber, Vehicle, Plate       string         // Vehicle e.g. "Škoda Octavia A123BC77"
	Status                                string         // canonical status
	Link                                  string         // customer page URL, may be empty
	Text                                  string         // advisor text for message.advisor; booking.*: the DMS's note
	DocumentName                          string         // for document.ready
	Code                                  string         // locker drop-off code or pickup PIN, for locker.*
	PromisedAt                            time.Time      // zero = unknown
	Currency                              string         // ISO 4217, e.g. RUB, PLN, EUR
	TotalMinor                            int64          // integer minor units (kopecks, grosze)
	Lines                                 []Line         // lines awaiting approval
	DueAt                                 time.Time      // reminder.maintenance: the service due date; reminder.loan_due: when the courtesy car is due back; zero = unknown
	Season                                string         // reminder.tyres: the season to change TO, "winter" or "summer"
	Items                                 []Item         // reminder.expiring: every item of the customer due in this run
	PayMinor                              int64          // payment.* and status.ready: the amount to pay online, minor units of Currency; 0 = nothing to pay online
	ReceiptURL                            string         // payment.received: the provider's receipt, may be empty
	BookingAt                             time.Time      // booking.*: the booked visit's start
	BookURL                               string         // reminders of a vehicle: the account's booking page with the car chosen; may be empty
	Location                              *time.Location // branch time zone; nil = UTC
	Locale                                string         // ru | pl | en
}

// Line is one work-order line awaiting the customer's approval.
type Line struct {
	Name       string
	TotalMinor int64 // integer minor units of Data.Currency
}

// Item is one expiring thing (warranty, insurance, service plan,
// subscription) listed in a reminder. A calendar date such as ExpiresAt or
// Data.DueAt is midnight of that date in Data.Location.
type Item struct {
	Title, Kind string
	ExpiresAt   time.Time
	// DaysLeft is how many calendar days remain until ExpiresAt, counted
	// from the day the reminder is made (0 = it ends today); the e-mail's
	// table shows it.
	DaysLeft int
}

// prepare returns d as templates see it: the locale normalised and its
// times moved into the branch time zone, so date and datetime print the
// wall-clock time the customer's workshop uses.
func prepare(d Data) Data {
	d.Locale = NormalizeLocale(d.Locale)
	if d.Location == nil {
		d.Location = time.UTC
	}
	d.PromisedAt = inZone(d.PromisedAt, d.Location)
	d.DueAt = inZone(d.DueAt, d.Location)
	d.BookingAt = inZone(d.BookingAt, d.Location)
	if d.Items != nil {
		items := make([]Item, len(d.Items)) // the caller's slice stays as it was
		for i, it := range d.Items {
			it.ExpiresAt = inZone(it.ExpiresAt, d.Location)
			items[i] = it
		}
		d.Items = items
	}
	return d
}

// inZone moves a known time into loc; the zero time stays zero (unknown).
func inZone(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(loc)
}
