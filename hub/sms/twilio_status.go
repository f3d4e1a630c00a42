package sms

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// StatusUpdate is a delivery report from the provider.
type StatusUpdate struct {
	ProviderID string
	State      string // StateSent, StateDelivered, StateRead or StateFailed
	Error      string // "30003: Unreachable destination handset" style text when failed, code only if no text
}

// twilioStates maps Twilio's MessageStatus onto naryad's states. Statuses
// that only concern inbound messages (receiving, received) are deliberately
// absent: they never describe a message naryad sent.
var twilioStates = map[string]string{
	"queued":    StateSent,
	"accepted":  StateSent,
	"scheduled": StateSent,
	"sending":   StateSent,
	"sent":      StateSent,
	"delivered": StateDelivered,
	"read":      StateRead,
	// Some parts of a long message reached the handset: the customer has
	// it, if not whole; calling it failed would invite a duplicate resend.
	"partially_delivered": StateDelivered,
	"undelivered":         StateFailed,
	"failed":              StateFailed,
	"canceled":            StateFailed,
}

// twilioFailureTexts names the delivery errors an advisor will meet most.
var twilioFailureTexts = map[string]string{
	"30001": "Queue overflow",
	"30002": "Account suspended",
	"30003": "Unreachable destination handset",
	"30004": "Message blocked",
	"30005": "Unknown destination handset",
	"30006": "Landline or unreachable carrier",
	"30007": "Message filtered",
	"30008": "Unknown error",
}

// ParseTwilioStatus reads the form of a Twilio status callback. Verify the
// signature first: the form is attacker-controlled until then.
func ParseTwilioStatus(form url.Values) (StatusUpdate, error) {
	sid := strings.TrimSpace(form.Get("MessageSid"))
	if sid == "" {
		return StatusUpdate{}, errors.New("parse twilio status: MessageSid missing")
	}
	status := strings.ToLower(strings.TrimSpace(form.Get("MessageStatus")))
	state, ok := twilioStates[status]
	if !ok {
		return StatusUpdate{}, fmt.Errorf("parse twilio status: message %s: unknown MessageStatus %q", sid, form.Get("MessageStatus"))
	}
	u := StatusUpdate{ProviderID: sid, State: state}
	if state == StateFailed {
		u.Error = failureText(strings.TrimSpace(form.Get("ErrorCode")), status)
	}
	return u, nil
}

// failureText is "30003: Unreachable destination handset" for known codes,
// "error 30034" for others and the bare status when Twilio gave no code.
func failureText(code, status string) string {
	if code == "" {
		return status
	}
	if text, ok := twilioFailureTexts[code]; ok {
		return code + ": " + text
	}
	return "error " + code
}

// failureWords is what a failure code means without the code itself
// ("Unreachable destination handset"), or the status when the code is not
// one of the known ones: for an *Error, which gives its Code on its own.
func failureWords(code, status string) string {
	if text, ok := twilioFailureTexts[code]; ok {
		return text
	}
	return status
}
