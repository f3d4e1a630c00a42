package stripepay

import (
	"fmt"
	"slices"
	"strings"
)

// Method names as Stripe's payment_method_types spell them.
const (
	MethodCard = "card" // Apple Pay and Google Pay are wallets of card: no type of their own
	MethodBLIK = "blik"
	MethodP24  = "p24"
)

// DefaultMethods is what a Checkout Session offers when the branch chose
// none: what Polish and euro customers expect.
func DefaultMethods(currency string) []string {
	switch strings.ToUpper(currency) {
	case "PLN":
		return []string{MethodCard, MethodBLIK, MethodP24}
	case "EUR":
		return []string{MethodCard, MethodP24}
	default:
		return []string{MethodCard}
	}
}

// takes tells whether a method can pay in the currency. Stripe refuses the
// whole session when one offered method cannot, so methods a branch set
// for its usual currency are dropped for an order in another one.
func takes(method, currency string) bool {
	switch method {
	case MethodBLIK:
		return currency == "PLN"
	case MethodP24:
		return currency == "PLN" || currency == "EUR"
	default:
		return true // Stripe checks the others
	}
}

// methodsFor is the payment_method_types of one session: the request's
// methods, else the branch's, else the defaults, less those the currency
// rules out (and the defaults when that leaves none).
func methodsFor(requested, branch []string, currency string) []string {
	chosen := requested
	if len(chosen) == 0 {
		chosen = branch
	}
	var out []string
	for _, m := range chosen {
		m = strings.ToLower(strings.TrimSpace(m))
		if m != "" && takes(m, currency) && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return DefaultMethods(currency)
	}
	return out
}

// cleanMethods checks a branch's methods: Stripe's names, lower case.
func cleanMethods(methods []string) ([]string, error) {
	var out []string
	for _, m := range methods {
		m = strings.ToLower(strings.TrimSpace(m))
		if m == "" {
			continue
		}
		if len(m) > 40 || strings.Trim(m, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			return nil, fmt.Errorf("stripe: %q is not a payment method name (Stripe's names: card, blik, p24, …)", m)
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// checkoutLocale is the hosted page's language: the customer's when
// Stripe has it, else the browser's.
func checkoutLocale(locale string) string {
	switch l := strings.ToLower(locale); l {
	case "ru", "pl", "en":
		return l
	default:
		return "auto"
	}
}
