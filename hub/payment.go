package hub

import (
	"slices"
	"strings"
	"time"
)

// Payment states. A payment starts pending when its hosted page exists at
// the provider; succeeded, failed and cancelled are final, so an event
// that arrives late (an "expired" after a "paid") changes nothing.
const (
	PaymentPending   = "pending"
	PaymentSucceeded = "succeeded"
	PaymentFailed    = "failed"
	PaymentCancelled = "cancelled" // expired or cancelled at the provider, or never created there
	// PaymentAuthorized is a loan deposit's card hold in place: the money
	// is reserved on the card, not taken. Only a hold has it; it ends
	// succeeded (captured, PaidMinor the part taken) or cancelled
	// (released, or expired at the provider).
	PaymentAuthorized = "authorized"
)

// Payment kinds: what the money is for.
const (
	PaymentForWorkOrder = "work_order" // the work order's amount due (AmountDue)
	PaymentForRequest   = "request"    // an advisor asked for an amount: a deposit, a prepayment
	// PaymentForLoanDeposit is a courtesy car's deposit (issue 20): a card
	// hold of the loan's deposit, captured in part or whole, or released,
	// at the return. It belongs to a loan (LoanID), never to a work order
	// (WorkOrderID 0, NULL in the table), so nothing that pays or counts a
	// work order ever sees it.
	PaymentForLoanDeposit = "loan_deposit"
)

// Payment providers.
const (
	ProviderStripe   = "stripe"
	ProviderYooKassa = "yookassa"
)

// providerCurrencies are the currencies each provider takes: Stripe's
// Checkout for the Polish and euro branches, YooKassa for roubles. A
// branch whose orders are in another currency gets no pay link.
var providerCurrencies = map[string][]string{
	ProviderStripe:   {"PLN", "EUR"},
	ProviderYooKassa: {"RUB"},
}

// ProviderTakes tells whether a provider takes payments in a currency
// (ISO 4217, upper case).
func ProviderTakes(provider, currency string) bool {
	return slices.Contains(providerCurrencies[provider], currency)
}

// Payment is one hosted payment at a provider, for a work order. No card
// data is ever here: the customer pays on the provider's page, and the hub
// keeps the provider's id and what the provider reports. Money is in
// minor units (kopecks, grosze, cents).
type Payment struct {
	ID             int64
	BranchID       int64
	WorkOrderID    int64  // 0 for a loan deposit
	LoanID         *int64 // a loan deposit's loan; nil for every other kind
	ThreadID       *int64 // nil for a loan deposit: its thread is the loan's
	Kind           string // PaymentForWorkOrder, PaymentForRequest or PaymentForLoanDeposit
	Reason         string // a request's reason, shown to the customer
	RequestedBy    string // the advisor who asked, for a request
	AmountMinor    int64  // what the customer was asked to pay
	Currency       string // ISO 4217, upper case
	Provider       string
	ProviderID     string // the provider's id of the session or payment; empty until created there
	PaymentURL     string // the provider's hosted page
	IdempotencyKey string // sent with the create call: a retried create makes one payment
	Status         string
	Method         string // as the provider names it: card, blik, p24, sbp, sberbank…
	PaidMinor      int64  // what the provider says was paid; a mismatch with AmountMinor raises a task
	RefundedMinor  int64
	ReceiptURL     string
	FailureReason  string
	Superseded     bool       // the amount is no longer due: cancel it at the provider, make a new one
	NextCheckAt    *time.Time // when the poller asks the provider (a webhook may be lost)
	Checks         int        // how many times the poller asked
	PaidAt         *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// RefundableMinor is what may still be refunded.
func (p Payment) RefundableMinor() int64 {
	if p.Status != PaymentSucceeded {
		return 0
	}
	return p.PaidMinor - p.RefundedMinor
}

// PaymentRefund is a full or partial refund an admin made from the thread.
type PaymentRefund struct {
	ID             int64
	PaymentID      int64
	AmountMinor    int64
	Reason         string
	RefundedBy     string
	ProviderID     string
	Status         string // the provider's: pending, succeeded, canceled/failed
	IdempotencyKey string
	CreatedAt      time.Time
}

// RefundStatusesNotMade are the refund statuses of money that did not go
// back: the providers' answers of a refund that did not happen, and the
// failed the store writes for one the provider refused (ReleaseRefund).
// A new slice on every call, so no caller can change another's.
func RefundStatusesNotMade() []string { return []string{"failed", "canceled", "cancelled"} }

// RefundNotMade tells whether a provider's status of a refund says the
// money did not go back (RefundStatusesNotMade, in any case).
func RefundNotMade(status string) bool {
	return slices.Contains(RefundStatusesNotMade(), strings.ToLower(status))
}

// BranchPayment is a branch's payment provider and its credentials. The
// secrets are sealed (Sealer) in storage; SecretKey and WebhookSecret here
// hold them sealed as stored, and Open returns them in clear.
type BranchPayment struct {
	BranchID      int64
	Provider      string
	Account       string // YooKassa's shop id; Stripe needs none
	SecretSealed  string // the API secret key, sealed
	WebhookSealed string // Stripe's webhook signing secret (whsec_…), sealed
	WebhookKey    string // the random last part of the branch's webhook address
	Methods       string // comma-separated payment methods offered; empty: the provider's defaults for the currency
	VATCode       int    // YooKassa receipt vat_code of every line (1–12); 0 when no receipt is sent
	TaxSystem     int    // YooKassa receipt tax_system_code (1–6); 0 when not needed
	UpdatedAt     time.Time
}

// AmountDue is what the customer owes for a work order: the amount the DMS
// sent (amountDue non-nil), else the sum of its lines that are not declined
// and not still waiting for the customer's decision; a recommendation
// counts only once the customer approved it, as in the work order's total
// (TotalAfterDecisions). Money in minor units.
func AmountDue(amountDue *int64, lines []WorkOrderLine) int64 {
	if amountDue != nil {
		return *amountDue
	}
	var sum int64
	for _, l := range lines {
		if l.Due() {
			sum += l.TotalMinor
		}
	}
	return sum
}

// Due tells whether the customer pays for the line (AmountDue): not
// declined, not waiting for their decision, and a recommendation only once
// approved.
func (l WorkOrderLine) Due() bool {
	if l.NeedsApproval || l.Kind == LineRecommendation {
		return l.Decision == DecisionApproved
	}
	return l.Decision != DecisionDeclined
}

// PaymentSetup is what an admin sets for a branch's online payments, with
// `naryad payments set` or on /admin. The secrets are in clear here and
// sealed when stored; an empty secret keeps the stored one.
type PaymentSetup struct {
	Provider      string // ProviderStripe or ProviderYooKassa
	Account       string // YooKassa's shop id
	SecretKey     string
	WebhookSecret string // Stripe's whsec_…
	Methods       string // comma-separated; empty: the provider's defaults for the currency
	VATCode       int
	TaxSystem     int
}

// TruncateRunes cuts s to at most n characters (runes, not bytes: names and
// reasons are often Cyrillic), for the limits of providers and columns.
func TruncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
