package stripepay

import (
	"context"
	"errors"
	"net/http"

	"github.com/stripe/stripe-go/v82"

	"naryad/hub"
	"naryad/payments"
)

// apiError turns what stripe-go returned into a *payments.Error that says
// whether trying later can help: a network failure, a timeout, a conflict
// (409), too many requests (429) or Stripe's own trouble (5xx) can; a
// refusal (bad key, bad parameters, a declined refund) cannot.
func apiError(op string, err error) error {
	var se *stripe.Error
	if errors.As(err, &se) {
		code := string(se.Code)
		if code == "" {
			code = string(se.Type)
		}
		msg := se.Msg
		if msg == "" {
			msg = http.StatusText(se.HTTPStatusCode)
		}
		status := se.HTTPStatusCode
		return &payments.Error{
			Provider:  "stripe",
			Op:        op,
			Status:    status,
			Code:      code,
			Message:   msg,
			Temporary: status == 0 || status == http.StatusConflict || status == http.StatusTooManyRequests || status >= 500,
		}
	}
	msg := err.Error()
	if errors.Is(err, context.DeadlineExceeded) {
		msg = "no answer in time: " + msg
	}
	return &payments.Error{Provider: hub.ProviderStripe, Op: op, Message: msg, Temporary: true}
}
