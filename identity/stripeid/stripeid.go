// Package stripeid is Stripe Identity as an identity.Check: one
// VerificationSession of type document, with a selfie matched against the
// document's photo, per verification. The customer does it on Stripe's
// hosted page (the session's url) and comes back to the return URL; the
// outcome arrives by a signed webhook (ParseWebhook) and can be asked for
// at any time (Fetch). It uses the official client (stripe-go) for one
// branch's account. Tests run against stripe-mock (internal/stripemock).
package stripeid

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"

	"naryad/identity"
)

// Name is the provider's name (identity.Check.Name, identity.Error.Provider).
const Name = "stripe"

// HostedOrigin is where Stripe Identity's pages are: a customer page that
// links or redirects there may need it in its Content-Security-Policy.
const HostedOrigin = "https://verify.stripe.com"

// DefaultTimeout bounds each API call when the config sets none.
const DefaultTimeout = 20 * time.Second

// maxRetries is how often stripe-go retries a call that failed on the
// network (or that Stripe says to retry); a create carries an idempotency
// key, so a retry never makes a second session.
const maxRetries = 2

// Config is one branch's Stripe account, as Identity needs it.
type Config struct {
	SecretKey string        // sk_… or rk_… (a restricted key needs Identity write access)
	BaseURL   string        // the API's address; empty: Stripe's (tests: stripe-mock)
	Timeout   time.Duration // of each call; 0: DefaultTimeout
}

// check is one branch's Stripe Identity.
type check struct {
	client  *stripe.Client
	timeout time.Duration
}

var _ identity.Check = (*check)(nil)

// New checks the settings and returns the branch's Stripe Identity.
func New(cfg Config) (identity.Check, error) {
	key := strings.TrimSpace(cfg.SecretKey)
	if !strings.HasPrefix(key, "sk_") && !strings.HasPrefix(key, "rk_") {
		return nil, fmt.Errorf("stripe identity: the secret key must start with sk_ or rk_ (Dashboard → Developers → API keys), not %q", prefixOf(key))
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	backend := &stripe.BackendConfig{
		HTTPClient:        &http.Client{Timeout: timeout},
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull}, // errors are returned and logged by the caller
		MaxNetworkRetries: stripe.Int64(maxRetries),
		EnableTelemetry:   stripe.Bool(false),
	}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("stripe identity: the API address %q is not an http(s) URL", cfg.BaseURL)
		}
		backend.URL = stripe.String(strings.TrimRight(cfg.BaseURL, "/"))
	}
	return &check{
		client:  stripe.NewClient(key, stripe.WithBackends(stripe.NewBackendsWithConfig(backend))),
		timeout: timeout,
	}, nil
}

// Name is "stripe".
func (c *check) Name() string { return Name }

// call bounds one API call with the check's timeout.
func (c *check) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.timeout)
}

// prefixOf shows what a bad key starts with, never the key itself.
func prefixOf(key string) string {
	if i := strings.IndexByte(key, '_'); i >= 0 && i < 8 {
		return key[:i+1] + "…"
	}
	if key == "" {
		return ""
	}
	return "…"
}
