package payments_test

import (
	"context"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// What staff type reaches PostgreSQL text columns and the customer's
// message: a NUL or bytes that are not UTF-8 are a clear refusal, never a
// database error (a 500) or a half-stored payment.
func TestReasonsWithNULOrInvalidUTF8AreRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		for _, bad := range []string{"deposit\x00", "deposit \xff\xfe", strings.Repeat("x", 1<<20), "\u202e\u0000"} {
			if _, err := e.svc.Request(ctx, e.f.Thread.ID, 10000, bad, "olga"); !isUserError(err) {
				t.Fatalf("request %q: %v", bad[:min(len(bad), 20)], err)
			}
		}
		if len(e.payments(t)) != 0 {
			t.Fatal("a refused request stored a payment")
		}
		p := e.paidOrder(t)
		for _, bad := range []string{"scratch\x00", "scratch \xff"} {
			if _, err := e.svc.Refund(ctx, p.ID, 10000, bad, "admin"); !isUserError(err) {
				t.Fatalf("refund %q: %v", bad, err)
			}
		}
		if got := e.payment(t, p.ID); got.RefundedMinor != 0 || len(e.psp.Refunds()) != 0 {
			t.Fatalf("a refused refund booked or refunded: %+v", got)
		}
	})
}

// A careless paste: two secrets in one field, a secret with a line break
// or a NUL inside, a whole file pasted. Each is refused, nothing stored.
func TestConfigureRefusesSecretsThatAreNotOneToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		before, _ := s.BranchPayment(ctx, e.f.Branch.ID)
		for _, bad := range []hub.PaymentSetup{
			{Provider: hub.ProviderStripe, SecretKey: "sk_test_1\nwhsec_test"},
			{Provider: hub.ProviderStripe, SecretKey: "sk_test_1 sk_test_2"},
			{Provider: hub.ProviderStripe, SecretKey: "sk_test_\x001"},
			{Provider: hub.ProviderStripe, SecretKey: "sk_test_" + strings.Repeat("1", 1<<20)},
			{Provider: hub.ProviderStripe, SecretKey: "sk_test_1", WebhookSecret: "whsec_\xff"},
			{Provider: hub.ProviderStripe, Account: "", SecretKey: "sk_test_1", Methods: strings.Repeat("card,", 1000)},
		} {
			if err := e.svc.Configure(ctx, e.f.Branch.ID, bad); !isUserError(err) {
				t.Fatalf("%.40q: %v", bad.SecretKey+" "+bad.WebhookSecret+" "+bad.Methods, err)
			}
		}
		if after, _ := s.BranchPayment(ctx, e.f.Branch.ID); after != before {
			t.Fatalf("a refused setup changed the stored one")
		}
	})
}
