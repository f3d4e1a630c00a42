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
