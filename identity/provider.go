package identity

import "time"

// ProviderConfig is one branch's account at a provider, as Service opens
// it from the branch's settings for Provider.New.
type ProviderConfig struct {
	SecretKey string        // the API key, in clear
	BaseURL   string        // the API's address; empty: the provider's (tests: stripe-mock)
	Timeout   time.Duration // of each call
}

// Provider is what Service needs of one provider package (stripeid's
// Provider): the check for a branch's account and the reading of its
// webhooks. The package knows no loan; Service does.
type Provider struct {
	// New builds the branch's check (stripeid.New).
	New func(ProviderConfig) (Check, error)
	// ParseWebhook verifies a webhook body with the endpoint's secret at
	// now and reads it, with this package's errors (ErrTooLarge,
	// ErrBadSignature, ErrStale, ErrIgnored; anything else: unreadable).
	ParseWebhook func(body []byte, header func(name string) string, secret string, now time.Time) (Event, error)
	// MaxWebhookBody bounds a webhook body; the route refuses a larger
	// one (413) before reading its signature.
	MaxWebhookBody int
	// SecretPrefix is how the provider's webhook signing secret starts
	// ("whsec_"): an admin's paste is checked against it.
	SecretPrefix string
}

// Event is one verified webhook, read: what a provider says happened to a
// verification.
type Event struct {
	ID          string // the provider's event id: unique, stored once
	SessionID   string // the verification's ProviderID
	Reference   string // as given to Start
	Status      Status
	ErrorCode   string // why the last try failed; with RequiresInput or Canceled only
	ErrorReason string
}
