package stripeid

import (
	"time"

	"naryad/identity"
)

// Provider is Stripe Identity as identity.Service uses it: New for a
// branch's account and ParseWebhook for its endpoint's events.
func Provider() identity.Provider {
	return identity.Provider{
		New: func(c identity.ProviderConfig) (identity.Check, error) {
			return New(Config{SecretKey: c.SecretKey, BaseURL: c.BaseURL, Timeout: c.Timeout})
		},
		ParseWebhook: func(body []byte, header func(string) string, secret string, now time.Time) (identity.Event, error) {
			ev, err := ParseWebhook(body, header(SignatureHeader), secret, now)
			if err != nil {
				return identity.Event{}, err
			}
			return identity.Event{ID: ev.ID, SessionID: ev.SessionID, Reference: ev.Reference, Status: ev.Status,
				ErrorCode: ev.LastErrorCode, ErrorReason: ev.LastErrorReason}, nil
		},
		MaxWebhookBody: MaxWebhookBody,
		SecretPrefix:   WebhookSecretPrefix,
	}
}

// SignatureHeader is the header Stripe signs its webhooks in.
const SignatureHeader = "Stripe-Signature"

// WebhookSecretPrefix starts every Stripe webhook endpoint's signing
// secret.
const WebhookSecretPrefix = "whsec_"
