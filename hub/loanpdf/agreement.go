// Package loanpdf draws a signed courtesy-car (loaner) agreement as an A4
// PDF: the branch and the customer, the car, its fuel and odometer at
// handover, the deposit, the terms, the drawn signature and an audit block
// (issue #20). Pure Go (fpdf with the embedded Go fonts, which have Polish
// and Cyrillic letters), so the hub needs no external tool, and
// deterministic: the same agreement gives the same bytes, so the SHA-256
// stored with it (Digest) can be checked again later.
package loanpdf

import "time"

// Agreement is everything the PDF shows. Render validates it (see
// validate.go for the limits) and only draws it, so it is tested without a
// database.
type Agreement struct {
	Branch   Branch
	Customer Customer
	Car      Car
	// Zone is the branch's time zone: every time is printed in it.
	Zone *time.Location
	// HandoverAt is when the car is handed over, DueBackAt when it is due
	// back (after HandoverAt).
	HandoverAt, DueBackAt time.Time
	// FuelEighths is the fuel gauge at handover, 0 (empty) to 8 (full).
	FuelEighths int
	// OdometerKm is the odometer at handover.
	OdometerKm int
	// Deposit is the deposit the branch asks for, and how it is taken;
	// nil for none.
	Deposit *Deposit
	// Terms is the branch's own terms text; "" prints the package's default
	// terms in the reader's language (DefaultTerms).
	Terms     string
	Signature Signature
}

// Branch is the lending service centre.
type Branch struct {
	Name, Address, Phone string
}

// Customer is the borrower.
type Customer struct {
	FullName, Phone string
}

// Car is the courtesy car.
type Car struct {
	Plate, VIN, Model string
}

// Deposit is an amount in minor units of an ISO 4217 currency, and how
// it is taken: a hold on the customer's card through the branch's payment
// provider, or paid at the service desk (cash or the card terminal).
type Deposit struct {
	Minor    int64
	Currency string
	// AtDesk: paid at the service desk and given back at the return, less
	// what the terms allow to keep; false: held on the card. Left out of
	// DocumentID's content when false, so a card-hold agreement keeps the
	// id it had before the field existed (an offer not yet signed is
	// still signable), while a desk one, which used to say "held on the
	// card", gets a new id: its page then tells the customer the
	// agreement changed.
	AtDesk bool `json:",omitempty"`
}

// Signature is the customer's signing: what they typed, drew and agreed
// to, and where from.
type Signature struct {
	FullName  string // typed by the signer
	PNG       []byte // the drawn signature, a PNG from the signing page's canvas
	Consent   string // the consent sentence the signer ticked, in their words
	SignedAt  time.Time
	IP        string
	UserAgent string // cut to MaxUserAgent runes when longer
}
