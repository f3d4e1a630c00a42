package customer

import (
	"context"

	"naryad/hub"
)

// Payments is what the customer page needs from online payments (package
// payments; app passes it in). Nil: no pay button anywhere.
type Payments interface {
	// Due lists what the customer of a thread may pay online now.
	Due(ctx context.Context, threadID int64) ([]PayOffer, error)
	// Start makes or reuses the provider's hosted page for an offer and
	// returns its address. returnURL is the page's return address without
	// the payment id; the service appends "/<payment id>".
	Start(ctx context.Context, threadID int64, offerKey, returnURL string) (string, error)
	// Outcome returns a payment of the thread, asking the provider when it
	// is still pending; store.ErrNotFound when it is not the thread's.
	Outcome(ctx context.Context, threadID, paymentID int64) (hub.Payment, error)
}

// PayOffer is one amount the customer may pay online.
type PayOffer struct {
	Key         string // "order" | "request:<id>"
	Kind        string // hub.PaymentForWorkOrder or hub.PaymentForRequest
	Reason      string
	AmountMinor int64
	Currency    string
}
