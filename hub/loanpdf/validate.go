package loanpdf

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"naryad/templates"
)

// Limits on the agreement's texts, in runes: each is drawn on an A4 page,
// and the terms and the signer's texts come from a branch's admin and a
// customer's phone, so nothing may grow the PDF without bound.
const (
	MaxName      = 200   // branch, customer and signer names, the car's model
	MaxAddress   = 300   // the branch's address
	MaxPhone     = 40    // phone numbers as written
	MaxPlate     = 20    // a number plate
	MaxVIN       = 40    // a VIN (17 letters; some DMSs add spaces)
	MaxConsent   = 1000  // the consent sentence
	MaxTerms     = 20000 // the terms, about six A4 pages
	MaxUserAgent = 512   // the browser's User-Agent; a longer one is cut, not refused
	MaxOdometer  = 9_999_999
)

// ErrInvalid is wrapped by every *InvalidError, for errors.Is.
var ErrInvalid = fmt.Errorf("loan agreement: invalid")

// InvalidError says which field of an Agreement Render refused and why;
// the field names are the struct's ("Signature.PNG"), so a page can point
// at the input to fix.
type InvalidError struct {
	Field  string
	Reason string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("loan agreement: %s: %s", e.Field, e.Reason)
}

func (e *InvalidError) Unwrap() error { return ErrInvalid }

func invalid(field, format string, args ...any) error {
	return &InvalidError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// validate returns the first problem of a, nil when it can be drawn. The
// signature's image is checked by signatureImage.
func validate(a Agreement) error {
	texts := []struct {
		field, value string
		max          int
		required     bool
	}{
		{"Branch.Name", a.Branch.Name, MaxName, true},
		{"Branch.Address", a.Branch.Address, MaxAddress, false},
		{"Branch.Phone", a.Branch.Phone, MaxPhone, false},
		{"Customer.FullName", a.Customer.FullName, MaxName, true},
		{"Customer.Phone", a.Customer.Phone, MaxPhone, false},
		{"Car.Plate", a.Car.Plate, MaxPlate, true},
		{"Car.VIN", a.Car.VIN, MaxVIN, false},
		{"Car.Model", a.Car.Model, MaxName, false},
		{"Terms", a.Terms, MaxTerms, false},
		{"Signature.FullName", a.Signature.FullName, MaxName, true},
		{"Signature.Consent", a.Signature.Consent, MaxConsent, true},
	}
	for _, t := range texts {
		// The length is checked on the bytes first: counting the runes of
		// a megabyte only to refuse it is wasted work.
		if len(t.value) > 4*t.max || utf8.RuneCountInString(t.value) > t.max {
			return invalid(t.field, "longer than %d characters", t.max)
		}
		if !utf8.ValidString(t.value) || strings.ContainsRune(t.value, 0) {
			return invalid(t.field, "not valid text")
		}
		if t.required && strings.TrimSpace(t.value) == "" {
			return invalid(t.field, "empty")
		}
	}
	if a.Zone == nil {
		return invalid("Zone", "missing: times are printed in the branch's zone")
	}
	if a.HandoverAt.IsZero() {
		return invalid("HandoverAt", "missing")
	}
	if !a.DueBackAt.After(a.HandoverAt) {
		return invalid("DueBackAt", "not after the handover")
	}
	if a.FuelEighths < 0 || a.FuelEighths > 8 {
		return invalid("FuelEighths", "%d is not 0 to 8 eighths", a.FuelEighths)
	}
	if a.OdometerKm < 0 || a.OdometerKm > MaxOdometer {
		return invalid("OdometerKm", "%d is not 0 to %d km", a.OdometerKm, MaxOdometer)
	}
	if d := a.Deposit; d != nil {
		if d.Minor <= 0 {
			return invalid("Deposit.Minor", "not a positive amount (nil Deposit means none)")
		}
		if _, err := templates.Money("en", d.Minor, d.Currency); err != nil {
			return invalid("Deposit.Currency", "%q is not a known currency", d.Currency)
		}
	}
	if a.Signature.SignedAt.IsZero() {
		return invalid("Signature.SignedAt", "missing")
	}
	if _, err := netip.ParseAddr(a.Signature.IP); err != nil {
		return invalid("Signature.IP", "%q is not an IP address", a.Signature.IP)
	}
	if !utf8.ValidString(a.Signature.UserAgent) {
		return invalid("Signature.UserAgent", "not valid text")
	}
	return nil
}
