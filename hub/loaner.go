package hub

import (
	"fmt"
	"slices"
	"time"
)

// Courtesy cars (issue 20): the fleet of loaners a branch lends while the
// customer's own car is in the workshop, and what the branch sets for
// lending them. The store keeps both (hub/store/loaner*.go); the rules of
// a car's state are here, with no database.

// Fuels a courtesy car runs on.
const (
	FuelPetrol   = "petrol"
	FuelDiesel   = "diesel"
	FuelHybrid   = "hybrid"
	FuelElectric = "electric"
	FuelLPG      = "lpg"
)

// CarFuels lists the fuels in the order pages show them.
func CarFuels() []string {
	return []string{FuelPetrol, FuelDiesel, FuelHybrid, FuelElectric, FuelLPG}
}

// IsCarFuel tells whether fuel is one of CarFuels.
func IsCarFuel(fuel string) bool { return slices.Contains(CarFuels(), fuel) }

// States of a courtesy car, in the order of one loan: free to offer,
// promised to a customer, with the customer, back at the branch, being
// cleaned for the next one.
const (
	CarAvailable = "available"
	CarReserved  = "reserved"
	CarOut       = "out"
	CarReturned  = "returned"
	CarCleaning  = "cleaning"
)

// CarStates lists the states in the order of a loan.
func CarStates() []string {
	return []string{CarAvailable, CarReserved, CarOut, CarReturned, CarCleaning}
}

// IsCarState tells whether state is one of CarStates.
func IsCarState(state string) bool { return slices.Contains(CarStates(), state) }

// carMoves are the moves of a loan's normal course; reserved → available
// is an offer withdrawn before the key left. Anything else (a car back
// out of cleaning, a loan cut short in the books) is a staff override.
var carMoves = map[string][]string{
	CarAvailable: {CarReserved},
	CarReserved:  {CarOut, CarAvailable},
	CarOut:       {CarReturned},
	CarReturned:  {CarCleaning},
	CarCleaning:  {CarAvailable},
}

// CarMoveAllowed tells whether a car may go from one state to another in
// a loan's normal course (no override).
func CarMoveAllowed(from, to string) bool { return slices.Contains(carMoves[from], to) }

// CarMovesFrom lists the states a car in state may go to without override.
func CarMovesFrom(state string) []string { return slices.Clone(carMoves[state]) }

// CarBusy tells whether a car in state is promised to or with a customer:
// such a car is not retired.
func CarBusy(state string) bool { return state == CarReserved || state == CarOut }

// CourtesyCar is one loaner of a branch. Cars are retired, never deleted:
// the loans of next session name them.
type CourtesyCar struct {
	ID        int64
	BranchID  int64
	Plate     string // as the admin typed it, upper case, single spaces
	PlateKey  string // Plate without spaces and dashes, Cyrillic look-alikes as Latin: unique per branch among the cars in use
	VIN       string `gorm:"column:vin"` // 17 characters or empty
	Model     string
	Fuel      string
	State     string
	Note      string
	CreatedAt time.Time
	UpdatedAt time.Time
	RetiredAt *time.Time
}

// TableName is the fleet's table.
func (CourtesyCar) TableName() string { return "courtesy_cars" }

// Identity methods a branch checks a borrower's identity with.
const (
	IdentityManual = "manual" // the customer photographs their papers, an advisor compares
	IdentityStripe = "stripe" // Stripe Identity: document and selfie
)

// IdentityMethods lists the methods in the order pages show them.
func IdentityMethods() []string { return []string{IdentityManual, IdentityStripe} }

// Bounds and default of how long identity photos are kept after a loan.
const (
	DefaultPhotoRetentionDays = 30
	MinPhotoRetentionDays     = 1
	MaxPhotoRetentionDays     = 365
)

// Bounds and default of how long the car's photos (pickup and return) are
// kept after a loan: longer than the identity photos, they are the
// evidence of a damage dispute.
const (
	DefaultCarPhotoRetentionDays = 180
	MinCarPhotoRetentionDays     = 1
	MaxCarPhotoRetentionDays     = 1825
)

// LoanSettings is what a branch sets for lending its courtesy cars. A
// branch that never saved them has DefaultLoanSettings.
type LoanSettings struct {
	BranchID           int64
	IdentityMethod     string
	PhotoRetentionDays int // identity photos are deleted this many days after the loan ends
	// CarPhotoRetentionDays: the car's photos are deleted this many days
	// after the loan ends (read when the purge runs), not while the
	// return's staff task is open.
	CarPhotoRetentionDays int
	DepositMinor          int64  // 0: no deposit
	DepositCurrency       string // ISO 4217; empty when there is no deposit
	TermsRU               string `gorm:"column:terms_ru"` // the branch's own loan terms per language; empty: the standard terms
	TermsPL               string `gorm:"column:terms_pl"`
	TermsEN               string `gorm:"column:terms_en"`
	UpdatedAt             time.Time
}

// TableName is the settings' table.
func (LoanSettings) TableName() string { return "branch_loan_settings" }

// DefaultLoanSettings are a branch's settings before an admin saves any:
// the manual check, identity photos kept 30 days, the car's 180, no deposit, the standard terms.
func DefaultLoanSettings(branchID int64) LoanSettings {
	return LoanSettings{BranchID: branchID, IdentityMethod: IdentityManual, PhotoRetentionDays: DefaultPhotoRetentionDays,
		CarPhotoRetentionDays: DefaultCarPhotoRetentionDays}
}

// ProblemTaken is an InvalidField's problem: the value is used by another
// record (a plate of another car of the branch).
const ProblemTaken = "taken"

// CarMoveRefused is a state change a car may not make without override,
// or a retirement of a car that is reserved or out.
type CarMoveRefused struct {
	From, To string // To is "retired" for a retirement
}

func (e *CarMoveRefused) Error() string {
	return fmt.Sprintf("courtesy car may not go from %s to %s", e.From, e.To)
}
