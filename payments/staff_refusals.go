package payments

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Refusals of staff (an admin setting a provider up, an advisor asking for
// money, an admin refunding) name their words by a key with blanks, so a
// page writes them in its reader's language (the admin's payments page,
// the thread's Payments card); Error() stays English for the log and the
// command line.

// setupRefusals are what Configure and Disable refuse with, in English:
// each %s is one of the UserError's Args.
var setupRefusals = map[string]string{
	"setup_secret_token":       "A secret is one word of at most %s characters: paste only the key, without spaces or line breaks.",
	"setup_too_many_methods":   "Too many payment methods.",
	"setup_unknown_provider":   "Unknown payment provider %s: stripe or yookassa.",
	"setup_provider_missing":   "The provider %s is not available in this build.",
	"setup_yookassa_shop":      "YooKassa needs the shop id (digits, from the YooKassa dashboard).",
	"setup_stripe_shop":        "Stripe needs no shop id: leave it empty.",
	"setup_vat_code":           "The VAT code is 1 to 12 (0: no fiscal receipt).",
	"setup_tax_system":         "The tax system is 1 to 6 (0: not sent).",
	"setup_stripe_receipt":     "The VAT code and tax system are YooKassa's fiscal receipt: leave them 0 for Stripe.",
	"setup_secret_unreadable":  "The stored secret key cannot be read (was the server secret changed?): enter it again.",
	"setup_webhook_unreadable": "The stored webhook secret cannot be read (was the server secret changed?): enter it again.",
	"setup_secret_required":    "The provider's secret key is required.",
	"setup_not_valid":          "The provider's settings are not valid: %s",
	"setup_open_unreadable":    "The branch has %s payments open at %s, and its stored settings cannot be read to close them: set the provider again first.",
	"setup_open_left":          "%s payments are still open at %s and could not be closed now; without its settings their outcome would be lost. Try again later (an unpaid page closes on its own within a day).",
	"setup_method_name":        "Payment method %s: letters, digits and _ only, e.g. card,blik,p24.",
}

// moneyRefusals are what Request and Refund refuse with, in English.
var moneyRefusals = map[string]string{
	"amount_not_positive":         "The amount must be more than zero.",
	"amount_too_large":            "The amount is too large.",
	"reason_unsendable":           "The reason has characters that cannot be sent: type it again.",
	"reason_too_long":             "The reason is longer than %s characters.",
	"request_reason_missing":      "Say what the payment is for.",
	"request_no_work_order":       "This conversation has no work order to pay for.",
	"request_cancelled":           "The work order is cancelled: it takes no payment.",
	"request_no_provider":         "The branch takes no online payments: an admin sets up a provider first.",
	"request_currency":            "The branch's payment provider does not take %s.",
	"refund_not_paid":             "Only a payment that went through can be refunded.",
	"refund_too_much":             "At most %s of this payment can be refunded.",
	"refund_reason_missing":       "Say why the money is refunded.",
	"refund_provider_gone":        "The branch no longer uses this payment's provider here: refund it in the provider's dashboard.",
	"refund_repeated":             "A refund of %s of this payment was made a moment ago; to refund that much again, wait a minute.",
	"refund_meanwhile":            "Another refund of this payment was made meanwhile: look at the payment again.",
	"refund_unconfirmed_gone":     "A refund of %s of this payment is unconfirmed and the branch no longer uses its provider here: check it in the provider's dashboard.",
	"refund_earlier_went_through": "An earlier refund of %s of this payment, unconfirmed until now, went through; nothing else was refunded: look at the payment again.",
	"refund_no_answer":            "The provider did not answer, so the refund of %s is unconfirmed and stays booked: refund again later to retry the same refund (it is never made twice).",
	"refund_refused_saying":       "The provider refused the refund: %s",
	"refund_refused":              "The provider refused the refund; nothing was refunded.",
	"refund_not_made":             "The provider did not make the refund of %s (%s); nothing was refunded.",
}

// depositRefusals are what SettleDeposit refuses with, in English.
var depositRefusals = map[string]string{
	"deposit_amount_bad":     "The amount to take is 0 (release the hold) or more, up to what is held.",
	"deposit_too_much":       "Only %s is held: no more can be taken.",
	"deposit_not_back":       "The courtesy car is not back yet: the deposit is settled at the return.",
	"deposit_never_out":      "The car never left: its deposit can only be released.",
	"deposit_not_held":       "This loan holds no deposit to settle.",
	"deposit_meanwhile":      "The deposit was settled meanwhile (by someone else, or at the provider): look at the loan again.",
	"deposit_provider_gone":  "The branch no longer uses this deposit's provider here: settle it in the provider's dashboard.",
	"deposit_no_answer":      "The provider did not answer, so nothing is recorded yet: press again to retry the same action (it is never made twice).",
	"deposit_refused_saying": "The provider refused: %s",
}

// SetupRefusals are the keys of Configure's and Disable's refusals with
// their English words: the admin's payments page words each of them.
func SetupRefusals() map[string]string { return maps.Clone(setupRefusals) }

// MoneyRefusals are the keys of Request's and Refund's refusals with their
// English words: the thread's Payments card words each of them.
func MoneyRefusals() map[string]string { return maps.Clone(moneyRefusals) }

// DepositRefusals are the keys of SettleDeposit's refusals with their
// English words: the courtesy-car card's deposit form words each of them.
func DepositRefusals() map[string]string { return maps.Clone(depositRefusals) }

// Amount is a blank of a refusal that is money: a page writes it in its
// reader's language (staffpage recognises MinorUnits), the log in English.
type Amount struct {
	Minor    int64
	Currency string
}

// String is the amount in English, as the log and Error() show it.
func (a Amount) String() string { return money(a.Minor, a.Currency) }

// MinorUnits is the amount and its ISO 4217 currency.
func (a Amount) MinorUnits() (int64, string) { return a.Minor, a.Currency }

// refuse is a staff refusal by key; each arg fills one %s (a string, a
// number, or an Amount).
func refuse(key string, args ...any) error {
	words, ok := setupRefusals[key]
	if !ok {
		words, ok = moneyRefusals[key]
	}
	if !ok {
		words, ok = depositRefusals[key]
	}
	if !ok || strings.Count(words, "%s") != len(args) {
		// A programming slip: still a refusal, with what is known.
		words = key + strings.Repeat(" %s", len(args))
	}
	blanks := make([]any, len(args))
	for i, a := range args {
		blanks[i] = fmt.Sprint(a)
	}
	return &UserError{Key: key, Args: slices.Clone(args), Msg: fmt.Sprintf(words, blanks...)}
}
