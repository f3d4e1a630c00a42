package inbox

import "naryad/templates"

// parseAmount reads an amount an advisor types (templates.ParseAmount);
// a payment or refund must be above zero.
func parseAmount(text, currency string) (int64, error) {
	v, err := templates.ParseAmount(text, currency)
	if err == nil && v <= 0 {
		err = templates.ErrNotAnAmount
	}
	return v, err
}

// amountInput writes an amount for a form field as parseAmount reads it back.
func amountInput(locale string, minor int64, currency string) string {
	return templates.AmountInput(locale, minor, currency)
}
