package sms

import (
	"errors"
	"strings"
	"time"
)

// Error classifies a failed send so the outbox knows whether to retry.
type Error struct {
	Provider   string
	Permanent  bool          // retrying cannot help (invalid number, unsubscribed recipient, auth/config error…)
	Code       string        // provider's code, e.g. "21211"
	Message    string        // provider's text, shown to the advisor
	RetryAfter time.Duration // from a 429 Retry-After header, 0 if none
	Err        error         // underlying cause (network error…), may be nil
}

// Error reads "twilio: code 21211: The 'To' number … is not valid" so the
// advisor-facing text and the operator-facing cause appear in one line.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("sms")
	if e.Provider != "" {
		b.WriteString(" ")
		b.WriteString(e.Provider)
	}
	if e.Code != "" {
		b.WriteString(": code ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap exposes the cause so callers can test for context.DeadlineExceeded
// and the like.
func (e *Error) Unwrap() error { return e.Err }

// IsPermanent reports whether err (or an error it wraps) is a permanent *Error.
// Errors that are not *Error are treated as temporary: an unknown failure is
// worth another attempt, and the outbox caps attempts anyway.
func IsPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent
}

// RetryAfter returns the provider's requested wait, if any.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
