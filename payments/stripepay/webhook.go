package stripepay

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"naryad/hub"
	"naryad/payments"
)

// Webhook verifies a Stripe event (the Stripe-Signature header, signed
// with the endpoint's whsec_ secret, at most five minutes old) and reads
// the four Checkout Session events the hub follows. The event's API
// version may differ from stripe-go's: the session fields read here are
// the same in every version, and an endpoint set up in the Dashboard
// keeps the version of the day it was made.
func (p *provider) Webhook(header http.Header, body []byte) (payments.Notice, error) {
	if p.webhookSecret == "" {
		return payments.Notice{}, fmt.Errorf("%w: the branch has no Stripe webhook signing secret (whsec_…) set", payments.ErrBadSignature)
	}
	event, err := webhook.ConstructEventWithOptions(body, header.Get("Stripe-Signature"), p.webhookSecret,
		webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil {
		if errors.Is(err, webhook.ErrNotSigned) || errors.Is(err, webhook.ErrInvalidHeader) ||
			errors.Is(err, webhook.ErrNoValidSignature) || errors.Is(err, webhook.ErrTooOld) {
			return payments.Notice{}, fmt.Errorf("%w: %v", payments.ErrBadSignature, err)
		}
		return payments.Notice{}, fmt.Errorf("stripe webhook: %w", err)
	}

	switch event.Type {
	case stripe.EventTypeCheckoutSessionCompleted, stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded,
		stripe.EventTypeCheckoutSessionAsyncPaymentFailed, stripe.EventTypeCheckoutSessionExpired:
	default:
		return payments.Notice{}, fmt.Errorf("%w: stripe event %s", payments.ErrIgnored, event.Type)
	}
	if event.ID == "" || event.Data == nil {
		return payments.Notice{}, fmt.Errorf("stripe webhook: event %q without an id or data", event.Type)
	}
	var s stripe.CheckoutSession
	if err := json.Unmarshal(event.Data.Raw, &s); err != nil {
		return payments.Notice{}, fmt.Errorf("stripe webhook: read the Checkout Session of %s: %w", event.ID, err)
	}
	if s.ID == "" {
		return payments.Notice{}, fmt.Errorf("stripe webhook: event %s names no Checkout Session", event.ID)
	}
	// The account may take payments elsewhere too (a web shop): sessions
	// the hub did not make are none of its business.
	if s.Metadata[MetadataPaymentID] == "" {
		return payments.Notice{}, fmt.Errorf("%w: stripe session %s was not made by naryad", payments.ErrIgnored, s.ID)
	}

	st := sessionState(&s)
	switch event.Type {
	case stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded:
		// The event is the news; the session in it already says paid.
		st.Status = hub.PaymentSucceeded
		st.PaidMinor = s.AmountTotal
		st.Reason = ""
	case stripe.EventTypeCheckoutSessionAsyncPaymentFailed:
		st.Status = hub.PaymentFailed
		st.Reason = "the payment did not go through"
		st.PaidMinor = 0
	case stripe.EventTypeCheckoutSessionExpired:
		st.Status = hub.PaymentCancelled
		st.PaidMinor = 0
	}
	if st.Status == hub.PaymentSucceeded && st.PaidAt.IsZero() && event.Created > 0 {
		st.PaidAt = time.Unix(event.Created, 0).UTC()
	}
	return payments.Notice{EventID: event.ID, ProviderID: s.ID, Trusted: true, State: st}, nil
}
