package hub

import "time"

// A digital inspection: the mechanic goes through the car item by item,
// marks each green, yellow or red with a measurement, a note and photos,
// and the customer approves the priced work looking at that evidence
// (docs/inspection.md). One inspection per work order.

// Item states, worst last. "" is an item not looked at yet.
const (
	ItemGreen  = "green"  // fine
	ItemYellow = "yellow" // needs attention soon
	ItemRed    = "red"    // needs work now
)

// ItemStates are the states an item may be set to, best first (the order
// of the mechanic's buttons).
func ItemStates() []string { return []string{ItemGreen, ItemYellow, ItemRed} }

// StatesWorstFirst is the order of a report's groups: red, yellow, green.
func StatesWorstFirst() []string { return []string{ItemRed, ItemYellow, ItemGreen} }

// ValidItemState tells whether s is a state an item may hold ("" too: not
// looked at).
func ValidItemState(s string) bool {
	return s == "" || s == ItemGreen || s == ItemYellow || s == ItemRed
}

// FreeItemPrefix starts the code of an item the mechanic added outside the
// checklist: "free-1", "free-2", …
const FreeItemPrefix = "free-"

// Inspection is the inspection of one work order.
type Inspection struct {
	ID          int64
	WorkOrderID int64
	BranchID    int64
	ThreadID    int64
	StartedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Revision grows with every edit; SentRevision is the revision the DMS
	// last got (0: never sent). Sent again only when they differ.
	Revision         int64
	SentRevision     int64
	SentAt           *time.Time
	SentBy           string
	CustomerOpenedAt *time.Time // first time the customer opened the report after it was sent
}

// Sent tells whether the DMS (and so the customer's report) has it.
func (i Inspection) Sent() bool { return i.SentRevision > 0 }

// Unsent tells whether it holds edits the DMS has not got.
func (i Inspection) Unsent() bool { return i.Revision > i.SentRevision }

// InspectionItem is one item of an inspection.
type InspectionItem struct {
	ID           int64
	InspectionID int64
	Code         string // the checklist's code, or FreeItemPrefix+n
	Position     int
	Name         string // in the branch's language when it was added
	State        string // "", ItemGreen, ItemYellow, ItemRed
	Value        string // a measurement as a decimal with a dot ("4.5"); "" for none
	Unit         string // "mm", "%", "V", …
	Note         string // the mechanic's "why"
	Hidden       bool   // left out of the report and the DMS change
	UpdatedAt    time.Time
	UpdatedBy    string
}

// TableName pins the table name.
func (InspectionItem) TableName() string { return "inspection_items" }

// Reported tells whether the item is part of what the customer and the
// DMS get: looked at (it has a state) and not hidden by the advisor. The
// store's SQL says the same in store.reportedItem.
func (i InspectionItem) Reported() bool { return !i.Hidden && i.State != "" }

// ItemName is the item's name in locale: the checklist's own word for a
// checklist item, so a Polish customer of a Russian branch reads Polish;
// the stored name for a free item or a code the checklist no longer has.
func ItemName(i InspectionItem, checklist []ChecklistItem, locale string) string {
	for _, c := range checklist {
		if c.Code == i.Code {
			return c.Name(locale)
		}
	}
	return i.Name
}

// InspectionMedia is one photo or video of an item, stored in Media by
// its hash; ThumbSHA256 names a small JPEG for lists ("" when none could be
// made: HEIC, a video).
type InspectionMedia struct {
	ID          int64
	ItemID      int64
	UploadKey   string // the page's id of the upload: a retry stores nothing twice
	SHA256      string `gorm:"column:sha256"`
	Name        string
	ContentType string
	SizeBytes   int64
	ThumbSHA256 string `gorm:"column:thumb_sha256"`
	CreatedAt   time.Time
	CreatedBy   string
}

// TableName pins the table name.
func (InspectionMedia) TableName() string { return "inspection_media" }

// ChecklistItem is one row of a branch's inspection checklist.
type ChecklistItem struct {
	ID       int64
	BranchID int64
	Code     string // stable: items and DMS lines refer to it
	Position int
	Section  string // "tyres", "brakes", "fluids", …
	NameRu   string
	NamePl   string
	NameEn   string
	Unit     string // a measurement's unit; "" when the item has none
}

// Name is the item's name in locale (ru, pl or en), Russian otherwise.
func (c ChecklistItem) Name(locale string) string {
	switch {
	case locale == "pl" && c.NamePl != "":
		return c.NamePl
	case locale == "en" && c.NameEn != "":
		return c.NameEn
	}
	return c.NameRu
}

// DeclinedWork is a red or yellow item whose priced line the customer
// declined, remembered on the vehicle: shown to the advisor on the next
// work order and offered again once by a reminder after OfferAfter.
type DeclinedWork struct {
	ID          int64
	VehicleID   int64
	BranchID    int64
	WorkOrderID int64
	ItemCode    string
	Name        string
	State       string
	Note        string
	TotalMinor  int64
	Currency    string
	DeclinedAt  time.Time
	OfferAfter  time.Time
	OfferedAt   *time.Time
	ClosedAt    *time.Time
}

// TableName pins the table name.
func (DeclinedWork) TableName() string { return "declined_work" }
