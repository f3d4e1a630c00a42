package hub

import (
	"slices"
	"time"
)

// Photos of a courtesy car (issue 20): at the pickup and at the return the
// customer (or staff at the desk) photographs the car's four sides, the
// fuel gauge and the odometer, so both sides have evidence of the car as
// it left and as it came back. Unlike the identity photos they are shown
// back to the customer. At the return the customer may also give their
// reading of the fuel gauge and the odometer and tick that they noticed
// damage; less fuel than at the handover, or damage, opens a staff task
// (hub/store/loan_return_check.go). The rules are here, with no database.

// The two sets of a loan's car photos.
const (
	CarPhotoPickup = "pickup" // as the car left
	CarPhotoReturn = "return" // as it came back
)

// CarPhotoSets lists the sets, pickup first: the staff card shows them side
// by side in this order.
func CarPhotoSets() []string { return []string{CarPhotoPickup, CarPhotoReturn} }

// IsCarPhotoSet tells whether set is one of CarPhotoSets.
func IsCarPhotoSet(set string) bool { return slices.Contains(CarPhotoSets(), set) }

// Kinds of a car photo, in the order the page asks for them: round the car,
// then the dashboard.
const (
	CarPhotoFront    = "front"
	CarPhotoBack     = "back"
	CarPhotoLeft     = "left"
	CarPhotoRight    = "right"
	CarPhotoFuel     = "fuel"
	CarPhotoOdometer = "odometer"
)

// CarPhotoKinds lists the kinds in the order asked.
func CarPhotoKinds() []string {
	return []string{CarPhotoFront, CarPhotoBack, CarPhotoLeft, CarPhotoRight, CarPhotoFuel, CarPhotoOdometer}
}

// IsCarPhotoKind tells whether kind is one of CarPhotoKinds.
func IsCarPhotoKind(kind string) bool { return slices.Contains(CarPhotoKinds(), kind) }

// Who took a car photo.
const (
	CarPhotoByCustomer = "customer" // on the loan page
	CarPhotoByStaff    = "staff"    // at the desk, from the inbox's loan card
)

// PickupPhotoWindow is how long after the key left the customer may still
// send the pickup set: they photograph the car in the car park after
// taking the key, not days later.
const PickupPhotoWindow = 12 * time.Hour

// MaxDamageNote is the longest note, in characters, the customer may add to
// the damage they noticed.
const MaxDamageNote = 500

// MaxOdometerKm is the largest odometer reading a form takes.
const MaxOdometerKm = 2_000_000

// CustomerMayPhoto tells whether the customer's page takes a photo of set
// for loan l at now: the pickup set once the loan is ready for its key and
// until PickupPhotoWindow after the key left; the return set while the car
// is out (the key not yet dropped off or handed in).
func CustomerMayPhoto(l Loan, set string, now time.Time) bool {
	switch set {
	case CarPhotoPickup:
		if l.State == LoanOffered {
			return l.Ready()
		}
		return l.State == LoanOut && l.OutAt != nil && now.Before(l.OutAt.Add(PickupPhotoWindow))
	case CarPhotoReturn:
		return l.State == LoanOut
	}
	return false
}

// StaffMayPhoto tells whether staff may add a photo of set for loan l: the
// pickup set while the loan is offered or out, the return set while it is
// out or returned (a car brought back through the locker is photographed
// by staff afterwards).
func StaffMayPhoto(l Loan, set string) bool {
	switch set {
	case CarPhotoPickup:
		return l.State == LoanOffered || l.State == LoanOut
	case CarPhotoReturn:
		return l.State == LoanOut || l.State == LoanReturned
	}
	return false
}

// LoanCarPhoto is the current photo of one kind of one set of a loan; a
// retake replaces it (the row and, when nothing else names it, the file).
type LoanCarPhoto struct {
	ID          int64
	LoanID      int64
	PhotoSet    string // CarPhotoPickup or CarPhotoReturn
	Kind        string // one of CarPhotoKinds
	MediaPath   string // the file in media storage (its SHA-256)
	ContentType string
	SizeBytes   int64
	SHA256      string `gorm:"column:sha256"`
	TakenBy     string // CarPhotoByCustomer or CarPhotoByStaff
	StaffName   string // who at the desk, when TakenBy is staff
	CreatedAt   time.Time
	PurgedAt    *time.Time // the file was deleted after the branch's retention
	// ThumbSHA256 is the thumbnail's file (a JPEG, hub.MakeThumbnail) in
	// media storage; "" when none was made (HEIC, WebP).
	ThumbSHA256 string `gorm:"column:thumb_sha256"`
}

// TableName is the car photos' table.
func (LoanCarPhoto) TableName() string { return "loan_car_photos" }

// LoanReturnReport is what is known of a loan's return beyond the loan's
// own row: the customer's reading of the fuel gauge and the odometer and
// the damage they noticed (ReportedAt set once they sent it), and the
// staff task the return opened, once (TaskID, CheckedAt).
type LoanReturnReport struct {
	LoanID      int64 `gorm:"primaryKey;autoIncrement:false"`
	FuelEighths *int
	OdometerKm  *int
	Damage      bool
	DamageNote  string
	// DamageBy is the staff member who ticked "damage noticed" at the
	// desk's return; "" when the customer reported it (or nobody did).
	DamageBy   string
	ReportedAt *time.Time
	TaskID     *int64
	CheckedAt  *time.Time
	UpdatedAt  time.Time
}

// TableName is the return reports' table.
func (LoanReturnReport) TableName() string { return "loan_return_reports" }

// ReturnFuel is the fuel a loan came back with: staff's reading at the
// desk when there is one, else the customer's; nil when nobody read it.
func ReturnFuel(l Loan, r LoanReturnReport) *int {
	if l.ReturnFuelEighths != nil {
		return l.ReturnFuelEighths
	}
	return r.FuelEighths
}

// LessFuelBack tells whether a loan came back with less fuel than it left
// with, as far as anyone read the gauge.
func LessFuelBack(l Loan, r LoanReturnReport) bool {
	fuel := ReturnFuel(l, r)
	return fuel != nil && *fuel < l.FuelEighths
}
