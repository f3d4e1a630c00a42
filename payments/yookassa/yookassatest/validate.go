package yookassatest

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

var (
	amountValue = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,2})?$`)
	currency    = regexp.MustCompile(`^[A-Z]{3}$`)
	quantity    = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,3})?$`)
	phone       = regexp.MustCompile(`^[0-9]{10,15}$`)
)

// The receipt values YooKassa documents.
var (
	paymentModes    = []string{"full_prepayment", "partial_prepayment", "advance", "full_payment", "partial_payment", "credit", "credit_payment"}
	paymentSubjects = []string{"commodity", "excise", "job", "service", "gambling_bet", "gambling_prize", "lottery", "lottery_prize",
		"intellectual_activity", "payment", "agent_commission", "composite", "another", "property_right", "non_operating_gain",
		"insurance_premium", "sales_tax", "resort_fee", "marked", "non_marked", "fine", "tax", "lien", "cost", "pension_insurance_without_payouts",
		"pension_insurance_with_payouts", "health_insurance_without_payouts", "health_insurance_with_payouts", "health_insurance", "casino", "agent_withdrawals"}
)

// checkAmount validates an amount object and returns it in minor units.
func checkAmount(param string, a Amount) (int64, *apiError) {
	if !amountValue.MatchString(a.Value) {
		return 0, badRequest(param+".value", fmt.Sprintf("Amount value %q is not a decimal with at most two places", a.Value))
	}
	if !currency.MatchString(a.Currency) {
		return 0, badRequest(param+".currency", fmt.Sprintf("Currency %q is not an ISO 4217 code", a.Currency))
	}
	minor, err := parseMinor(a.Value)
	if err != nil || minor <= 0 {
		return 0, badRequest(param+".value", "Amount value must be positive")
	}
	return minor, nil
}

func (s *Server) checkReceiptPresence(r *Receipt) *apiError {
	if r == nil && s.receiptRequired {
		return badRequest("receipt", "Receipt is missing or illegal")
	}
	return nil
}

// checkReceipt validates 54-FZ receipt data against the amount it is for:
// the customer's phone or e-mail, every item's description, quantity,
// price, VAT code, payment mode and subject, and the items' total equal to
// the amount.
func checkReceipt(r Receipt, amountMinor int64, cur string) *apiError {
	c := r.Customer
	if c.Phone == "" && c.Email == "" {
		return badRequest("receipt.customer", "Receipt needs the customer's phone or email")
	}
	if c.Phone != "" && !phone.MatchString(c.Phone) {
		return badRequest("receipt.customer.phone", "Phone must be in ITU-T E.164 format without the plus, e.g. 79000000000")
	}
	if c.Email != "" && !strings.Contains(c.Email, "@") {
		return badRequest("receipt.customer.email", "Email is not an e-mail address")
	}
	if utf8.RuneCountInString(c.FullName) > 256 {
		return badRequest("receipt.customer.full_name", "Full name is longer than 256 characters")
	}
	if len(r.Items) == 0 || len(r.Items) > 100 {
		return badRequest("receipt.items", "Receipt must have 1 to 100 items")
	}
	if r.TaxSystemCode < 0 || r.TaxSystemCode > 6 {
		return badRequest("receipt.tax_system_code", "tax_system_code must be 1 to 6")
	}
	var total int64
	for i, it := range r.Items {
		p := fmt.Sprintf("receipt.items[%d]", i)
		if n := utf8.RuneCountInString(it.Description); n == 0 || n > 128 {
			return badRequest(p+".description", "Item description must be 1 to 128 characters")
		}
		if !quantity.MatchString(string(it.Quantity)) {
			return badRequest(p+".quantity", fmt.Sprintf("Quantity %q is not a decimal with at most three places", it.Quantity))
		}
		milli := parseMilli(string(it.Quantity))
		if milli <= 0 {
			return badRequest(p+".quantity", "Quantity must be positive")
		}
		price, e := checkAmount(p+".amount", it.Amount)
		if e != nil {
			return e
		}
		if it.Amount.Currency != cur {
			return badRequest(p+".amount.currency", "Item currency differs from the payment's")
		}
		if it.VATCode < 1 || it.VATCode > 12 {
			return badRequest(p+".vat_code", "vat_code must be 1 to 12")
		}
		if it.PaymentMode != "" && !slices.Contains(paymentModes, it.PaymentMode) {
			return badRequest(p+".payment_mode", fmt.Sprintf("Unknown payment_mode %q", it.PaymentMode))
		}
		if it.PaymentSubject != "" && !slices.Contains(paymentSubjects, it.PaymentSubject) {
			return badRequest(p+".payment_subject", fmt.Sprintf("Unknown payment_subject %q", it.PaymentSubject))
		}
		// The item's total, rounded half up to a kopeck.
		total += (price*milli + 500) / 1000
	}
	if total != amountMinor {
		return badRequest("receipt", fmt.Sprintf("The receipt's items add up to %s, not the amount %s", formatMinor(total), formatMinor(amountMinor)))
	}
	return nil
}

// parseMinor reads "12500.00" (or "12500", "0.5") as minor units.
func parseMinor(v string) (int64, error) {
	whole, frac, _ := strings.Cut(v, ".")
	frac = (frac + "00")[:2]
	return strconv.ParseInt(whole+frac, 10, 64)
}

// parseMilli reads a quantity ("1.5") as thousandths.
func parseMilli(v string) int64 {
	whole, frac, _ := strings.Cut(v, ".")
	frac = (frac + "000")[:3]
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

func formatMinor(minor int64) string {
	return fmt.Sprintf("%d.%02d", minor/100, minor%100)
}
