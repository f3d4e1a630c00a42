package admincmd_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"naryad/app/admincmd"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/payments"
)

// acceptSK stands for a provider package's New: it takes sk_ keys only.
func acceptSK(cfg payments.ProviderConfig) (payments.Provider, error) {
	if !strings.HasPrefix(cfg.SecretKey, "sk_") {
		return nil, errors.New("the secret key starts with sk_")
	}
	return nil, nil
}

func TestPaymentsSetAndOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		ctx := context.Background()
		br := hub.Branch{Code: "WAW1", Name: "Warszawa", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"}
		if err := s.CreateBranch(ctx, &br); err != nil {
			t.Fatal(err)
		}
		providers := map[string]payments.Factory{hub.ProviderStripe: acceptSK, hub.ProviderYooKassa: acceptSK}
		env := map[string]string{}
		set := admincmd.PaymentsSetCommand(func(k string) string { return env[k] }, providers)
		keyFile := filepath.Join(t.TempDir(), "key")
		if err := os.WriteFile(keyFile, []byte("sk_live_123\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		twoKeys := filepath.Join(t.TempDir(), "two")
		if err := os.WriteFile(twoKeys, []byte("sk_live_123\nwhsec_abc\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, bad := range [][]string{
			{"--provider", "stripe", "--secret-key-file", keyFile},                     // no branch
			{"--branch", "NOPE", "--provider", "stripe", "--secret-key-file", keyFile}, // unknown branch
			{"--branch", "WAW1", "--provider", "paypal", "--secret-key-file", keyFile},
			{"--branch", "WAW1", "--provider", "stripe"}, // no secret anywhere
			{"--branch", "WAW1", "--provider", "stripe", "--secret-key-file", filepath.Join(t.TempDir(), "missing")},
			{"--branch", "WAW1", "--provider", "stripe", "--secret-key-file", "/dev/zero"}, // a wrong file, endless
			{"--branch", "WAW1", "--provider", "stripe", "--secret-key-file", twoKeys},
		} {
			if _, err := runCommand(t, set, b, "", bad...); err == nil {
				t.Fatalf("%v: accepted", bad)
			}
		}
		if _, err := s.BranchPayment(ctx, br.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a refused command stored settings: %v", err)
		}
		// A first set has no webhook secret yet: the endpoint is made
		// from the address it prints. It says what that means.
		out, err := runCommand(t, set, b, "", "--branch", "WAW1", "--provider", "stripe", "--secret-key-file", keyFile)
		if err != nil || !strings.Contains(out, "/api/payments/stripe/") || !strings.Contains(out, "warning: no webhook signing secret") {
			t.Fatalf("set without a webhook secret: %q %v", out, err)
		}
		env[admincmd.EnvPaymentWebhookSecret] = "whsec_abc"
		out, err = runCommand(t, set, b, "", "--branch", "WAW1", "--provider", "stripe", "--secret-key-file", keyFile, "--methods", "card,blik")
		if err != nil || !strings.Contains(out, "/api/payments/stripe/") || strings.Contains(out, "warning") {
			t.Fatalf("set: %q %v", out, err)
		}
		bp, err := s.BranchPayment(ctx, br.ID)
		if err != nil || bp.Methods != "card,blik" || strings.Contains(bp.SecretSealed, "sk_live") || strings.Contains(bp.WebhookSealed, "whsec") {
			t.Fatalf("stored: %+v %v", bp, err)
		}
		secret, err := hub.LoadSecret("", b.DataDir)
		if err != nil {
			t.Fatal(err)
		}
		sealer, err := hub.NewSealer(secret)
		if err != nil {
			t.Fatal(err)
		}
		if key, _ := sealer.Open(bp.SecretSealed); key != "sk_live_123" {
			t.Fatalf("sealed key opens to %q", key)
		}
		if wh, _ := sealer.Open(bp.WebhookSealed); wh != "whsec_abc" {
			t.Fatalf("sealed webhook secret opens to %q", wh)
		}
		if !strings.Contains(out, bp.WebhookKey) {
			t.Fatalf("the printed address is not the branch's: %q", out)
		}
		// Again with the key from the environment's _FILE variant.
		delete(env, admincmd.EnvPaymentWebhookSecret)
		env[admincmd.EnvPaymentSecretKey+"_FILE"] = keyFile
		if _, err := runCommand(t, set, b, "", "--branch", "WAW1", "--provider", "stripe"); err != nil {
			t.Fatal(err)
		}
		again, _ := s.BranchPayment(ctx, br.ID)
		if again.WebhookKey != bp.WebhookKey || again.Methods != "" {
			t.Fatalf("set again: %+v", again)
		}
		if wh, _ := sealer.Open(again.WebhookSealed); wh != "whsec_abc" {
			t.Fatalf("the stored webhook secret was not kept: %q", wh)
		}
		log, err := s.AuditLog(ctx, 10)
		if err != nil || len(log) != 3 || log[0].Subject != "branch WAW1 payments" {
			t.Fatalf("audit: %+v %v", log, err)
		}
		out, err = runCommand(t, admincmd.PaymentsOffCommand(providers), b, "", "--branch", "WAW1")
		if err != nil || !strings.Contains(out, "no longer takes online payments") {
			t.Fatalf("off: %q %v", out, err)
		}
		if _, err := s.BranchPayment(ctx, br.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after off: %v", err)
		}
	})
}
