package loanpdf

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"strings"
	"time"
)

// DocumentID is a stable id of what is agreed, printed in the PDF: the same
// branch, customer, car, times, handover state, deposit, terms and language
// give the same id. The signature is not part of it, so the signing page
// can show the id before the signature and the signing can refuse an
// agreement that changed in between (compare the ids).
func DocumentID(a Agreement, locale string) string {
	locale = normalizeLocale(locale)
	content := struct {
		Locale                string
		Branch                Branch
		Customer              Customer
		Car                   Car
		Zone                  string
		HandoverAt, DueBackAt string
		FuelEighths           int
		OdometerKm            int
		Deposit               *Deposit
		Terms                 string
	}{
		Locale: locale, Branch: a.Branch, Customer: a.Customer, Car: a.Car,
		Zone:       zoneName(a.Zone),
		HandoverAt: a.HandoverAt.UTC().Format(time.RFC3339Nano), DueBackAt: a.DueBackAt.UTC().Format(time.RFC3339Nano),
		FuelEighths: a.FuelEighths, OdometerKm: a.OdometerKm, Deposit: a.Deposit,
		Terms: termsFor(a, locale),
	}
	// Marshalling a struct of strings and numbers cannot fail, and its
	// field order is fixed, so the bytes are stable.
	b, _ := json.Marshal(content)
	sum := sha256.Sum256(b)
	id := base32.StdEncoding.EncodeToString(sum[:10]) // 80 bits, 16 letters
	return "LA-" + strings.Join([]string{id[0:4], id[4:8], id[8:12], id[12:16]}, "-")
}

func zoneName(z *time.Location) string {
	if z == nil {
		return ""
	}
	return z.String()
}
