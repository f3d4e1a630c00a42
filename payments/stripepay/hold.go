package stripepay

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"

	"naryad/hub"
	"naryad/payments"
)

// A courtesy car's deposit is a Checkout Session in payment mode whose
// PaymentIntent is captured by hand (payment_intent_data.capture_method
// manual): when the customer completes the page, the card is authorised
// and the PaymentIntent waits in requires_capture; Capture takes part or
// all of it, Release cancels it. Only cards can be held (BLIK and
// Przelewy24 take the money at once), so the page offers card alone,
// Apple Pay and Google Pay included. Stripe cancels an authorisation left
// uncaptured after about seven days.

var _ payments.Holds = (*provider)(nil)

// MetadataKind marks what a session is for; a deposit's says
// hub.PaymentForLoanDeposit, for staff looking in Stripe's Dashboard.
const MetadataKind = "naryad_kind"

// Hold makes the deposit's Checkout Session: one line of the amount,
// card only, captured later.
func (p *provider) Hold(ctx context.Context, r payments.CreateRequest) (payments.Created, error) {
	currency, err := checkCreate(r)
	if err != nil {
		return payments.Created{}, err
	}
	id := strconv.FormatInt(r.PaymentID, 10)
	meta := map[string]string{MetadataPaymentID: id, MetadataKind: hub.PaymentForLoanDeposit}
	params := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		SuccessURL:        stripe.String(r.ReturnURL),
		CancelURL:         stripe.String(r.ReturnURL),
		ClientReferenceID: stripe.String(id),
		Locale:            stripe.String(checkoutLocale(r.Locale)),
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(strings.ToLower(currency)),
				UnitAmount:  stripe.Int64(r.AmountMinor),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(r.Description)},
			},
		}},
		PaymentMethodTypes: stripe.StringSlice([]string{"card"}),
		Metadata:           meta,
		PaymentIntentData: &stripe.CheckoutSessionCreatePaymentIntentDataParams{
			CaptureMethod: stripe.String(string(stripe.PaymentIntentCaptureMethodManual)),
			Description:   stripe.String(r.Description),
			Metadata:      meta,
		},
	}
	if r.Customer.Email != "" {
		params.CustomerEmail = stripe.String(r.Customer.Email)
	}
	params.SetIdempotencyKey(r.IdempotencyKey)

	ctx, cancel := p.call(ctx)
	defer cancel()
	s, err := p.client.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return payments.Created{}, apiError("hold", err)
	}
	if s.ID == "" || s.URL == "" {
		return payments.Created{}, &payments.Error{Provider: hub.ProviderStripe, Op: "hold", Message: "the Checkout Session came back without an id or URL"}
	}
	return payments.Created{ProviderID: s.ID, URL: s.URL, State: holdState(s)}, nil
}

// HoldState reads the deposit's session with its PaymentIntent.
func (p *provider) HoldState(ctx context.Context, providerID string) (payments.State, error) {
	s, err := p.retrieve(ctx, "hold state", providerID)
	if err != nil {
		return payments.State{}, err
	}
	return holdState(s), nil
}

// Capture takes part or all of the authorised PaymentIntent
// (amount_to_capture); Stripe gives the rest back to the card.
func (p *provider) Capture(ctx context.Context, r payments.CaptureRequest) (payments.State, error) {
	if r.AmountMinor <= 0 {
		return payments.State{}, invalid("capture", "the amount to capture must be positive")
	}
	if r.IdempotencyKey == "" {
		return payments.State{}, invalid("capture", "no idempotency key: a retried capture could be made twice")
	}
	pi, err := p.heldIntent(ctx, "capture", r.ProviderID)
	if err != nil {
		return payments.State{}, err
	}
	params := &stripe.PaymentIntentCaptureParams{AmountToCapture: stripe.Int64(r.AmountMinor)}
	params.AddExpand("latest_charge")
	params.SetIdempotencyKey(r.IdempotencyKey)
	callCtx, cancel := p.call(ctx)
	defer cancel()
	got, err := p.client.V1PaymentIntents.Capture(callCtx, pi.ID, params)
	if err != nil {
		return payments.State{}, apiError("capture", err)
	}
	return intentState(got), nil
}

// Release cancels the authorised PaymentIntent: nothing is taken.
func (p *provider) Release(ctx context.Context, r payments.ReleaseRequest) (payments.State, error) {
	if r.IdempotencyKey == "" {
		return payments.State{}, invalid("release", "no idempotency key")
	}
	pi, err := p.heldIntent(ctx, "release", r.ProviderID)
	if err != nil {
		return payments.State{}, err
	}
	params := &stripe.PaymentIntentCancelParams{}
	params.SetIdempotencyKey(r.IdempotencyKey)
	callCtx, cancel := p.call(ctx)
	defer cancel()
	got, err := p.client.V1PaymentIntents.Cancel(callCtx, pi.ID, params)
	if err != nil {
		return payments.State{}, apiError("release", err)
	}
	return intentState(got), nil
}

// heldIntent is the deposit session's PaymentIntent; a session the
// customer never completed has none to capture or release.
func (p *provider) heldIntent(ctx context.Context, op, sessionID string) (*stripe.PaymentIntent, error) {
	s, err := p.retrieve(ctx, op, sessionID)
	if err != nil {
		return nil, err
	}
	if s.PaymentIntent == nil || s.PaymentIntent.ID == "" {
		return nil, &payments.Error{Provider: hub.ProviderStripe, Op: op, Code: "not_held", Message: "the Checkout Session holds nothing on a card"}
	}
	return s.PaymentIntent, nil
}

func invalid(op, msg string) error {
	return &payments.Error{Provider: hub.ProviderStripe, Op: op, Code: "invalid_request", Message: msg}
}

// holdState reads a deposit's Checkout Session: open is pending, expired
// cancelled; a complete one is what its PaymentIntent says (intentState).
func holdState(s *stripe.CheckoutSession) payments.State {
	switch s.Status {
	case stripe.CheckoutSessionStatusExpired:
		return payments.State{Status: hub.PaymentCancelled, Currency: strings.ToUpper(string(s.Currency)), Reason: "the Checkout Session expired"}
	case stripe.CheckoutSessionStatusComplete:
		if s.PaymentIntent == nil || s.PaymentIntent.Status == "" {
			// Completed but its PaymentIntent unknown (an event's
			// session names it by id only): ask again.
			return payments.State{Status: hub.PaymentPending, Currency: strings.ToUpper(string(s.Currency))}
		}
		st := intentState(s.PaymentIntent)
		if st.Currency == "" {
			st.Currency = strings.ToUpper(string(s.Currency))
		}
		return st
	default:
		return payments.State{Status: hub.PaymentPending, Currency: strings.ToUpper(string(s.Currency))}
	}
}

// intentState reads a manually captured PaymentIntent:
//   - requires_capture → authorized: the hold is in place;
//   - succeeded → succeeded, PaidMinor what was captured;
//   - canceled → cancelled: released by the hub, or expired at Stripe;
//   - requires_payment_method → failed: the card was refused;
//   - anything else (3-D Secure still running) → pending.
func intentState(pi *stripe.PaymentIntent) payments.State {
	st := payments.State{Currency: strings.ToUpper(string(pi.Currency))}
	var at time.Time
	st.Method, st.ReceiptURL, at = chargeDetails(pi.LatestCharge)
	if st.Method == "" && pi.PaymentMethod != nil {
		st.Method = string(pi.PaymentMethod.Type)
	}
	switch pi.Status {
	case stripe.PaymentIntentStatusRequiresCapture:
		st.Status = hub.PaymentAuthorized
	case stripe.PaymentIntentStatusSucceeded:
		st.Status = hub.PaymentSucceeded
		st.PaidMinor = pi.AmountReceived
		st.PaidAt = at
	case stripe.PaymentIntentStatusCanceled:
		st.Status = hub.PaymentCancelled
		st.Reason = "the hold was cancelled"
		if pi.CancellationReason != "" {
			st.Reason += " (" + string(pi.CancellationReason) + ")"
		}
	case stripe.PaymentIntentStatusRequiresPaymentMethod:
		st.Status = hub.PaymentFailed
		st.Reason = "the card was not authorised"
		if pi.LastPaymentError != nil && pi.LastPaymentError.Msg != "" {
			st.Reason = pi.LastPaymentError.Msg
		}
	default:
		st.Status = hub.PaymentPending
	}
	if st.Status != hub.PaymentSucceeded {
		st.ReceiptURL = ""
	}
	return st
}
