package identity_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/loan"
	"naryad/identity"
)

const hosted = "https://verify.stripe.com/start/test_loan"

// wantUserError checks err is the customer's refusal with words in want
// and, when notReady, is the loan page's ErrNotReady.
func wantUserError(t *testing.T, err error, want string, notReady bool) {
	t.Helper()
	var ue interface{ UserMessage() string }
	if !errors.As(err, &ue) || !strings.Contains(ue.UserMessage(), want) {
		t.Fatalf("error %v, want the customer's words %q", err, want)
	}
	if errors.Is(err, loan.ErrNotReady) != notReady {
		t.Fatalf("error %v: ErrNotReady %v, want %v", err, !notReady, notReady)
	}
	// "Not available" for good is the page's cue to move to the photos;
	// a provider down is not.
	unavailable := strings.Contains(ue.UserMessage(), "недоступна") || strings.Contains(ue.UserMessage(), "niedostępna") ||
		strings.Contains(ue.UserMessage(), "not available")
	if errors.Is(err, loan.ErrIdentityUnavailable) != unavailable {
		t.Fatalf("error %v: ErrIdentityUnavailable %v, want %v", err, !unavailable, unavailable)
	}
}

// The first start makes a document-and-selfie verification for the loan's
// reference with the loan's idempotency key and records its id on the
// loan without a feed change; a second start resumes it with a fresh page
// instead of making another.
func TestStartCheckMakesOneVerificationAndResumesIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, nil)
		e.mock.Patch(http.MethodPost, sessionsAt, map[string]any{"url": hosted, "status": "requires_input", "id": "vs_loan"})
		before := e.record(t)
		url, err := e.svc.StartCheck(ctx, e.loan, returnURL)
		if err != nil || url != hosted {
			t.Fatalf("StartCheck = %q, %v", url, err)
		}
		l := e.reload(t)
		if l.IdentityProviderID != "vs_loan" || l.IdentityStatus != hub.IdentityPending || l.Version != e.loan.Version+1 {
			t.Fatalf("loan after the start: %+v", l)
		}
		if after := e.record(t); !after.same(before) {
			t.Fatalf("the start wrote %v (before %v): it is no event for the feed, staff or the customer", after, before)
		}
		sent := e.creates()
		if len(sent) != 1 {
			t.Fatalf("%d creates", len(sent))
		}
		ref := identity.Reference(e.loan.ID)
		for k, v := range map[string]string{"client_reference_id": ref, "metadata[naryad_reference]": ref, "return_url": returnURL,
			"type": "document", "options[document][require_matching_selfie]": "true"} {
			if got := sent[0].Form.Get(k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
		if got := sent[0].Header.Get("Idempotency-Key"); got != "naryad-"+ref+"-identity" {
			t.Errorf("Idempotency-Key %q", got)
		}
		if got := sent[0].Header.Get("Authorization"); got != "Bearer "+apiKey {
			t.Errorf("Authorization %q, want the branch's own key", got)
		}

		// Back again: the waiting verification gives a fresh page.
		e.mock.Patch(http.MethodGet, sessionsAt+"/vs_loan", map[string]any{"status": "requires_input", "url": hosted + "_2", "last_error": nil})
		url, err = e.svc.StartCheck(ctx, l, returnURL)
		if err != nil || url != hosted+"_2" {
			t.Fatalf("second StartCheck = %q, %v", url, err)
		}
		if n := len(e.creates()); n != 1 {
			t.Fatalf("%d creates after a resume, want 1", n)
		}
		if got := e.reload(t); got.Version != l.Version {
			t.Fatalf("a resume changed the loan: %+v", got)
		}
	})
}

// Fifteen presses at once: every create carries the same idempotency key
// (so Stripe makes one verification) and the loan records one id.
func TestStartCheckFifteenPressesAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, nil)
		e.mock.Patch(http.MethodPost, sessionsAt, map[string]any{"url": hosted, "status": "requires_input", "id": "vs_once"})
		e.mock.Patch(http.MethodGet, sessionsAt+"/vs_once", map[string]any{"status": "requires_input", "url": hosted, "last_error": nil})
		var wg sync.WaitGroup
		errs := make(chan error, 15)
		for range 15 {
			wg.Go(func() {
				url, err := e.svc.StartCheck(context.Background(), e.loan, returnURL)
				if err == nil && url != hosted {
					err = errors.New("page " + url)
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("a press: %v", err)
			}
		}
		keys := map[string]bool{}
		for _, r := range e.creates() {
			keys[r.Header.Get("Idempotency-Key")] = true
		}
		if len(keys) != 1 {
			t.Fatalf("idempotency keys %v, want one", keys)
		}
		if l := e.reload(t); l.IdentityProviderID != "vs_once" {
			t.Fatalf("loan %+v", l)
		}
	})
}

// A verification that was canceled is replaced by a new one, under a new
// idempotency key (the old key would give the canceled one back).
func TestStartCheckAfterACancelMakesANewVerification(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, nil)
		e.setSession(t, "vs_old")
		e.mock.Patch(http.MethodGet, sessionsAt+"/vs_old", map[string]any{"status": "canceled", "url": nil})
		e.mock.Patch(http.MethodPost, sessionsAt, map[string]any{"url": hosted, "status": "requires_input", "id": "vs_new"})
		url, err := e.svc.StartCheck(context.Background(), e.reload(t), returnURL)
		if err != nil || url != hosted {
			t.Fatalf("StartCheck = %q, %v", url, err)
		}
		sent := e.creates()
		if len(sent) != 1 || sent[0].Header.Get("Idempotency-Key") != "naryad-"+identity.Reference(e.loan.ID)+"-identity-after-vs_old" {
			t.Fatalf("creates %+v", sent)
		}
		if l := e.reload(t); l.IdentityProviderID != "vs_new" {
			t.Fatalf("loan %+v", l)
		}
	})
}

// A customer who comes back after the verification went through (its
// webhook not here yet) gets no page: the check is recorded verified,
// with its effects, and the loan page is told ErrNotReady.
func TestStartCheckRecordsAVerificationItFinds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, nil)
		e.setSession(t, "vs_done")
		e.mock.Patch(http.MethodGet, sessionsAt+"/vs_done", map[string]any{"status": "verified", "url": nil, "last_error": nil})
		_, err := e.svc.StartCheck(context.Background(), e.reload(t), returnURL)
		wantUserError(t, err, "не требует ваших действий", true)
		if l := e.reload(t); l.IdentityStatus != hub.IdentityVerified || l.IdentityCheckedAt == nil {
			t.Fatalf("loan %+v", l)
		}
		r := e.record(t)
		if len(r.events) != 2 || r.events[1] != hub.LoanEventVerified || len(r.messages) != 1 {
			t.Fatalf("effects %v", r)
		}
		if n := len(e.creates()); n != 0 {
			t.Fatalf("%d creates", n)
		}
		// And now there is nothing to start.
		_, err = e.svc.StartCheck(context.Background(), e.reload(t), returnURL)
		wantUserError(t, err, "не требует ваших действий", true)
	})
}

// Refusals, in the loan's language, with nothing stored: a branch
// without the online check, Stripe down, Stripe refusing, a manual loan.
func TestStartCheckRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, nil)
		e.mock.Fail(http.MethodPost, sessionsAt, http.StatusServiceUnavailable, "", "down")
		_, err := e.svc.StartCheck(ctx, e.loan, returnURL)
		wantUserError(t, err, "не отвечает", false)
		e.mock.Fail(http.MethodPost, sessionsAt, http.StatusBadRequest, "identity_not_activated", "Identity is not activated")
		_, err = e.svc.StartCheck(ctx, e.loan, returnURL)
		wantUserError(t, err, "недоступна", false)
		if l := e.reload(t); l.IdentityProviderID != "" || l.Version != e.loan.Version {
			t.Fatalf("a refused start stored %+v", l)
		}

		manual := e.offer(t, "WA 2", hub.IdentityManual)
		manual.Locale = "pl"
		_, err = e.svc.StartCheck(ctx, manual, returnURL)
		wantUserError(t, err, "nie wymaga teraz", true)
	})
}

// A branch whose online check is not set up (no webhook secret, no key)
// refuses to start one.
func TestStartCheckOfABranchWithoutSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, &hub.IdentitySetup{})
		_, err := e.svc.StartCheck(context.Background(), e.loan, returnURL)
		wantUserError(t, err, "Онлайн-проверка личности сейчас недоступна", false)
		if n := len(e.creates()); n != 0 {
			t.Fatalf("%d creates", n)
		}
	})
}

// Without a key of its own the branch's check uses the secret key of its
// Stripe payment settings, read through the store (the same account).
func TestStartCheckUsesThePaymentsKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, &hub.IdentitySetup{})
		sealed, err := e.sealer.Seal(paymentsKey)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveBranchPayment(ctx, &hub.BranchPayment{BranchID: e.f.Branch.ID, Provider: hub.ProviderStripe,
			SecretSealed: sealed, WebhookKey: "payments-key"}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Configure(ctx, e.f.Branch.ID, hub.IdentitySetup{WebhookSecret: whsec}); err != nil {
			t.Fatal(err)
		}
		e.mock.Patch(http.MethodPost, sessionsAt, map[string]any{"url": hosted, "status": "requires_input", "id": "vs_pay"})
		if _, err := e.svc.StartCheck(ctx, e.loan, returnURL); err != nil {
			t.Fatal(err)
		}
		if sent := e.creates(); len(sent) != 1 || sent[0].Header.Get("Authorization") != "Bearer "+paymentsKey {
			t.Fatalf("creates %+v, want one with the payments key", sent)
		}
	})
}
