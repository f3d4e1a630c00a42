package hub

import (
	"slices"
	"time"
)

// A loan (issue 20) is one courtesy car lent to the customer of a work
// order's thread: the advisor offers it, the customer opens their link
// (/l/<token>), proves who they are, signs the agreement and, when the
// branch asks, leaves a deposit; then the key compartment's PIN lets them
// take the key, and the car comes back by the drop-off code. The store
// keeps loans (hub/store/loan*.go); the rules are here, with no database.

// States of a loan's course. The three conditions for the key (identity,
// signature, deposit) are met in any order while the loan is offered, so
// they are fields of their own (Loan.Ready), not states.
const (
	LoanOffered   = "offered"   // promised; the customer verifies, signs, pays the deposit
	LoanOut       = "out"       // the key left the locker or the desk
	LoanReturned  = "returned"  // the car is back; fuel and odometer read, deposit being settled
	LoanClosed    = "closed"    // settled: nothing more happens
	LoanWithdrawn = "withdrawn" // staff took the offer back before the key left
	LoanRefused   = "refused"   // staff refused the identity check: the key never leaves
)

// LoanStates lists the states in the order of a loan.
func LoanStates() []string {
	return []string{LoanOffered, LoanOut, LoanReturned, LoanClosed, LoanWithdrawn, LoanRefused}
}

// loanMoves are the moves of a loan's course.
var loanMoves = map[string][]string{
	LoanOffered:  {LoanOut, LoanWithdrawn, LoanRefused},
	LoanOut:      {LoanReturned},
	LoanReturned: {LoanClosed},
}

// LoanMoveAllowed tells whether a loan may go from one state to another.
func LoanMoveAllowed(from, to string) bool { return slices.Contains(loanMoves[from], to) }

// LoanOpen tells whether a loan in state still holds its car: the car is
// promised or with the customer. One open loan per car (loans_open_car).
func LoanOpen(state string) bool { return state == LoanOffered || state == LoanOut }

// LoanEnded tells whether a loan in state is over for the customer: its
// link shows the end, its identity photos wait for the purge.
func LoanEnded(state string) bool {
	return state == LoanClosed || state == LoanWithdrawn || state == LoanRefused || state == LoanReturned
}

// States of a loan's identity check.
const (
	IdentityPending    = "pending"    // nothing from the customer yet
	IdentitySubmitted  = "submitted"  // manual: photos in, waiting for an advisor
	IdentityProcessing = "processing" // Stripe: submitted, Stripe is checking
	IdentityVerified   = "verified"   // accepted (by an advisor, or Stripe)
	IdentityRefused    = "refused"    // refused by an advisor; Stripe's failed tries stay pending with IdentityError set
)

// identityRank orders identity states so that a late webhook never moves a
// check backwards (Stripe sends events in no guaranteed order).
var identityRank = map[string]int{IdentityPending: 0, IdentitySubmitted: 1, IdentityProcessing: 1, IdentityVerified: 2, IdentityRefused: 2}

// IdentityForward tells whether a check may go from one state to another:
// only forward, and never out of verified or refused.
func IdentityForward(from, to string) bool {
	if from == to {
		return false
	}
	if from == IdentityVerified || from == IdentityRefused {
		return false
	}
	// A failed Stripe try goes back to pending (the customer tries again).
	if from == IdentityProcessing && to == IdentityPending {
		return true
	}
	return identityRank[to] >= identityRank[from]
}

// States of a loan's deposit.
const (
	DepositNone     = "none"     // the branch asks for none
	DepositRequired = "required" // asked, not held yet
	DepositHeld     = "held"     // a card hold is in place
	DepositCaptured = "captured" // (part of) the hold was taken at return
	DepositReleased = "released" // the hold was let go at return
	DepositFailed   = "failed"   // the hold was refused; the customer may try again

	// A deposit left at the desk (cash or the card terminal), recorded by
	// an advisor: every branch can take one, with or without online
	// payments. At the return the advisor gives it back or keeps part or
	// all of it (Loan.DepositKeptMinor); no payment provider is involved.
	DepositDesk         = "desk"          // taken at the desk
	DepositDeskReturned = "desk_returned" // given back to the customer in full
	DepositDeskKept     = "desk_kept"     // DepositKeptMinor kept, the rest given back
)

// DepositAtDesk tells whether a deposit status is one of the desk's.
func DepositAtDesk(status string) bool {
	return status == DepositDesk || status == DepositDeskReturned || status == DepositDeskKept
}

// DepositDue tells whether the customer still has to leave the deposit
// (online or at the desk) before the key.
func (l Loan) DepositDue() bool {
	return l.DepositStatus == DepositRequired || l.DepositStatus == DepositFailed
}

// Kinds of the manual identity check's photos, in the order the page asks
// for them.
const (
	IDPhotoIDFront      = "id_front"
	IDPhotoIDBack       = "id_back"
	IDPhotoLicenceFront = "licence_front"
	IDPhotoLicenceBack  = "licence_back"
	IDPhotoSelfie       = "selfie"
)

// IDPhotoKinds lists the manual check's photos in the order asked.
func IDPhotoKinds() []string {
	return []string{IDPhotoIDFront, IDPhotoIDBack, IDPhotoLicenceFront, IDPhotoLicenceBack, IDPhotoSelfie}
}

// IsIDPhotoKind tells whether kind is one of IDPhotoKinds.
func IsIDPhotoKind(kind string) bool { return slices.Contains(IDPhotoKinds(), kind) }

// Loan is one courtesy-car loan. Version guards every update: the store
// writes a loan only if nobody changed it since it was read.
type Loan struct {
	ID            int64
	BranchID      int64
	ThreadID      int64
	WorkOrderID   *int64
	CarID         int64
	TokenHash     string // HashToken of the customer's link token
	State         string
	Locale        string // the customer's language: the page, the agreement, the messages
	CustomerName  string
	CustomerPhone string

	// The agreement's terms, fixed at the offer: what the customer signs.
	HandoverAt  time.Time
	DueBackAt   time.Time
	FuelEighths int // fuel gauge at handover, 0 (empty) to 8 (full)
	OdometerKm  int
	Terms       string // the branch's terms in Locale at the offer; "" the standard ones

	DepositMinor     int64
	DepositCurrency  string
	DepositStatus    string
	DepositPaymentID *int64
	DepositKeptMinor int64 // of a deposit left at the desk: what was kept at the return

	IdentityMethod     string // IdentityManual or IdentityStripe
	IdentityStatus     string
	IdentityProviderID string // Stripe's verification session
	IdentityError      string // why the last try failed or the check was refused
	IdentityCheckedBy  string // the advisor who approved or refused a manual check
	IdentityCheckedAt  *time.Time

	// The signature: the agreement's DocumentID signed, by whom, from where.
	DocumentID         string
	SignedName         string
	SignedAt           *time.Time
	SignedIP           string `gorm:"column:signed_ip"`
	SignedUserAgent    string
	AgreementSHA256    string `gorm:"column:agreement_sha256"` // of the signed PDF
	AgreementMessageID *int64 // the thread's message carrying the signed PDF

	ReturnFuelEighths *int
	ReturnOdometerKm  *int

	OfferedBy     string
	OutAt         *time.Time
	ReturnedAt    *time.Time
	EndedAt       *time.Time
	PhotosPurgeAt *time.Time // when the identity photos are deleted
	Version       int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TableName is the loans' table.
func (Loan) TableName() string { return "loans" }

// Signed tells whether the customer has signed the agreement.
func (l Loan) Signed() bool { return l.SignedAt != nil }

// DepositSettled tells whether the deposit no longer stands between the
// customer and the key: none asked, held on the card, or left at the desk.
func (l Loan) DepositSettled() bool {
	return l.DepositStatus == DepositNone || l.DepositStatus == DepositHeld || l.DepositStatus == DepositDesk
}

// Ready tells whether the key may be released: the loan is offered, the
// identity verified, the agreement signed and the deposit held or left at
// the desk (or none asked).
func (l Loan) Ready() bool {
	return l.State == LoanOffered && l.IdentityStatus == IdentityVerified && l.Signed() && l.DepositSettled()
}

// MayCheckByPhotos tells whether a loan's Stripe check may move to the
// manual one (the customer's five photos, an advisor compares them): the
// loan is offered and Stripe has nothing of the customer's being checked
// or accepted (pending: never tried, or a failed try). Used when the
// branch's Stripe cannot be used, or on the advisor's decision.
func (l Loan) MayCheckByPhotos() bool {
	return l.State == LoanOffered && l.IdentityMethod == IdentityStripe && l.IdentityStatus == IdentityPending
}

// CheckByPhotos moves the loan's check to the manual one, from the start.
// The Stripe verification is forgotten, so a late event of it changes
// nothing (the identity service matches events by it).
func (l *Loan) CheckByPhotos() {
	l.IdentityMethod, l.IdentityStatus = IdentityManual, IdentityPending
	l.IdentityProviderID, l.IdentityError = "", ""
}

// LoanIdentityFile is one photo of a manual identity check. Staff only:
// never on a customer page or in the DMS feed. PurgedAt is set when the
// file is deleted after the retention; the row stays as the record.
type LoanIdentityFile struct {
	ID          int64
	LoanID      int64
	Kind        string
	MediaPath   string // the file in media storage
	ContentType string
	SizeBytes   int64
	SHA256      string `gorm:"column:sha256"`
	CreatedAt   time.Time
	PurgedAt    *time.Time
}

// TableName is the identity photos' table.
func (LoanIdentityFile) TableName() string { return "loan_identity_files" }
