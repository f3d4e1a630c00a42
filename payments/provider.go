package payments

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// Provider is one payment provider's API, for one branch's account (its
// credentials are inside). A provider package (payments/stripepay,
// payments/yookassa) implements it; a third provider is one more package
// and one line in Providers. Every call has its own timeout inside, and
// every create call sends the request's IdempotencyKey, so a retry after a
// timeout makes no second payment.
type Provider interface {
	// Name is the hub.Provider… constant.
	Name() string
	// Create makes a hosted payment page for the amount and returns where
	// the customer goes.
	Create(ctx context.Context, r CreateRequest) (Created, error)
	// Fetch asks the provider for the payment's current state: the truth
	// the poller and an unsigned notification rely on.
	Fetch(ctx context.Context, providerID string) (State, error)
	// Cancel makes a pending payment impossible to complete (Stripe
	// expires the Checkout Session; YooKassa cancels one waiting for
	// capture, and otherwise lets it expire: see the package). It reports
	// the state after the call; a payment that was already paid stays
	// paid, and the caller must handle that.
	Cancel(ctx context.Context, providerID string) (State, error)
	// Refund returns amountMinor of a succeeded payment to the customer.
	Refund(ctx context.Context, r RefundRequest) (Refunded, error)
	// Webhook reads a provider's HTTP notification: it verifies what can
	// be verified (Stripe's signature: ErrBadSignature when it fails) and
	// names the event and the payment it is about. The caller stores the
	// event id once, then trusts Notice.State only when Notice.Trusted;
	// otherwise it fetches the payment (YooKassa's notifications are not
	// signed).
	Webhook(header http.Header, body []byte) (Notice, error)
}

// ProviderConfig is what a provider package's New needs: the branch's
// settings with the secrets opened.
type ProviderConfig struct {
	Account       string // YooKassa's shop id
	SecretKey     string
	WebhookSecret string // Stripe's webhook signing secret
	Methods       []string
	VATCode       int
	TaxSystem     int
	BaseURL       string        // the API's address; empty: the provider's real one (tests: stripe-mock, the YooKassa fake)
	Timeout       time.Duration // of each call; 0: 20 s
}

// CreateRequest is what the hub asks a provider to collect.
type CreateRequest struct {
	PaymentID      int64  // the hub's payment id, kept in the provider's metadata
	IdempotencyKey string // the same for every retry of this payment's create
	AmountMinor    int64
	Currency       string // ISO 4217, upper case
	Description    string // e.g. "Заказ-наряд ЗН-0001234", shown on the hosted page
	ReturnURL      string // where the provider sends the customer back
	Locale         string // ru | pl | en, for the hosted page
	Methods        []string
	Customer       ReceiptCustomer
	Lines          []ReceiptLine // for a fiscal receipt (YooKassa, 54-FZ); their sum is AmountMinor
}

// ReceiptCustomer is who the fiscal receipt goes to: a phone in E.164 or
// an e-mail address (YooKassa needs one of them).
type ReceiptCustomer struct {
	Name  string
	Phone string
	Email string
}

// ReceiptLine is one line of a fiscal receipt.
type ReceiptLine struct {
	Description string
	QtyMilli    int64  // thousandths, as work-order lines
	AmountMinor int64  // the line's total
	Kind        string // hub.LineLabor, hub.LinePart, … (the receipt's payment_subject)
}

// Created is a payment the provider has made.
type Created struct {
	ProviderID string
	URL        string // the hosted page the customer pays on
	State      State
}

// State is what the provider says of a payment.
type State struct {
	Status     string // hub.PaymentPending, PaymentSucceeded, PaymentFailed, PaymentCancelled
	PaidMinor  int64  // what was paid, when succeeded
	Currency   string
	Method     string
	ReceiptURL string
	Reason     string // why it failed or was cancelled, in the provider's words
	PaidAt     time.Time
}

// RefundRequest returns money of a payment.
type RefundRequest struct {
	ProviderID     string // the payment's
	IdempotencyKey string
	AmountMinor    int64
	Currency       string
	Reason         string
	Customer       ReceiptCustomer // YooKassa sends a refund receipt too
	Lines          []ReceiptLine
}

// Refunded is the provider's answer to a refund.
type Refunded struct {
	ProviderID string
	Status     string // the provider's word: pending, succeeded, canceled, failed
}

// Notice is one webhook event, read.
type Notice struct {
	EventID    string // unique per provider: stored once (payment_webhooks)
	ProviderID string // the payment or session it is about; empty when it is about none the hub makes
	Trusted    bool   // State comes from a verified signature
	State      State
}

// ErrBadSignature means a webhook's signature did not verify: answered 400,
// nothing stored.
var ErrBadSignature = errors.New("webhook signature does not verify")

// ErrIgnored means a webhook is well-formed but about nothing the hub
// tracks (another event type): answered 200 so the provider stops sending.
var ErrIgnored = errors.New("webhook event not tracked")

// Error is a provider's refusal or failure, with whether trying again
// later can help (network, 5xx, 429) or not (bad credentials, a 4xx).
type Error struct {
	Provider  string
	Op        string
	Status    int    // the HTTP status, 0 when none came
	Code      string // the provider's error code
	Message   string
	Temporary bool
}

func (e *Error) Error() string {
	return e.Provider + " " + e.Op + ": " + e.Message
}

// Holds is a provider's card holds, for courtesy-car deposits (issue 20):
// the customer authorises an amount on the provider's hosted page, the
// money stays on their card, and at the return the hub takes part or all
// of it (Capture) or lets it go (Release). A provider package implements
// it beside Provider; a provider without it takes no deposits. As in
// Provider, every call has its own timeout and every POST an idempotency
// key, so a retry after a timeout never holds, captures or releases twice.
//
// A hold's State.Status is hub.PaymentPending (the page is open, or the
// card is still being checked), hub.PaymentAuthorized (the hold is in
// place), hub.PaymentSucceeded (captured; PaidMinor is what was taken),
// hub.PaymentCancelled (released, expired, or the page closed unpaid) or
// hub.PaymentFailed (the card was refused).
type Holds interface {
	// Hold makes a hosted page where the customer authorises a hold of
	// r.AmountMinor (captured later, never at once) and returns where
	// they go. r.Methods is ignored: holds are made by card.
	Hold(ctx context.Context, r CreateRequest) (Created, error)
	// HoldState asks the provider for the hold's current state: the
	// truth webhooks and the poller rely on (a signed Checkout event
	// names the session, not whether its card was authorised).
	HoldState(ctx context.Context, providerID string) (State, error)
	// Capture takes r.AmountMinor (1 to the amount held) of a hold in
	// place; the rest goes back to the card. It reports the state after.
	Capture(ctx context.Context, r CaptureRequest) (State, error)
	// Release lets a hold in place go without taking anything. It
	// reports the state after.
	Release(ctx context.Context, r ReleaseRequest) (State, error)
}

// CaptureRequest takes part or all of a hold.
type CaptureRequest struct {
	ProviderID     string // the hold's
	IdempotencyKey string // the same for every retry of this capture
	AmountMinor    int64
	Currency       string
	Description    string          // what was taken, for the fiscal receipt
	Customer       ReceiptCustomer // YooKassa's receipt of what was taken
}

// ReleaseRequest lets a hold go.
type ReleaseRequest struct {
	ProviderID     string
	IdempotencyKey string
}
