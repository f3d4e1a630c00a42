// Package stripepay is the Stripe payment provider: one Checkout Session
// (Stripe's hosted page) per payment, in PLN or EUR, paid by card (Apple Pay
// and Google Pay come with it), BLIK or Przelewy24. It implements
// payments.Provider with the official client (stripe-go) for one branch's
// account; the service in package payments decides when to call it.
//
// Webhooks are signed (Stripe-Signature, the endpoint's whsec_ secret), so
// their state is trusted. Tests run against stripe-mock (internal/stripemock).
package stripepay

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"

	"naryad/hub"
	"naryad/payments"
)

// HostedOrigin is where Checkout's pages are: the customer page lets its
// pay button's redirect go there (Content-Security-Policy form-action).
const HostedOrigin = "https://checkout.stripe.com"

// DefaultTimeout bounds each API call when the config sets none.
const DefaultTimeout = 20 * time.Second

// maxRetries is how often stripe-go retries a call that failed on the
// network (or that Stripe says to retry); POSTs carry an idempotency key,
// so a retry never makes a second session or refund.
const maxRetries = 2

// provider is one branch's Stripe account.
type provider struct {
	client        *stripe.Client
	webhookSecret string
	methods       []string // the branch's choice; nil: by currency
	timeout       time.Duration
}

var _ payments.Provider = (*provider)(nil)

// New checks the branch's Stripe settings and returns its provider. The
// secret key is a secret (sk_…) or restricted (rk_…) key; the webhook
// secret, when set, is an endpoint's signing secret (whsec_…).
func New(cfg payments.ProviderConfig) (payments.Provider, error) {
	key := strings.TrimSpace(cfg.SecretKey)
	if !strings.HasPrefix(key, "sk_") && !strings.HasPrefix(key, "rk_") {
		return nil, fmt.Errorf("stripe: the secret key must start with sk_ or rk_ (Dashboard → Developers → API keys), not %q", prefixOf(key))
	}
	whsec := strings.TrimSpace(cfg.WebhookSecret)
	if whsec != "" && !strings.HasPrefix(whsec, "whsec_") {
		return nil, fmt.Errorf("stripe: the webhook signing secret must start with whsec_ (Dashboard → Developers → Webhooks → the endpoint), not %q", prefixOf(whsec))
	}
	methods, err := cleanMethods(cfg.Methods)
	if err != nil {
		return nil, err
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
			return nil, fmt.Errorf("stripe: the API address %q is not an http(s) URL", cfg.BaseURL)
		}
		backend.URL = stripe.String(strings.TrimRight(cfg.BaseURL, "/"))
	}
	return &provider{
		client:        stripe.NewClient(key, stripe.WithBackends(stripe.NewBackendsWithConfig(backend))),
		webhookSecret: whsec,
		methods:       methods,
		timeout:       timeout,
	}, nil
}

// Name is hub.ProviderStripe.
func (p *provider) Name() string { return hub.ProviderStripe }

// call bounds one API call with the provider's timeout.
func (p *provider) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, p.timeout)
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
