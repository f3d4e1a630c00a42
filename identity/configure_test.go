package identity_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// wantRefusal checks err is an admin's refusal with the key given.
func wantRefusal(t *testing.T, err error, key string) {
	t.Helper()
	var kr interface{ UserRefusal() (string, []any) }
	if !errors.As(err, &kr) {
		t.Fatalf("error %v, want the refusal %s", err, key)
	}
	if got, _ := kr.UserRefusal(); got != key {
		t.Fatalf("refusal %s (%v), want %s", got, err, key)
	}
}

// An admin's settings are sealed, never stored in clear; a secret left
// empty is kept; the webhook address is picked once; dropping the own
// key falls back to the Stripe payments key, and is refused without one.
// Bad pastes are refused and change nothing.
func TestConfigureSealsAndKeeps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, &hub.IdentitySetup{})
		branch := e.f.Branch.ID
		if _, err := e.svc.WebhookURL(ctx, branch); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("webhook address before any settings: %v", err)
		}
		wantRefusal(t, e.svc.Configure(ctx, branch, hub.IdentitySetup{SecretKey: apiKey}), "identity_webhook_required")
		wantRefusal(t, e.svc.Configure(ctx, branch, hub.IdentitySetup{WebhookSecret: whsec}), "identity_key_required")
		if err := e.svc.Configure(ctx, branch, hub.IdentitySetup{SecretKey: " " + apiKey + " ", WebhookSecret: whsec}); err != nil {
			t.Fatal(err)
		}
		first, err := s.BranchIdentity(ctx, branch)
		if err != nil {
			t.Fatal(err)
		}
		if first.Provider != hub.IdentityStripe || first.WebhookKey == "" || strings.Contains(first.SecretSealed, "sk_") ||
			strings.Contains(first.WebhookSealed, "whsec") {
			t.Fatalf("stored %+v", first)
		}
		open := func(sealed string) string {
			plain, err := e.sealer.Open(sealed)
			if err != nil {
				t.Fatal(err)
			}
			return plain
		}
		if open(first.SecretSealed) != apiKey || open(first.WebhookSealed) != whsec {
			t.Fatalf("sealed secrets do not open to what was typed")
		}
		u, err := e.svc.WebhookURL(ctx, branch)
		if err != nil || u != publicURL+"/api/identity/stripe/"+first.WebhookKey {
			t.Fatalf("webhook address %q, %v", u, err)
		}

		// Empty keeps; a new webhook secret replaces; the address stays.
		if err := e.svc.Configure(ctx, branch, hub.IdentitySetup{WebhookSecret: "whsec_second"}); err != nil {
			t.Fatal(err)
		}
		second, _ := s.BranchIdentity(ctx, branch)
		if open(second.SecretSealed) != apiKey || open(second.WebhookSealed) != "whsec_second" || second.WebhookKey != first.WebhookKey {
			t.Fatalf("after a second save %+v", second)
		}

		for name, c := range map[string]struct {
			set hub.IdentitySetup
			key string
		}{
			"payments' kind of key":  {hub.IdentitySetup{SecretKey: "pk_test_x"}, "identity_not_valid"},
			"not a webhook secret":   {hub.IdentitySetup{WebhookSecret: "sk_test_x"}, "identity_webhook_prefix"},
			"two keys pasted":        {hub.IdentitySetup{SecretKey: apiKey + " " + apiKey}, "identity_secret_token"},
			"a NUL":                  {hub.IdentitySetup{WebhookSecret: "whsec_\x00"}, "identity_secret_token"},
			"a whole file":           {hub.IdentitySetup{SecretKey: "sk_test_" + strings.Repeat("a", 600)}, "identity_secret_token"},
			"new key and no key":     {hub.IdentitySetup{SecretKey: apiKey, OwnKeyOff: true}, "identity_key_both"},
			"no key without payment": {hub.IdentitySetup{OwnKeyOff: true}, "identity_key_required"},
		} {
			t.Run(name, func(t *testing.T) {
				wantRefusal(t, e.svc.Configure(ctx, branch, c.set), c.key)
				if now, _ := s.BranchIdentity(ctx, branch); now != second {
					t.Fatalf("a refused save changed %+v", now)
				}
			})
		}

		// With Stripe payments, the own key may go.
		sealed, err := e.sealer.Seal(paymentsKey)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveBranchPayment(ctx, &hub.BranchPayment{BranchID: branch, Provider: hub.ProviderStripe, SecretSealed: sealed, WebhookKey: "pk"}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Configure(ctx, branch, hub.IdentitySetup{OwnKeyOff: true}); err != nil {
			t.Fatal(err)
		}
		if third, _ := s.BranchIdentity(ctx, branch); third.SecretSealed != "" || open(third.WebhookSealed) != "whsec_second" {
			t.Fatalf("after dropping the own key %+v", third)
		}
		if err := e.svc.Configure(ctx, 9999, hub.IdentitySetup{WebhookSecret: whsec}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown branch: %v", err)
		}
	})
}
