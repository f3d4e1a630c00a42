package payments

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"naryad/hub"
	"naryad/hub/store"
)

// WebhookPath is where providers send their notifications:
// /api/payments/<provider>/<the branch's webhook key>.
const WebhookPath = "/api/payments/:provider/:key"

var (
	digits     = regexp.MustCompile(`^[0-9]{1,20}$`)
	methodName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
)

// Configure sets a branch's payment provider and credentials (`naryad
// payments set`, /admin). It checks them the way the provider package
// would use them (its New), seals the secrets, keeps a stored secret when
// the new one is empty (the same provider only), and picks the branch's
// webhook key once. Refusals are *UserError.
func (s *Service) Configure(ctx context.Context, branchID int64, setup hub.PaymentSetup) error {
	setup.Provider = strings.ToLower(strings.TrimSpace(setup.Provider))
	setup.Account = strings.TrimSpace(setup.Account)
	setup.SecretKey = strings.TrimSpace(setup.SecretKey)
	setup.WebhookSecret = strings.TrimSpace(setup.WebhookSecret)
	if !secretToken(setup.SecretKey) || !secretToken(setup.WebhookSecret) {
		return refuse("setup_secret_token", maxSecretLen)
	}
	if len(setup.Methods) > 512 {
		return refuse("setup_too_many_methods")
	}
	methods, err := cleanMethods(setup.Methods)
	if err != nil {
		return err
	}
	if _, err := s.store.Branch(ctx, branchID); err != nil {
		return err
	}
	factory, ok := s.factories[setup.Provider]
	switch {
	case setup.Provider != hub.ProviderStripe && setup.Provider != hub.ProviderYooKassa:
		return refuse("setup_unknown_provider", strconv.Quote(setup.Provider))
	case !ok:
		return refuse("setup_provider_missing", setup.Provider)
	case setup.Provider == hub.ProviderYooKassa && !digits.MatchString(setup.Account):
		return refuse("setup_yookassa_shop")
	case setup.Provider == hub.ProviderStripe && setup.Account != "":
		return refuse("setup_stripe_shop")
	case setup.VATCode < 0 || setup.VATCode > 12:
		return refuse("setup_vat_code")
	case setup.TaxSystem < 0 || setup.TaxSystem > 6:
		return refuse("setup_tax_system")
	case setup.Provider == hub.ProviderStripe && (setup.VATCode != 0 || setup.TaxSystem != 0):
		return refuse("setup_stripe_receipt")
	}
	prev, err := s.store.BranchPayment(ctx, branchID)
	exists := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	sameProvider := exists && prev.Provider == setup.Provider
	secret, webhook := setup.SecretKey, setup.WebhookSecret
	if secret == "" && sameProvider {
		if secret, err = s.sealer.Open(prev.SecretSealed); err != nil {
			return refuse("setup_secret_unreadable")
		}
	}
	if webhook == "" && sameProvider {
		if webhook, err = s.sealer.Open(prev.WebhookSealed); err != nil {
			return refuse("setup_webhook_unreadable")
		}
	}
	if secret == "" {
		return refuse("setup_secret_required")
	}
	if _, err := factory(ProviderConfig{Account: setup.Account, SecretKey: secret, WebhookSecret: webhook,
		Methods: splitMethods(methods), VATCode: setup.VATCode, TaxSystem: setup.TaxSystem}); err != nil {
		return refuse("setup_not_valid", err.Error())
	}
	if exists && !sameProvider {
		// The old provider's credentials go: close what is open there.
		if err := s.closeOpen(ctx, prev); err != nil {
			return err
		}
	}
	bp := hub.BranchPayment{BranchID: branchID, Provider: setup.Provider, Account: setup.Account, Methods: methods,
		VATCode: setup.VATCode, TaxSystem: setup.TaxSystem, WebhookKey: prev.WebhookKey}
	if bp.SecretSealed, err = s.sealer.Seal(secret); err != nil {
		return err
	}
	if bp.WebhookSealed, err = s.sealer.Seal(webhook); err != nil {
		return err
	}
	if bp.WebhookKey == "" {
		if bp.WebhookKey, err = newWebhookKey(); err != nil {
			return err
		}
	}
	return s.store.SaveBranchPayment(ctx, &bp)
}

// maxSecretLen bounds a pasted secret: providers' keys are ~100 characters.
const maxSecretLen = 512

// secretToken tells whether a secret as typed is one token a provider can
// have issued (empty: none given): printable ASCII without spaces, so a
// paste of two keys, a line break or a whole file is refused instead of
// being sealed and failing at every call.
func secretToken(s string) bool {
	if len(s) > maxSecretLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// Disable turns a branch's online payments off. Payments made before
// stay; the pay button goes away. The credentials go with the settings,
// and with them the webhook and the poller's questions, so the payments
// still open at the provider are closed first (closeOpen).
func (s *Service) Disable(ctx context.Context, branchID int64) error {
	bp, err := s.store.BranchPayment(ctx, branchID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.closeOpen(ctx, bp); err != nil {
		return err
	}
	return s.store.DeleteBranchPayment(ctx, branchID)
}

// closeOpen closes the branch's payments still open at its provider, and
// records their state (one paid a moment ago counts), before the settings
// that reach that provider go (off, or another provider). When one cannot
// be closed (the provider does not answer, or cannot cancel it, as
// YooKassa a pending payment) the refusal says why, and the caller keeps
// the settings.
func (s *Service) closeOpen(ctx context.Context, bp hub.BranchPayment) error {
	// Courtesy cars' deposits held on cards: only this provider's settings
	// can take or release them, so they are settled first.
	held, err := s.store.HeldHoldsOfBranch(ctx, bp.BranchID, bp.Provider)
	if err != nil {
		return err
	}
	if held > 0 {
		return refuse("setup_open_left", held, bp.Provider)
	}
	open, err := s.store.OpenPaymentsOfBranch(ctx, bp.BranchID, bp.Provider)
	if err != nil || len(open) == 0 {
		return err
	}
	prov, err := s.providerFor(bp)
	if err != nil {
		return refuse("setup_open_unreadable", len(open), bp.Provider)
	}
	left := 0
	for _, p := range open {
		st, err := s.cancelAt(ctx, prov, p)
		var pe *Error
		switch {
		case errors.As(err, &pe) && !pe.Temporary:
			// The provider refuses for good (a revoked key, a payment it
			// does not know): waiting cannot help, so it does not block.
			s.log.Warn("payment cannot be closed at its provider", "payment", p.ID, "error", err)
			continue
		case err == nil:
			_, err = s.settle(ctx, p, st, nil)
		}
		if err != nil || st.Status == hub.PaymentPending || st.Status == hub.PaymentAuthorized {
			// Still open, or a deposit the customer held a moment ago.
			s.log.Warn("close a payment before its provider's settings go", "payment", p.ID, "error", err)
			left++
		}
	}
	if left > 0 {
		return refuse("setup_open_left", left, bp.Provider)
	}
	return nil
}

// WebhookURL is the address to paste into the provider's dashboard for a
// branch; store.ErrNotFound when the branch takes no online payments.
func (s *Service) WebhookURL(ctx context.Context, branchID int64) (string, error) {
	bp, err := s.store.BranchPayment(ctx, branchID)
	if err != nil {
		return "", err
	}
	return s.publicURL + "/api/payments/" + bp.Provider + "/" + bp.WebhookKey, nil
}

// cleanMethods normalises a comma-separated list of payment methods.
func cleanMethods(s string) (string, error) {
	var out []string
	for _, m := range splitMethods(strings.ToLower(s)) {
		if !methodName.MatchString(m) {
			return "", refuse("setup_method_name", strconv.Quote(m))
		}
		out = append(out, m)
	}
	return strings.Join(out, ","), nil
}

// newWebhookKey is the random last part of a branch's webhook address, so
// the address cannot be guessed from the branch.
func newWebhookKey() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("payments: webhook key: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
