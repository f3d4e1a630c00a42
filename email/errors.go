package email

import (
	"errors"
	"fmt"
	"net/textproto"
)

// Error is a failed send as the outbox reads it: Permanent when the SMTP
// server refused the message itself with a 5xx answer (an unknown
// recipient, a message it will never take), so another attempt cannot
// help. A 4xx answer, a network failure or a timeout is temporary.
type Error struct {
	Stage     string // what was under way: "connect", "MAIL FROM", "RCPT TO", "DATA", "compose"
	Code      int    // the server's reply code, 0 when it gave none
	Permanent bool
	Err       error
}

// Error reads "smtp RCPT TO: 550 5.1.1 no such user"; it is what the
// advisor reads on the failed message.
func (e *Error) Error() string {
	return fmt.Sprintf("smtp %s: %v", e.Stage, e.Err)
}

// Unwrap exposes the cause (a *textproto.Error, a net.Error, …).
func (e *Error) Unwrap() error { return e.Err }

// IsPermanentFailure tells the outbox that retrying cannot help.
func (e *Error) IsPermanentFailure() bool { return e.Permanent }

// IsPermanent reports whether err (or an error it wraps) is a permanent *Error.
func IsPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent
}

// classify wraps an error of one SMTP stage. Only the answers to the
// message's own commands (MAIL FROM, RCPT TO, DATA) can be permanent: a
// 5xx there is about this message. A failure while connecting (TLS, a
// refused login, a 5xx greeting) is about the server or our settings,
// which an operator can fix: the message waits for that with the usual
// backoff instead of failing for good.
func classify(stage string, err error) error {
	if err == nil {
		return nil
	}
	e := &Error{Stage: stage, Err: err}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		e.Code = tp.Code
		e.Permanent = tp.Code >= 500 && tp.Code < 600 && stage != stageConnect
	}
	return e
}

// permanent is a failure that is the message's own and no server can
// change: an address naryad cannot write to, a broken branch key.
func permanent(stage string, err error) error {
	return &Error{Stage: stage, Permanent: true, Err: err}
}

const (
	stageCompose  = "compose"
	stageConnect  = "connect"
	stageMailFrom = "MAIL FROM"
	stageRcptTo   = "RCPT TO"
	stageData     = "DATA"
)
