package sms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// twilioMessage is the part of Twilio's Message resource naryad reads.
type twilioMessage struct {
	SID          string     `json:"sid"`
	Status       string     `json:"status"`
	ErrorCode    twilioCode `json:"error_code"`
	ErrorMessage string     `json:"error_message"`
}

// twilioError is Twilio's REST error body.
type twilioError struct {
	Code     twilioCode `json:"code"`
	Message  string     `json:"message"`
	MoreInfo string     `json:"more_info"`
}

// twilioCode accepts Twilio's error codes as a number, a string or null:
// the REST API sends numbers, callbacks and some proxies send strings.
type twilioCode string

func (c *twilioCode) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*c = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("twilio error code: %w", err)
		}
		*c = twilioCode(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("twilio error code: %w", err)
		}
		*c = twilioCode(n.String())
	}
	return nil
}

// temporaryTwilioCodes are 4xx answers that say "not now" rather than "never".
var temporaryTwilioCodes = map[string]bool{
	"20429": true, // too many requests
	"21611": true, // the From number's queue is full; it drains at the sender's rate
}

// interpret turns Twilio's HTTP answer into a receipt or a classified error.
func (t *Twilio) interpret(status int, header http.Header, body []byte) (Receipt, error) {
	if status == http.StatusCreated || status == http.StatusOK {
		return t.accepted(status, body)
	}
	return Receipt{}, t.rejected(status, header, body)
}

// accepted reads a 2xx answer. A message Twilio created but already marked
// failed is returned as an error together with its SID, so the outbox can
// still record which provider message it was.
func (t *Twilio) accepted(status int, body []byte) (Receipt, error) {
	var msg twilioMessage
	if err := json.Unmarshal(body, &msg); err != nil || msg.SID == "" {
		// Twilio probably created the message, but without a SID naryad
		// cannot follow it; a retry risks a duplicate rather than a loss.
		e := &Error{Provider: t.Name(), Message: fmt.Sprintf("Twilio answered HTTP %d without a message SID", status)}
		if err != nil {
			e.Err = fmt.Errorf("decode Twilio message: %w", err)
		}
		return Receipt{}, e
	}
	switch strings.ToLower(msg.Status) {
	case "delivered", "read":
		return Receipt{ProviderID: msg.SID, State: StateDelivered}, nil
	case "failed", "undelivered", "canceled":
		code := string(msg.ErrorCode)
		text := msg.ErrorMessage
		if text == "" {
			text = failureWords(code, msg.Status)
		}
		return Receipt{ProviderID: msg.SID, State: StateFailed},
			&Error{Provider: t.Name(), Permanent: true, Code: code, Message: text}
	default: // queued, accepted, scheduled, sending, sent, and anything new
		return Receipt{ProviderID: msg.SID, State: StateSent}, nil
	}
}

// rejected classifies a non-2xx answer.
func (t *Twilio) rejected(status int, header http.Header, body []byte) *Error {
	e := &Error{Provider: t.Name()}
	var te twilioError
	isJSON := json.Unmarshal(body, &te) == nil && (te.Code != "" || te.Message != "")
	if isJSON {
		e.Code = string(te.Code)
		e.Message = te.Message
	} else {
		e.Message = fmt.Sprintf("Twilio answered HTTP %d with a body that is not a Twilio error", status)
	}

	switch {
	case status == http.StatusTooManyRequests:
		e.RetryAfter = parseRetryAfter(header.Get("Retry-After"), time.Now())
		if !isJSON {
			e.Message = "Twilio rate limit (HTTP 429)"
		}
	case status == http.StatusUnauthorized:
		e.Permanent = true
		e.Message = configProblem("Twilio rejected the credentials (HTTP 401): check the account SID and auth token", te.Message)
	case status == http.StatusForbidden:
		e.Permanent = true
		e.Message = configProblem("Twilio refused access (HTTP 403): check the account SID, auth token and account permissions", te.Message)
	case status == http.StatusNotFound:
		e.Permanent = true
		e.Message = configProblem("Twilio has no such resource (HTTP 404): check the account SID and base URL", te.Message)
	case status == http.StatusRequestTimeout:
		// The request did not arrive in time; sending it again is the fix.
	case status >= 500:
		// Twilio's side; temporary whether or not the body is JSON.
	case status >= 400:
		e.Permanent = !temporaryTwilioCodes[e.Code]
	default:
		// 1xx/3xx: not something Twilio sends; most likely a proxy or a
		// wrong base URL, which another attempt will not change.
		e.Permanent = true
	}
	return e
}

// configProblem puts the operator's to-do first and Twilio's words after.
func configProblem(advice, twilioText string) string {
	if twilioText == "" {
		return advice
	}
	return advice + " (Twilio: " + twilioText + ")"
}

// parseRetryAfter reads delta-seconds or an HTTP date; 0 when absent or
// unreadable, so the outbox falls back to its own backoff.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil {
		if d := at.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
