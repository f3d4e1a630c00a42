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
	Text                                  string         // advisor text for message.advisor
	DocumentName                          string         // for document.ready
	Code                                  string         // locker drop-off code or pickup PIN, for locker.*
	PromisedAt                            time.Time      // zero = unknown
	Currency                              string         // ISO 4217, e.g. RUB, PLN, EUR
	TotalMinor                            int64          // integer minor units (kopecks, grosze)
	Lines                                 []Line         // lines awaiting approval
	Location                              *time.Location // branch time zone; nil = UTC
	Locale                                string         // ru | pl | en
}

// Line is one work-order line awaiting the customer's approval.
type Line struct {
	Name       string
	TotalMinor int64 // integer minor units of Data.Currency
}

// prepare returns d as templates see it: the locale normalised and
// PromisedAt moved into the branch time zone, so date and datetime print the
// wall-clock time the customer's workshop uses.
func prepare(d Data) Data {
	d.Locale = NormalizeLocale(d.Locale)
	if d.Location == nil {
		d.Location = time.UTC
	}
	if !d.PromisedAt.IsZero() {
		d.PromisedAt = d.PromisedAt.In(d.Location)
	}
	return d
}
