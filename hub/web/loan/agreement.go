package loan

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"naryad/hub"
	"naryad/hub/loanpdf"
	"naryad/templates"
)

// agreementData is what the agreement is made of besides the loan: its
// branch, the branch's address and clock, and the car.
type agreementData struct {
	branch  hub.Branch
	address string
	car     hub.CourtesyCar
	zone    *time.Location
	doc     loanpdf.Agreement // without the signature
}

// loadAgreement reads the loan's branch and car and builds the agreement
// the customer reads and signs. The page shows it, its DocumentID goes in
// the signing form, and the signing builds it again: a different id then
// means the agreement changed in between.
func (h *Handler) loadAgreement(ctx context.Context, l hub.Loan) (agreementData, error) {
	b, err := h.store.Branch(ctx, l.BranchID)
	if err != nil {
		return agreementData{}, fmt.Errorf("loan %d: branch: %w", l.ID, err)
	}
	booking, err := h.store.BranchBooking(ctx, l.BranchID)
	if err != nil {
		return agreementData{}, fmt.Errorf("loan %d: branch address: %w", l.ID, err)
	}
	car, err := h.store.CourtesyCar(ctx, l.BranchID, l.CarID)
	if err != nil {
		return agreementData{}, fmt.Errorf("loan %d: car: %w", l.ID, err)
	}
	d := agreementData{branch: b, address: joinNonEmpty(", ", booking.Address, booking.City), car: car, zone: h.zones.Of(b)}
	d.doc = loanpdf.Agreement{
		Branch:   loanpdf.Branch{Name: b.Name, Address: d.address, Phone: b.Phone},
		Customer: loanpdf.Customer{FullName: borrowerName(l), Phone: l.CustomerPhone},
		Car:      loanpdf.Car{Plate: car.Plate, VIN: car.VIN, Model: car.Model},
		Zone:     d.zone, HandoverAt: l.HandoverAt, DueBackAt: l.DueBackAt,
		FuelEighths: l.FuelEighths, OdometerKm: l.OdometerKm, Terms: l.Terms,
	}
	if l.DepositMinor > 0 {
		atDesk, err := h.depositAtDesk(ctx, l)
		if err != nil {
			return agreementData{}, fmt.Errorf("loan %d: deposit: %w", l.ID, err)
		}
		d.doc.Deposit = &loanpdf.Deposit{Minor: l.DepositMinor, Currency: l.DepositCurrency, AtDesk: atDesk}
		if l.Signed() && l.DocumentID != "" && loanpdf.DocumentID(d.doc, loanLocale(l.Locale)) != l.DocumentID {
			// The way the deposit is taken may have changed since the
			// signing (the branch got or lost its provider): the page shows
			// the clause the customer signed, which its stored id names.
			other := *d.doc.Deposit
			other.AtDesk = !atDesk
			signed := d.doc
			signed.Deposit = &other
			if loanpdf.DocumentID(signed, loanLocale(l.Locale)) == l.DocumentID {
				d.doc = signed
			}
		}
	}
	return d, nil
}

// depositAtDesk tells whether the agreement says the deposit is paid at
// the service desk rather than held on the card, from what the deposit
// step of the same page goes by: a deposit staff recorded at the desk is,
// a card hold is not, and one still due is taken at the desk where the
// branch has no online deposits for its currency (store.DepositsOnline).
// The loan keeps no record of it from the offer (no column), so a change
// of the branch's provider before the signing changes the agreement's
// DocumentID: a page read before it is refused as agreement_changed and
// shows the new clause.
func (h *Handler) depositAtDesk(ctx context.Context, l hub.Loan) (bool, error) {
	switch l.DepositStatus {
	case hub.DepositDesk, hub.DepositDeskReturned, hub.DepositDeskKept:
		return true, nil
	case hub.DepositHeld, hub.DepositCaptured, hub.DepositReleased:
		return false, nil
	}
	online, err := h.depositsOnline(ctx, l)
	return !online, err
}

// borrowerName is the customer as the offer names them; an offer without
// a name (a customer the DMS knows by phone only) names the phone, so the
// agreement is still complete. The typed name is printed under the
// signature either way.
func borrowerName(l hub.Loan) string {
	if n := strings.TrimSpace(l.CustomerName); n != "" {
		return n
	}
	if p := strings.TrimSpace(l.CustomerPhone); p != "" {
		return p
	}
	return "—"
}

// agreementView is the agreement as the page shows it, and the signing
// form or the signature.
type agreementView struct {
	Sections   []sectionView
	Terms      []string // the terms' lines
	TermsTitle string
	DocumentID string
	CanSign    bool
	Signed     string // "Signed by …, <time>" once signed
	PDF        string // the signed PDF's address
	Form       signForm
}

type sectionView struct {
	Title string
	Rows  []rowView
}

type rowView struct{ Label, Value string }

// signForm is what the customer typed, kept when a signing is refused.
type signForm struct {
	Name    string
	Consent bool
}

func agreementFor(v visit, d agreementData, locale string, form signForm) *agreementView {
	l, a, pt := v.loan, d.doc, loanpdf.TextsFor(locale)
	deposit := loanpdf.DepositText(a.Deposit, locale)
	rows := func(pairs ...string) []rowView {
		var out []rowView
		for i := 0; i+1 < len(pairs); i += 2 {
			if pairs[i+1] != "" {
				out = append(out, rowView{pairs[i], pairs[i+1]})
			}
		}
		return out
	}
	view := &agreementView{
		Sections: []sectionView{
			{pt.Lender, rows(pt.Name, a.Branch.Name, pt.Address, a.Branch.Address, pt.Phone, a.Branch.Phone)},
			{pt.Borrower, rows(pt.Name, a.Customer.FullName, pt.Phone, a.Customer.Phone)},
			{pt.Car, rows(pt.Model, a.Car.Model, pt.Plate, a.Car.Plate, pt.VIN, a.Car.VIN)},
			{pt.Handover, rows(pt.HandoverAt, when(locale, d.zone, a.HandoverAt), pt.DueBackAt, when(locale, d.zone, a.DueBackAt),
				pt.TimeZone, d.zone.String(), pt.Fuel, strconv.Itoa(a.FuelEighths)+"/8", pt.Odometer, groupDigits(a.OdometerKm, locale)+" "+pt.Km)},
			{pt.Deposit, rows(pt.Deposit, deposit)},
		},
		TermsTitle: pt.Terms,
		Terms:      strings.Split(termsText(a, locale), "\n"),
		DocumentID: loanpdf.DocumentID(a, locale),
		CanSign:    l.State == hub.LoanOffered && !l.Signed(),
		Form:       form,
	}
	if l.Signed() {
		view.Signed = sprintfTwo(texts[locale]["signed_by"], l.SignedName, when(locale, d.zone, *l.SignedAt))
		if l.AgreementMessageID != nil {
			view.PDF = v.base + "/agreement.pdf"
		}
	}
	return view
}

// termsText is the terms the agreement prints: the offer's, else the
// standard ones in the agreement's language.
func termsText(a loanpdf.Agreement, locale string) string {
	if a.Terms != "" {
		return a.Terms
	}
	return loanpdf.DefaultTerms(locale)
}

func sprintfTwo(text, a, b string) string { return fmt.Sprintf(text, a, b) }

// groupDigits writes a count with thousands grouped as the reader does, as
// the PDF prints it: "12 345" (ru, pl), "12,345" (en).
func groupDigits(n int, locale string) string {
	s := strconv.Itoa(n)
	sep := " "
	if locale == templates.LocaleEN {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}
