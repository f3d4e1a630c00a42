package stripepay

import (
	"context"
	"unicode/utf8"

	"github.com/stripe/stripe-go/v82"

	"naryad/hub"
	"naryad/payments"
)

// MetadataRefundReason is the refund's metadata key for the admin's
// reason: Stripe's own reason field takes only its three words.
const MetadataRefundReason = "naryad_reason"

// Refund returns amountMinor of the session's payment: a refund of its
// PaymentIntent, sent with the request's idempotency key, in the
// payment's currency (Stripe takes no other).
func (p *provider) Refund(ctx context.Context, r payments.RefundRequest) (payments.Refunded, error) {
	switch {
	case r.AmountMinor <= 0:
		return payments.Refunded{}, &payments.Error{Provider: hub.ProviderStripe, Op: "refund", Code: "invalid_request", Message: "the refund amount must be positive"}
	case r.IdempotencyKey == "":
		return payments.Refunded{}, &payments.Error{Provider: hub.ProviderStripe, Op: "refund", Code: "invalid_request", Message: "no idempotency key: a retried refund could pay out twice"}
	}
	s, err := p.retrieve(ctx, "refund", r.ProviderID)
	if err != nil {
		return payments.Refunded{}, err
	}
	if s.PaymentIntent == nil || s.PaymentIntent.ID == "" {
		return payments.Refunded{}, &payments.Error{Provider: hub.ProviderStripe, Op: "refund", Code: "not_paid", Message: "the Checkout Session has no payment to refund"}
	}
	params := &stripe.RefundCreateParams{
		PaymentIntent: stripe.String(s.PaymentIntent.ID),
		Amount:        stripe.Int64(r.AmountMinor),
	}
	if r.Reason != "" {
		params.Metadata = map[string]string{MetadataRefundReason: truncateBytes(r.Reason, 500)} // Stripe's limit of a metadata value
	}
	params.SetIdempotencyKey(r.IdempotencyKey)
	ctx, cancel := p.call(ctx)
	defer cancel()
	ref, err := p.client.V1Refunds.Create(ctx, params)
	if err != nil {
		return payments.Refunded{}, apiError("refund", err)
	}
	return payments.Refunded{ProviderID: ref.ID, Status: string(ref.Status)}, nil
}

// truncateBytes cuts s to at most n bytes without splitting a character.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
