package yookassa

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"naryad/hub"
	"naryad/payments"
)

// HostedOrigin is where YooKassa's payment pages (the confirmation_url of
// a redirect payment) are: the customer page lets its pay button's
// redirect go there (Content-Security-Policy form-action).
const HostedOrigin = "https://yoomoney.ru"

// DefaultBaseURL is YooKassa's API address.
const DefaultBaseURL = "https://api.yookassa.ru/v3"

// defaultTimeout bounds each call when the config sets none.
const defaultTimeout = 20 * time.Second

// Provider is one shop's YooKassa API client. It is safe for concurrent use.
type Provider struct {
	shopID    string
	secretKey string
	baseURL   string
	timeout   time.Duration
	vatCode   int // 0: no receipt is sent
	taxSystem int // 0: tax_system_code is left out
	http      *http.Client
}

// New checks a branch's YooKassa settings and returns its client. It makes
// no call: a wrong but well-formed key shows at the first payment (401).
func New(cfg payments.ProviderConfig) (payments.Provider, error) {
	return newProvider(cfg)
}

func newProvider(cfg payments.ProviderConfig) (*Provider, error) {
	shopID := strings.TrimSpace(cfg.Account)
	if shopID == "" || strings.Trim(shopID, "0123456789") != "" {
		return nil, errors.New("yookassa: the shop id (account) must be the digits YooKassa shows in the shop's settings")
	}
	key := strings.TrimSpace(cfg.SecretKey)
	if !strings.HasPrefix(key, "live_") && !strings.HasPrefix(key, "test_") {
		return nil, errors.New("yookassa: the secret key must start with live_ or test_")
	}
	if cfg.VATCode < 0 || cfg.VATCode > 12 {
		return nil, fmt.Errorf("yookassa: VAT code %d is not one of YooKassa's vat_code values 1–12 (0: no receipt)", cfg.VATCode)
	}
	if cfg.TaxSystem < 0 || cfg.TaxSystem > 6 {
		return nil, fmt.Errorf("yookassa: tax system %d is not one of YooKassa's tax_system_code values 1–6 (0: not sent)", cfg.TaxSystem)
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("yookassa: base URL %q is not an http(s) address", cfg.BaseURL)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	return &Provider{
		shopID:    shopID,
		secretKey: key,
		baseURL:   base,
		timeout:   timeout,
		vatCode:   cfg.VATCode,
		taxSystem: cfg.TaxSystem,
		http:      &http.Client{Timeout: timeout},
	}, nil
}

// Name is hub.ProviderYooKassa.
func (p *Provider) Name() string { return hub.ProviderYooKassa }
