package stripepay

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/stripe/stripe-go/v82"

	"naryad/hub"
	"naryad/payments"
)

// MetadataPaymentID is the metadata key (on the session and its
// PaymentIntent) holding the hub's payment id: how a webhook is known as
// the hub's, and how staff find the payment in Stripe's Dashboard.
const MetadataPaymentID = "naryad_payment_id"

// Create makes a Checkout Session in payment mode with one line: the
// amount, named by the description. The customer comes back to ReturnURL
// whether they paid or gave up; the return page asks for the state.
func (p *provider) Create(ctx context.Context, r payments.CreateRequest) (payments.Created, error) {
	currency, err := checkCreate(r)
	if err != nil {
		return payments.Created{}, err
	}
	id := strconv.FormatInt(r.PaymentID, 10)
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
		PaymentMethodTypes: stripe.StringSlice(methodsFor(r.Methods, p.methods, currency)),
		Metadata:           map[string]string{MetadataPaymentID: id},
		PaymentIntentData: &stripe.CheckoutSessionCreatePaymentIntentDataParams{
			Description: stripe.String(r.Description),
			Metadata:    map[string]string{MetadataPaymentID: id},
		},
	}
	// Checkout fills in an e-mail address but has no field to prefill a
	// phone number (that needs a Stripe Customer, which the hub does not
	// make), so the phone stays with the hub.
	if r.Customer.Email != "" {
		params.CustomerEmail = stripe.String(r.Customer.Email)
	}
	params.SetIdempotencyKey(r.IdempotencyKey)

	ctx, cancel := p.call(ctx)
	defer cancel()
	s, err := p.client.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return payments.Created{}, apiError("create", err)
	}
	if s.ID == "" || s.URL == "" {
		return payments.Created{}, &payments.Error{Provider: hub.ProviderStripe, Op: "create", Message: "the Checkout Session came back without an id or URL"}
	}
	return payments.Created{ProviderID: s.ID, URL: s.URL, State: sessionState(s)}, nil
}

// checkCreate refuses a request Stripe would refuse (or that would make a
// payment nobody can find again) before asking it, and returns the
// currency upper case.
func checkCreate(r payments.CreateRequest) (string, error) {
	bad := func(format string, a ...any) (string, error) {
		return "", &payments.Error{Provider: hub.ProviderStripe, Op: "create", Code: "invalid_request", Message: fmt.Sprintf(format, a...)}
	}
	currency := strings.ToUpper(strings.TrimSpace(r.Currency))
	switch {
	case r.PaymentID <= 0:
		return bad("no payment id")
	case strings.TrimSpace(r.IdempotencyKey) == "":
		return bad("no idempotency key: a retried create could make a second session")
	case r.AmountMinor <= 0:
		return bad("the amount must be positive, not %d", r.AmountMinor)
	case len(currency) != 3 || strings.Trim(currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "":
		return bad("%q is not an ISO 4217 currency code", r.Currency)
	case strings.TrimSpace(r.Description) == "":
		return bad("no description: the hosted page names what is paid")
	}
	u, err := url.Parse(r.ReturnURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return bad("the return address %q is not an absolute http(s) URL", r.ReturnURL)
	}
	return currency, nil
}
