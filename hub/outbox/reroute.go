package outbox

import (
	"errors"
	"fmt"
)

// RerouteError is a sender's way of saying that its channel cannot carry a
// message, now or on any retry soon, while another channel still can: the
// customer is not on WhatsApp, the account is logged out or banned, its
// daily cap of new chats is used up. The pool makes no further attempt and
// hands the item to its Rerouter at once; a pool without one fails the
// item, as for a permanent error.
//
// Its text is the reason alone: it is what the advisor reads on the message.
type RerouteError struct {
	Reason string
}

func (e *RerouteError) Error() string { return e.Reason }

// Reroute makes a RerouteError with a formatted reason.
func Reroute(format string, args ...any) error {
	return &RerouteError{Reason: fmt.Sprintf(format, args...)}
}

// ShouldReroute reports whether err (or an error it wraps) asks for the
// message to go by another channel at once.
func ShouldReroute(err error) bool {
	var r *RerouteError
	return errors.As(err, &r)
}
