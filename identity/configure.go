package identity

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"naryad/hub"
	"naryad/hub/store"
)

// WebhookPath is where providers send a branch's identity webhooks:
// /api/identity/<provider>/<the branch's webhook key>, beside the
// payments' /api/payments/<provider>/<key>.
const WebhookPath = "/api/identity/:provider/:key"

// maxSecretLen bounds a pasted secret: providers' keys are ~100 characters.
const maxSecretLen = 512

// Configure sets a branch's online identity check (/admin, the branch's
// courtesy cars page): the webhook signing secret of the identity
// endpoint and, optionally, an API key of its own (else the secret key of
// the branch's Stripe payment settings is used). Secrets are sealed; an
// empty one keeps what is stored; the webhook key is picked once.
// Refusals are *UserError with a Key (the admin page's words).
func (s *Service) Configure(ctx context.Context, branchID int64, set hub.IdentitySetup) error {
	set.SecretKey, set.WebhookSecret = strings.TrimSpace(set.SecretKey), strings.TrimSpace(set.WebhookSecret)
	if !secretToken(set.SecretKey) || !secretToken(set.WebhookSecret) {
		return refuse("identity_secret_token", "a secret is not one token of printable characters (at most %v)", maxSecretLen)
	}
	if set.OwnKeyOff && set.SecretKey != "" {
		return refuse("identity_key_both", "a new key and dropping the key at once")
	}
	const provider = hub.IdentityStripe
	prov, ok := s.providers[provider]
	if !ok {
		return refuse("identity_provider_missing", "the %v provider is not in this build", provider)
	}
	if _, err := s.store.Branch(ctx, branchID); err != nil {
		return err
	}
	prev, err := s.store.BranchIdentity(ctx, branchID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	next := hub.BranchIdentity{BranchID: branchID, Provider: provider, SecretSealed: prev.SecretSealed,
		WebhookSealed: prev.WebhookSealed, WebhookKey: prev.WebhookKey}
	if set.WebhookSecret != "" {
		if !strings.HasPrefix(set.WebhookSecret, prov.SecretPrefix) {
			return refuse("identity_webhook_prefix", "the webhook signing secret must start with %v", prov.SecretPrefix)
		}
		if next.WebhookSealed, err = s.sealer.Seal(set.WebhookSecret); err != nil {
			return err
		}
	} else if next.WebhookSealed == "" {
		return refuse("identity_webhook_required", "the webhook signing secret is required")
	}
	key := set.SecretKey
	switch {
	case set.OwnKeyOff:
		next.SecretSealed = ""
	case key != "":
		if next.SecretSealed, err = s.sealer.Seal(key); err != nil {
			return err
		}
	case next.SecretSealed != "":
		if key, err = s.sealer.Open(next.SecretSealed); err != nil {
			return refuse("identity_key_unreadable", "the stored key cannot be opened: type it again")
		}
	}
	if next.SecretSealed == "" {
		if key, err = s.paymentsKey(ctx, branchID, provider); err != nil {
			return refuse("identity_payments_key_unreadable", "the key of the Stripe payment settings cannot be opened: set it again there, or type a key here")
		}
		if key == "" {
			return refuse("identity_key_required", "no API key: type one, or set up Stripe payments for the branch")
		}
	}
	if _, err := prov.New(ProviderConfig{SecretKey: key}); err != nil {
		return refuse("identity_not_valid", "%v", err.Error())
	}
	if next.WebhookKey == "" {
		if next.WebhookKey, err = newWebhookKey(); err != nil {
			return err
		}
	}
	return s.store.SaveBranchIdentity(ctx, &next)
}

// WebhookURL is the address to paste into the provider's dashboard for a
// branch; store.ErrNotFound before the branch's check is set.
func (s *Service) WebhookURL(ctx context.Context, branchID int64) (string, error) {
	bi, err := s.store.BranchIdentity(ctx, branchID)
	if err != nil {
		return "", err
	}
	return s.publicURL + "/api/identity/" + bi.Provider + "/" + bi.WebhookKey, nil
}

// refuse is an admin's refusal: Key for the admin page's words (a %s
// per blank), the English text with its %v filled by args in turn.
func refuse(key, english string, args ...any) error {
	return &UserError{Key: key, Args: args, Msg: fmt.Sprintf(english, args...)}
}

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

// newWebhookKey is the random last part of a branch's webhook address, so
// the address cannot be guessed from the branch.
func newWebhookKey() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("identity: webhook key: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
