package yookassa

import (
	"fmt"
	"strconv"
	"strings"
)

// formatAmount writes minor units as YooKassa's amount value: "12500.00".
// Every currency YooKassa takes has two decimals.
func formatAmount(minor int64) string {
	return fmt.Sprintf("%d.%02d", minor/100, minor%100)
}

// parseAmount reads an amount value ("12500.00", "10", "0.5") into minor
// units, exactly: no floats.
func parseAmount(s string) (int64, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || strings.ContainsAny(whole+frac, "+- ") {
		return 0, fmt.Errorf("amount %q is not a decimal with at most two places", s)
	}
	units, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, err)
	}
	frac += strings.Repeat("0", 2-len(frac))
	cents, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, err)
	}
	if units > (1<<63-1-cents)/100 {
		return 0, fmt.Errorf("amount %q is too large", s)
	}
	return units*100 + cents, nil
}
