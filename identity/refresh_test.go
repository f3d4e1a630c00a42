package identity_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/templates"
)

// A customer back from Stripe's page before the webhook: Refresh reads the
// verification and applies it as the webhook does (the line for staff; at
// verified the feed's change and the customer's message), and the webhook
// arriving later changes nothing more.
func TestRefreshAppliesWhatStripeSaysBeforeTheWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, nil)
		e.setSession(t, "vs_back")
		before := e.record(t)

		e.mock.Patch(http.MethodGet, sessionsAt+"/vs_back", e.session("vs_back", "processing", nil))
		l, err := e.svc.Refresh(ctx, e.reload(t))
		if err != nil || l.IdentityStatus != hub.IdentityProcessing {
			t.Fatalf("Refresh = %s, %v; want processing", l.IdentityStatus, err)
		}
		r := e.record(t)
		if !slices.Contains(r.lines, templates.SysLoanIdentityProcessing) || len(r.events) != len(before.events) || len(r.messages) != len(before.messages) {
			t.Fatalf("after processing: %v (before %v)", r, before)
		}
		// The page loads again: the same state writes nothing.
		if _, err := e.svc.Refresh(ctx, e.reload(t)); err != nil {
			t.Fatal(err)
		}
		if again := e.record(t); !again.same(r) {
			t.Fatalf("a second refresh wrote %v (before %v)", again, r)
		}

		e.mock.Patch(http.MethodGet, sessionsAt+"/vs_back", e.session("vs_back", "verified", nil))
		l, err = e.svc.Refresh(ctx, e.reload(t))
		if err != nil || l.IdentityStatus != hub.IdentityVerified || l.IdentityCheckedAt == nil {
			t.Fatalf("Refresh = %+v, %v; want verified", l, err)
		}
		r = e.record(t)
		if !slices.Contains(r.events, hub.LoanEventVerified) || len(r.messages) != len(before.messages)+1 {
			t.Fatalf("after verified: %v", r)
		}
		if code := e.deliver(t, e.event("evt_late", "verified", "vs_back", nil)); code != http.StatusOK {
			t.Fatalf("late webhook: %d", code)
		}
		if late := e.record(t); !late.same(r) {
			t.Fatalf("the late webhook wrote %v (before %v)", late, r)
		}
	})
}

// Stripe not answering in time: Refresh gives up within the caller's
// timeout with an error and the loan as it was.
func TestRefreshTimesOutAndLeavesTheLoan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, nil)
		e.setSession(t, "vs_slow")
		e.mock.Stall(http.MethodGet, sessionsAt+"/vs_slow")
		l := e.reload(t)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		got, err := e.svc.Refresh(ctx, l)
		if err == nil {
			t.Fatal("Refresh of a Stripe that does not answer: no error")
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Fatalf("Refresh took %v", d)
		}
		if got.Version != l.Version || e.reload(t).Version != l.Version {
			t.Fatalf("the loan changed: %+v", got)
		}
	})
}

// Nothing to ask: a loan without a verification, or one verified, costs no
// call to Stripe.
func TestRefreshAsksNothingWithoutAVerification(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, nil)
		if _, err := e.svc.Refresh(context.Background(), e.reload(t)); err != nil {
			t.Fatal(err)
		}
		if n := len(e.mock.Requests()); n != 0 {
			t.Fatalf("%d calls to Stripe for a loan without a verification", n)
		}
	})
}
