package sms

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// twilioTimeout bounds one Send when neither the caller's context nor the
// HTTP client does.
const twilioTimeout = 15 * time.Second

// maxTwilioBody caps how much of a response is read; Twilio's answers are a
// few kilobytes, anything larger is a misbehaving proxy.
const maxTwilioBody = 1 << 20

// TwilioConfig is what the Twilio provider needs to send and to verify
// status callbacks.
type TwilioConfig struct {
	AccountSID        string
	AuthToken         string
	From              string       // E.164 number, alphanumeric sender ID, or a Messaging Service SID ("MG" and 32 hex digits)
	BaseURL           string       // default https://api.twilio.com
	StatusCallbackURL string       // optional; full URL Twilio will POST status updates to
	HTTPClient        *http.Client // optional; default one with a 15 s timeout
}

// Twilio sends SMS through Twilio's Programmable Messaging REST API.
type Twilio struct {
	accountSID     string
	authToken      string
	from           string
	endpoint       string // …/Accounts/{AccountSID}/Messages.json
	statusCallback string
	client         *http.Client
	timeout        time.Duration // applied when ctx has no deadline
}

var _ Provider = (*Twilio)(nil)

// NewTwilio builds the client. It does not contact Twilio: a wrong SID or
// token surfaces as a permanent *Error on the first Send.
func NewTwilio(cfg TwilioConfig) *Twilio {
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = "https://api.twilio.com"
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: twilioTimeout}
	}
	return &Twilio{
		accountSID:     cfg.AccountSID,
		authToken:      cfg.AuthToken,
		from:           cfg.From,
		endpoint:       base + "/2010-04-01/Accounts/" + url.PathEscape(cfg.AccountSID) + "/Messages.json",
		statusCallback: cfg.StatusCallbackURL,
		client:         client,
		timeout:        twilioTimeout,
	}
}

// Name identifies the provider in errors and logs.
func (t *Twilio) Name() string { return "twilio" }

// String keeps the auth token out of anything that prints the provider
// (fmt would otherwise dump every field).
func (t *Twilio) String() string { return "twilio account " + t.accountSID }

// Send asks Twilio to create the message. Twilio has no idempotency key for
// this call, so a timeout after Twilio accepted the request followed by a
// retry can deliver the SMS twice; that is preferred to losing it.
func (t *Twilio) Send(ctx context.Context, m Message) (Receipt, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.endpoint, strings.NewReader(t.form(m).Encode()))
	if err != nil {
		// Only a malformed BaseURL gets here; retrying cannot fix it.
		return Receipt{}, &Error{Provider: t.Name(), Permanent: true, Message: "build request: check the Twilio base URL", Err: err}
	}
	req.SetBasicAuth(t.accountSID, t.authToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")

	resp, err := t.client.Do(req)
	if err != nil {
		// Network errors, timeouts and cancellation: the message may or may
		// not have been created, another attempt is the best we can do.
		return Receipt{}, &Error{Provider: t.Name(), Message: "request to Twilio failed", Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTwilioBody))
	if err != nil {
		return Receipt{}, &Error{Provider: t.Name(), Message: "read Twilio response", Err: err}
	}
	return t.interpret(resp.StatusCode, resp.Header, body)
}

// messagingServiceSID is what a Messaging Service SID looks like; an
// alphanumeric sender ID ("MGMOTORS") may start with "MG" as well.
var messagingServiceSID = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)

// form builds the documented Messages create parameters.
func (t *Twilio) form(m Message) url.Values {
	f := url.Values{}
	f.Set("To", m.To)
	f.Set("Body", m.Body)
	if messagingServiceSID.MatchString(t.from) {
		f.Set("MessagingServiceSid", t.from)
	} else {
		f.Set("From", t.from)
	}
	if t.statusCallback != "" {
		f.Set("StatusCallback", t.statusCallback)
	}
	return f
}
