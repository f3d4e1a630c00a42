package identity_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// cancels counts the cancel calls of session id stripe-mock received.
func (e *env) cancels(id string) int {
	n := 0
	for _, r := range e.mock.Requests() {
		if r.Method == http.MethodPost && r.Path == sessionsAt+"/"+id+"/cancel" {
			n++
		}
	}
	return n
}

// A verification left for the photos is cancelled at Stripe; one Stripe
// is processing is left alone (Stripe would refuse); a Stripe that fails
// or does not answer is an error within the timeout, for the log; no
// session asks nothing.
func TestCancelCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, nil)
		branch := e.f.Branch.ID

		e.mock.Patch(http.MethodGet, sessionsAt+"/vs_wait", e.session("vs_wait", "requires_input", nil))
		if err := e.svc.CancelCheck(ctx, branch, "vs_wait"); err != nil || e.cancels("vs_wait") != 1 {
			t.Fatalf("cancel of a waiting session: %v, %d calls", err, e.cancels("vs_wait"))
		}

		e.mock.Patch(http.MethodGet, sessionsAt+"/vs_proc", e.session("vs_proc", "processing", nil))
		if err := e.svc.CancelCheck(ctx, branch, "vs_proc"); err != nil || e.cancels("vs_proc") != 0 {
			t.Fatalf("cancel of a processing session: %v, %d calls", err, e.cancels("vs_proc"))
		}

		e.mock.Patch(http.MethodGet, sessionsAt+"/vs_fail", e.session("vs_fail", "requires_input", nil))
		e.mock.Fail(http.MethodPost, sessionsAt+"/vs_fail/cancel", http.StatusInternalServerError, "api_error", "down")
		if err := e.svc.CancelCheck(ctx, branch, "vs_fail"); err == nil {
			t.Fatal("a failing Stripe: no error")
		}

		e.mock.Stall(http.MethodGet, sessionsAt+"/vs_slow")
		tctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := e.svc.CancelCheck(tctx, branch, "vs_slow"); err == nil || time.Since(start) > 4*time.Second {
			t.Fatalf("a Stripe that does not answer: %v after %v", err, time.Since(start))
		}

		before := len(e.mock.Requests())
		if err := e.svc.CancelCheck(ctx, branch, ""); err != nil || len(e.mock.Requests()) != before {
			t.Fatalf("no session: %v, %d calls", err, len(e.mock.Requests())-before)
		}
	})
}
