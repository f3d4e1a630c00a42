package admin

import (
	"strings"

	"naryad/hub"
	"naryad/templates"
)

// parseDeposit reads a deposit as admins type it (templates.ParseAmount:
// "30 000", "300,50", "300.5"), empty or 0 for none, into minor units of
// currency. A wrong one is an InvalidField of "deposit" (or of
// "deposit_currency" when the currency is unknown).
func parseDeposit(text, currency string) (int64, error) {
	if s := strings.TrimSpace(text); s == "" || s == "0" {
		return 0, nil
	}
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if _, err := templates.MinorDigits(currency); err != nil {
		return 0, &hub.InvalidField{Field: "deposit_currency", Problem: hub.ProblemFormat}
	}
	v, err := templates.ParseAmount(text, currency)
	if err != nil {
		return 0, &hub.InvalidField{Field: "deposit", Problem: hub.ProblemFormat}
	}
	return v, nil
}

// depositField writes a deposit for the form field as parseDeposit reads
// it back ("." before the minor units, as before); "" for none.
func depositField(minor int64, currency string) string {
	return templates.AmountInput(templates.LocaleEN, minor, currency)
}
