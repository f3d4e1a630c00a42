package stripeid

import (
	"context"
	"errors"
	"net/http"

	"github.com/stripe/stripe-go/v82"

	"naryad/identity"
)

// apiError turns what stripe-go returned into an *identity.Error that says
// whether trying later can help: a network failure, a timeout, a conflict
// (409), too many requests (429) or Stripe's own trouble (5xx) can; a
// refusal (bad key, bad parameters, Identity not activated) cannot.
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
		return &identity.Error{
			Provider:  Name,
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
	return &identity.Error{Provider: Name, Op: op, Message: msg, Temporary: true}
}

// refusal is a request refused before asking Stripe.
func refusal(op, msg string) error {
	return &identity.Error{Provider: Name, Op: op, Code: "invalid_request", Message: msg}
}
