// Package inspectionpdf draws a work order's inspection and the customer's
// decisions as a PDF: the customer downloads it from their page, staff from
// the thread, and a copy is kept with the work order for the DMS once the
// customer confirms their decisions. Pure Go (fpdf with the Go fonts, whose
// WGL4 set has Cyrillic and Polish letters), so the hub needs no external
// tool to make it.
package inspectionpdf

// Report is everything the PDF shows, already in the reader's words:
// Render only draws it, so it is tested without a database.
type Report struct {
	Texts       Texts
	BranchName  string
	BranchPhone string
	WorkOrder   string // the work order's number
	Vehicle     string // make, model, plate
	VIN         string
	Date        string // when the report was made, in the branch's zone
	Mechanic    string // who started the inspection
	Items       []Item // in checklist order; Render groups them red, yellow, green
	Lines       []Line // the lines that waited for the customer's approval
	Total       string // the work order's total after the decisions; "" for none
}

// Item is one inspected item.
type Item struct {
	Name   string
	State  string // hub.ItemRed, hub.ItemYellow, hub.ItemGreen
	Value  string // a measurement with its unit in the reader's notation ("2,5 мм"), "" for none
	Note   string
	Thumbs [][]byte // up to MaxThumbs small JPEGs; more are left out
}

// MaxThumbs is how many photos of an item the report shows.
const MaxThumbs = 4

// MaxReportThumbs is how many photos the whole report shows, the worst
// items' first: an inspection has no limit on items or photos, and the
// PDF is made on every download, so its size and the time to make it
// must not grow with them (800 thumbnails made a 70 MB file in seconds).
const MaxReportThumbs = 48

// Line is one priced line the customer decided on (or has yet to).
type Line struct {
	Name     string
	Decision string // hub.DecisionApproved, hub.DecisionDeclined, "" undecided
	State    string // the state of the inspection item the line prices; "" for a line of its own
	Total    string // formatted with its currency
}
