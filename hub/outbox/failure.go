package outbox

import (
	"errors"
	"time"
)

// How a Sender's error tells the outbox what to do next. The outbox reads
// these two small interfaces instead of any channel's error type, so the
// core knows no channel (hub/sms's *Error implements both).

// permanentFailure is an error after which retrying cannot help: an invalid
// number, an unsubscribed recipient, a rejected configuration.
type permanentFailure interface{ IsPermanentFailure() bool }

// requestedWait is an error that names how long the provider asked to be
// left alone (a 429's Retry-After).
type requestedWait interface{ RequestedWait() time.Duration }

// IsPermanent tells whether err, or an error it wraps, says retrying
// cannot help.
func IsPermanent(err error) bool {
	var p permanentFailure
	return errors.As(err, &p) && p.IsPermanentFailure()
}

// RetryAfter is the wait err's provider asked for, 0 if none.
func RetryAfter(err error) time.Duration {
	var w requestedWait
	if errors.As(err, &w) {
		return w.RequestedWait()
	}
	return 0
}
