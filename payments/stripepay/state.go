package stripepay

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"

	"naryad/hub"
	"naryad/payments"
)

// Fetch asks Stripe for the Checkout Session, with its PaymentIntent and
// the latest charge (how it was paid, the receipt).
func (p *provider) Fetch(ctx context.Context, providerID string) (payments.State, error) {
	s, err := p.retrieve(ctx, "fetch", providerID)
	if err != nil {
		return payments.State{}, err
	}
	return sessionState(s), nil
}

func (p *provider) retrieve(ctx context.Context, op, sessionID string) (*stripe.CheckoutSession, error) {
	if sessionID == "" {
		return nil, &payments.Error{Provider: hub.ProviderStripe, Op: op, Code: "invalid_request", Message: "no Checkout Session id"}
	}
	params := &stripe.CheckoutSessionRetrieveParams{}
	params.AddExpand("payment_intent.latest_charge")
	ctx, cancel := p.call(ctx)
	defer cancel()
	s, err := p.client.V1CheckoutSessions.Retrieve(ctx, sessionID, params)
	if err != nil {
		return nil, apiError(op, err)
	}
	return s, nil
}

// Cancel expires an open Checkout Session, so nobody can pay it any more.
// A session that is no longer open is left as it is and its state
// returned: a paid one stays paid.
func (p *provider) Cancel(ctx context.Context, providerID string) (payments.State, error) {
	s, err := p.retrieve(ctx, "cancel", providerID)
	if err != nil {
		return payments.State{}, err
	}
	if s.Status != stripe.CheckoutSessionStatusOpen {
		return sessionState(s), nil
	}
	callCtx, cancel := p.call(ctx)
	defer cancel()
	expired, err := p.client.V1CheckoutSessions.Expire(callCtx, providerID, &stripe.CheckoutSessionExpireParams{})
	if err != nil {
		// Stripe refuses to expire a session the customer completed a
		// moment ago: then its state is the answer.
		var e *stripe.Error
		if errors.As(err, &e) && e.HTTPStatusCode == http.StatusBadRequest {
			return p.Fetch(ctx, providerID)
		}
		return payments.State{}, apiError("cancel", err)
	}
	return sessionState(expired), nil
}

// sessionState reads a Checkout Session as the hub's payment state:
//   - complete and paid → succeeded;
//   - complete and unpaid → pending: BLIK or Przelewy24 still going
//     through (async_payment_succeeded or _failed follows), unless the
//     PaymentIntent (when expanded) shows it failed;
//   - expired → cancelled;
//   - open → pending: the customer has not paid yet.
func sessionState(s *stripe.CheckoutSession) payments.State {
	st := payments.State{Currency: strings.ToUpper(string(s.Currency))}
	pi := s.PaymentIntent
	if pi != nil {
		st.Method, st.ReceiptURL, st.PaidAt = chargeDetails(pi.LatestCharge)
		if st.Method == "" && pi.PaymentMethod != nil {
			st.Method = string(pi.PaymentMethod.Type)
		}
	}
	if st.Method == "" && len(s.PaymentMethodTypes) == 1 {
		st.Method = s.PaymentMethodTypes[0] // only one was offered
	}
	switch s.Status {
	case stripe.CheckoutSessionStatusComplete:
		switch s.PaymentStatus {
		case stripe.CheckoutSessionPaymentStatusPaid, stripe.CheckoutSessionPaymentStatusNoPaymentRequired:
			st.Status = hub.PaymentSucceeded
			st.PaidMinor = s.AmountTotal
			if st.PaidMinor == 0 && pi != nil {
				st.PaidMinor = pi.AmountReceived
			}
		default:
			st.Status = hub.PaymentPending
			if pi != nil && (pi.Status == stripe.PaymentIntentStatusRequiresPaymentMethod || pi.Status == stripe.PaymentIntentStatusCanceled) {
				st.Status = hub.PaymentFailed
				st.Reason = "payment failed"
				if pi.LastPaymentError != nil && pi.LastPaymentError.Msg != "" {
					st.Reason = pi.LastPaymentError.Msg
				}
			}
		}
	case stripe.CheckoutSessionStatusExpired:
		st.Status = hub.PaymentCancelled
		st.Reason = "the Checkout Session expired"
	default:
		st.Status = hub.PaymentPending
	}
	// A receipt and a payment time only exist for money taken; a method
	// only once the customer completed the page (it is what they chose).
	if st.Status != hub.PaymentSucceeded {
		st.PaidAt, st.ReceiptURL = time.Time{}, ""
	}
	if s.Status != stripe.CheckoutSessionStatusComplete {
		st.Method = ""
	}
	return st
}

// chargeDetails is how a charge was paid (a card wallet such as
// apple_pay or google_pay is named instead of card), its receipt and when.
func chargeDetails(c *stripe.Charge) (method, receiptURL string, at time.Time) {
	if c == nil {
		return "", "", time.Time{}
	}
	if d := c.PaymentMethodDetails; d != nil {
		method = string(d.Type)
		if d.Card != nil && d.Card.Wallet != nil && d.Card.Wallet.Type != "" {
			method = string(d.Card.Wallet.Type)
		}
	}
	if c.Created > 0 {
		at = time.Unix(c.Created, 0).UTC()
	}
	return method, c.ReceiptURL, at
}
