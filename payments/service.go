package payments

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// Factory builds a provider's client for one branch's account: a provider
// package's New (stripepay.New, yookassa.New).
type Factory func(ProviderConfig) (Provider, error)

// Lockers is what a payment needs from the key lockers (lockerhub): a work
// order that became paid gets its pickup PIN when its keys are in a box.
type Lockers interface {
	WorkOrderSaved(ctx context.Context, tx *store.Store, w hub.WorkOrder, created bool) (bool, error)
}

// Options wire a Service. Store, Sealer, Texts, Links and PublicURL are
// required; the rest take the default each names.
type Options struct {
	Store  *store.Store
	Sealer *hub.Sealer         // opens the branches' provider secrets
	Texts  *templates.Renderer // the customer's messages
	Links  *hub.Links          // the customer page's link in them
	// Queued wakes the outbox after a commit that queued a message;
	// default: nothing (the outbox finds it at its next poll).
	Queued func()
	// Lockers sends the pickup PIN of a work order paid online; nil: no
	// branch has a key locker.
	Lockers Lockers
	// Providers builds each provider's client by its name (hub.Provider…);
	// a provider missing here cannot be configured.
	Providers map[string]Factory
	PublicURL string // the hub's public address, for the webhook URLs
	Logger    *slog.Logger
	Now       func() time.Time // default time.Now
	// BaseURLs points a provider at another API address (tests: a fake,
	// stripe-mock); empty: the provider's real one.
	BaseURLs map[string]string
	// Timeout of each provider call; default 20 s.
	Timeout time.Duration
}

// Service takes payments by link: it makes the providers' hosted pages for
// the customer page, reads their webhooks, polls for lost ones, and on a
// payment's success records it, tells the DMS, the customer and the key
// locker, all in one transaction.
type Service struct {
	store     *store.Store
	sealer    *hub.Sealer
	texts     *templates.Renderer
	links     *hub.Links
	queued    func()
	lockers   Lockers
	factories map[string]Factory
	publicURL string
	log       *slog.Logger
	now       func() time.Time
	baseURLs  map[string]string
	timeout   time.Duration
	zones     hub.Zones
}

// New wires the service.
func New(o Options) (*Service, error) {
	switch {
	case o.Store == nil:
		return nil, errors.New("payments: no store")
	case o.Sealer == nil:
		return nil, errors.New("payments: no sealer")
	case o.Texts == nil:
		return nil, errors.New("payments: no message texts")
	case o.Links == nil:
		return nil, errors.New("payments: no links")
	case o.PublicURL == "":
		return nil, errors.New("payments: no public URL")
	}
	if o.Queued == nil {
		o.Queued = func() {}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout <= 0 {
		o.Timeout = 20 * time.Second
	}
	return &Service{
		store: o.Store, sealer: o.Sealer, texts: o.Texts, links: o.Links, queued: o.Queued, lockers: o.Lockers,
		factories: o.Providers, publicURL: strings.TrimRight(o.PublicURL, "/"), log: o.Logger.With("module", "payments"),
		now: o.Now, baseURLs: o.BaseURLs, timeout: o.Timeout,
	}, nil
}

// UserError is a refusal meant for the person who asked (an advisor, an
// admin, a customer): pages show its message; other errors get a generic
// text. A staff refusal has a Key (staff_refusals.go), so staff pages word
// it in their reader's language; a customer's (Start) has only Msg, in the
// customer's language already.
type UserError struct {
	Key  string // "" for a customer's refusal
	Args []any  // the Key's blanks, in order: strings, numbers, Amounts
	Msg  string // the words as the service writes them (English for staff)
}

func (e *UserError) Error() string { return e.Msg }

// UserMessage is what a page shows that does not word Key itself
// (hub/web/customer.UserError, staffpage.UserMessage).
func (e *UserError) UserMessage() string { return e.Msg }

// UserRefusal is the refusal's key and blanks for staff pages
// (staffpage.UserMessageIn); the key is "" for a customer's refusal.
func (e *UserError) UserRefusal() (string, []any) { return e.Key, e.Args }

// providerFor builds the client of a branch's provider from its settings.
func (s *Service) providerFor(bp hub.BranchPayment) (Provider, error) {
	factory, ok := s.factories[bp.Provider]
	if !ok {
		return nil, fmt.Errorf("payments: provider %q is not available in this build", bp.Provider)
	}
	cfg, err := s.configOf(bp)
	if err != nil {
		return nil, err
	}
	p, err := factory(cfg)
	if err != nil {
		return nil, fmt.Errorf("payments: %s of branch %d: %w", bp.Provider, bp.BranchID, err)
	}
	return p, nil
}

// configOf opens a branch's settings into what a provider package needs.
func (s *Service) configOf(bp hub.BranchPayment) (ProviderConfig, error) {
	secret, err := s.sealer.Open(bp.SecretSealed)
	if err != nil {
		return ProviderConfig{}, fmt.Errorf("payments: secret key of branch %d: %w", bp.BranchID, err)
	}
	webhook, err := s.sealer.Open(bp.WebhookSealed)
	if err != nil {
		return ProviderConfig{}, fmt.Errorf("payments: webhook secret of branch %d: %w", bp.BranchID, err)
	}
	return ProviderConfig{
		Account: bp.Account, SecretKey: secret, WebhookSecret: webhook, Methods: splitMethods(bp.Methods),
		VATCode: bp.VATCode, TaxSystem: bp.TaxSystem, BaseURL: s.baseURLs[bp.Provider], Timeout: s.timeout,
	}, nil
}

func splitMethods(s string) []string {
	var out []string
	for _, m := range strings.Split(s, ",") {
		if m = strings.TrimSpace(m); m != "" {
			out = append(out, m)
		}
	}
	return out
}

// call bounds one provider call by the service's timeout (the provider
// packages have their own too).
func (s *Service) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout+5*time.Second)
}

func newKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("payments: random key: %w", err)
	}
	return hex.EncodeToString(b), nil
}
