package identity_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/identity"
	"naryad/identity/stripeid"
	"naryad/internal/stripemock"
)

// A genuine verified event verifies the loan's check: a `verified` change
// in the DMS feed, a system line for staff and a message to the customer
// on the thread's channel, saying what comes next without a link it cannot
// have. The same event again (a replay, or Stripe's retry) changes
// nothing.
func TestWebhookVerifiesTheLoanOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, nil)
		e.setSession(t, "vs_1")
		before := e.record(t)
		body := e.event("evt_verified", "verified", "vs_1", nil)
		if code := e.deliver(t, body); code != http.StatusOK {
			t.Fatalf("verified event: %d", code)
		}
		l := e.reload(t)
		if l.IdentityStatus != hub.IdentityVerified || l.IdentityCheckedAt == nil || l.IdentityError != "" {
			t.Fatalf("loan %+v", l)
		}
		after := e.record(t)
		if len(after.events) != len(before.events)+1 || after.events[len(after.events)-1] != hub.LoanEventVerified {
			t.Fatalf("feed %v", after.events)
		}
		if len(after.lines) != 1 || after.lines[0] != "loan.identity_verified" {
			t.Fatalf("system lines %v", after.lines)
		}
		if len(after.messages) != 1 {
			t.Fatalf("messages %v", after)
		}
		m := after.messages[0]
		if !strings.Contains(m.Body, "Москва: ваша личность подтверждена") || !strings.Contains(m.Body, "подпишите договор") ||
			strings.Contains(m.Body, "http") || m.Delivery != hub.DeliveryQueued || m.TemplateKey == "" {
			t.Fatalf("customer message %+v", m)
		}
		if item := storetest.Outbox(t, s, m.ID); item.Channel != hub.ChannelSMS || item.Recipient != e.f.Thread.Phone {
			t.Fatalf("outbox %+v", item)
		}
		if e.woken.Load() == 0 {
			t.Fatalf("the outbox was not woken")
		}
		if !e.seen(t, "evt_verified") {
			t.Fatalf("event not recorded")
		}

		if code := e.deliver(t, body); code != http.StatusOK {
			t.Fatalf("replay: %d", code)
		}
		if again := e.record(t); !again.same(after) || e.reload(t).Version != l.Version {
			t.Fatalf("a replay changed something: %v", again)
		}
	})
}

// Fifteen deliveries of the same event at once make one change.
func TestWebhookFifteenDeliveriesAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, nil)
		e.setSession(t, "vs_1")
		before := e.record(t)
		body := e.event("evt_many", "verified", "vs_1", nil)
		var wg sync.WaitGroup
		codes := make(chan int, 15)
		for range 15 {
			wg.Go(func() { codes <- e.deliver(t, body) })
		}
		wg.Wait()
		close(codes)
		for code := range codes {
			if code != http.StatusOK {
				t.Errorf("a delivery: %d", code)
			}
		}
		after := e.record(t)
		if len(after.events) != len(before.events)+1 || len(after.lines) != 1 || len(after.messages) != 1 {
			t.Fatalf("after 15 deliveries: %v", after)
		}
		if l := e.reload(t); l.Version != e.loan.Version+2 { // the session, then verified
			t.Fatalf("loan version %d", l.Version)
		}
	})
}

// What is not a genuine, fresh event of the branch's endpoint is refused
// and nothing is stored: a forged signature, another endpoint's secret
// (the payments one), a stale signature, an oversized body, an unknown
// address. An event about nothing the hub tracks is answered 200, so
// Stripe stops sending it.
func TestWebhookRefusesWhatIsNotGenuine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, nil)
		e.setSession(t, "vs_1")
		before := e.record(t)
		body := e.event("evt_x", "verified", "vs_1", nil)
		cases := []struct {
			name   string
			path   string
			body   []byte
			secret string
			age    time.Duration
			want   int
		}{
			{"forged", e.path, body, "whsec_forged", time.Second, http.StatusBadRequest},
			{"tampered", e.path, bytes.Replace(body, []byte(`"vs_1"`), []byte(`"vs_2"`), 1), "", time.Second, http.StatusBadRequest},
			{"stale", e.path, body, whsec, 10 * time.Minute, http.StatusBadRequest},
			{"from the future", e.path, body, whsec, -10 * time.Minute, http.StatusBadRequest},
			{"oversized", e.path, append(bytes.Repeat([]byte(" "), stripeid.MaxWebhookBody), body...), whsec, time.Second, http.StatusRequestEntityTooLarge},
			{"unknown address", "/api/identity/stripe/nope", body, whsec, time.Second, http.StatusNotFound},
			{"unknown provider", strings.Replace(e.path, "/stripe/", "/onfido/", 1), body, whsec, time.Second, http.StatusNotFound},
			{"not an event", e.path, []byte(`{"id":"evt_x","type":"identity.verification_session.verified","data":7}`), whsec, time.Second, http.StatusBadRequest},
		}
		for _, c := range cases {
			secret := c.secret
			signBody := c.body
			if c.name == "tampered" {
				secret, signBody = whsec, body // signed as sent by Stripe, changed on the way
			}
			code := e.postSigned(t, c.path, c.body, signBody, secret, c.age)
			if code != c.want {
				t.Errorf("%s: %d, want %d", c.name, code, c.want)
			}
		}
		if e.seen(t, "evt_x") {
			t.Fatalf("a refused event was recorded")
		}
		if after := e.record(t); !after.same(before) || e.reload(t).IdentityStatus != hub.IdentityPending {
			t.Fatalf("a refused event changed something: %v", after)
		}

		// Genuine but about nothing of ours: 200, nothing changes.
		other := identity.Reference(e.loan.ID + 1000)
		for name, b := range map[string][]byte{
			"unknown loan":     bytes.ReplaceAll(e.event("evt_u", "verified", "vs_1", nil), []byte(identity.Reference(e.loan.ID)), []byte(other)),
			"older session":    e.event("evt_o", "verified", "vs_other", nil),
			"other event type": bytes.Replace(body, []byte("identity.verification_session.verified"), []byte("identity.verification_session.redacted"), 1),
		} {
			if code := e.deliver(t, b); code != http.StatusOK {
				t.Errorf("%s: %d, want 200", name, code)
			}
		}
		if after := e.record(t); !after.same(before) || e.reload(t).IdentityStatus != hub.IdentityPending {
			t.Fatalf("an event of nothing ours changed something: %v", after)
		}
	})
}

// Stripe sends events in no guaranteed order: processing after verified
// leaves the check verified, and a failed try reported late, while a
// newer try is being processed, is checked with Stripe first.
func TestWebhookMovesTheCheckForwardOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, nil)
		e.setSession(t, "vs_1")
		if code := e.deliver(t, e.event("evt_p1", "processing", "vs_1", nil)); code != http.StatusOK {
			t.Fatalf("processing: %d", code)
		}
		if l := e.reload(t); l.IdentityStatus != hub.IdentityProcessing {
			t.Fatalf("after processing: %+v", l)
		}
		// A late failure of an earlier try: Stripe says it is processing.
		expired := map[string]any{"code": "document_expired", "reason": "The document is expired."}
		e.mock.Patch(http.MethodGet, sessionsAt+"/vs_1", map[string]any{"status": "processing", "last_error": expired, "url": nil})
		if code := e.deliver(t, e.event("evt_late", "requires_input", "vs_1", expired)); code != http.StatusOK {
			t.Fatalf("late requires_input: %d", code)
		}
		if l := e.reload(t); l.IdentityStatus != hub.IdentityProcessing || l.IdentityError != "" {
			t.Fatalf("a late failure moved the check: %+v", l)
		}
		before := e.record(t)
		if code := e.deliver(t, e.event("evt_v", "verified", "vs_1", nil)); code != http.StatusOK {
			t.Fatalf("verified: %d", code)
		}
		verified := e.record(t)
		for name, b := range map[string][]byte{
			"processing":     e.event("evt_p2", "processing", "vs_1", nil),
			"requires_input": e.event("evt_r2", "requires_input", "vs_1", expired),
			"canceled":       e.event("evt_c2", "canceled", "vs_1", nil),
		} {
			if code := e.deliver(t, b); code != http.StatusOK {
				t.Errorf("%s after verified: %d", name, code)
			}
		}
		l := e.reload(t)
		if l.IdentityStatus != hub.IdentityVerified {
			t.Fatalf("after late events: %+v", l)
		}
		if after := e.record(t); !after.same(verified) || len(verified.lines) != len(before.lines)+1 {
			t.Fatalf("late events after verified: %v (verified: %v)", after, verified)
		}
	})
}

// A failed try puts the check back to waiting with the reason, tells
// staff and the customer (who may try again); a canceled verification
// likewise.
func TestWebhookFailedTryAndCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, nil)
		e.setSession(t, "vs_1")
		mismatch := map[string]any{"code": "selfie_face_mismatch", "reason": "The selfie does not match."}
		// Processing first, so the failure is confirmed with Stripe.
		if code := e.deliver(t, e.event("evt_p", "processing", "vs_1", nil)); code != http.StatusOK {
			t.Fatal(code)
		}
		e.mock.Patch(http.MethodGet, sessionsAt+"/vs_1", map[string]any{"status": "requires_input", "last_error": mismatch, "url": hosted})
		if code := e.deliver(t, e.event("evt_f", "requires_input", "vs_1", mismatch)); code != http.StatusOK {
			t.Fatal(code)
		}
		l := e.reload(t)
		if l.IdentityStatus != hub.IdentityPending || l.IdentityError != "selfie_face_mismatch" {
			t.Fatalf("after a failed try: %+v", l)
		}
		r := e.record(t)
		if len(r.events) != 1 { // offered only: a failed try is no feed event
			t.Fatalf("feed %v", r.events)
		}
		if len(r.lines) != 2 || r.lines[1] != "loan.identity_failed" || len(r.messages) != 1 {
			t.Fatalf("effects %v", r)
		}
		if body := r.messages[0].Body; !strings.Contains(body, "проверка личности не прошла: лицо на селфи не совпадает") ||
			!strings.Contains(body, "попробовать ещё раз") || strings.Contains(body, "http") {
			t.Fatalf("customer message %q", body)
		}

		if code := e.deliver(t, e.event("evt_c", "canceled", "vs_1", nil)); code != http.StatusOK {
			t.Fatal(code)
		}
		if l := e.reload(t); l.IdentityStatus != hub.IdentityPending || l.IdentityError != "canceled" {
			t.Fatalf("after a cancel: %+v", l)
		}
		if r := e.record(t); len(r.lines) != 3 || r.lines[2] != "loan.identity_canceled" || len(r.messages) != 2 {
			t.Fatalf("effects %v", r)
		}
	})
}

// A loan that has ended takes no more identity events: 200, nothing done.
func TestWebhookOfAnEndedLoan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, nil)
		e.setSession(t, "vs_1")
		if _, err := s.ChangeLoan(context.Background(), e.loan.ID, hub.LoanEventWithdrawn, func(x *hub.Loan) error {
			x.State = hub.LoanWithdrawn
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		before := e.record(t)
		if code := e.deliver(t, e.event("evt_end", "verified", "vs_1", nil)); code != http.StatusOK {
			t.Fatalf("event of an ended loan: %d", code)
		}
		if l := e.reload(t); l.IdentityStatus != hub.IdentityPending {
			t.Fatalf("loan %+v", l)
		}
		if after := e.record(t); !after.same(before) {
			t.Fatalf("%v", after)
		}
	})
}

// The event ledger, not the loan's state, stops a replay: a failed try's
// event delivered again after the customer's next try is being processed
// changes nothing, even when Stripe would now confirm a failure.
func TestWebhookReplayOfAFailureChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, nil)
		e.setSession(t, "vs_1")
		expired := map[string]any{"code": "document_expired", "reason": "The document is expired."}
		failure := e.event("evt_fail", "requires_input", "vs_1", expired)
		for _, b := range [][]byte{failure, e.event("evt_p", "processing", "vs_1", nil)} {
			if code := e.deliver(t, b); code != http.StatusOK {
				t.Fatal(code)
			}
		}
		before := e.record(t)
		e.mock.Patch(http.MethodGet, sessionsAt+"/vs_1", map[string]any{"status": "requires_input", "last_error": expired, "url": hosted})
		if code := e.deliver(t, failure); code != http.StatusOK {
			t.Fatalf("replay: %d", code)
		}
		if l := e.reload(t); l.IdentityStatus != hub.IdentityProcessing {
			t.Fatalf("a replayed failure moved the check: %+v", l)
		}
		if after := e.record(t); !after.same(before) {
			t.Fatalf("a replay wrote %v", after)
		}
	})
}

// Two branches on one Stripe account have an endpoint each, and Stripe
// sends every event of the account to both, with the same event id. The
// delivery at the other branch's endpoint (its own secret, so genuine)
// changes nothing and must not use up the event: at its own branch's
// endpoint it still verifies the loan. A branch's key with another
// branch's loan reference moves nothing.
func TestWebhookOfOneAccountAtTwoBranches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, nil) // branch A, its loan e.loan
		b := hub.Branch{Code: "waw1", Name: "Warszawa", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"}
		if err := s.CreateBranch(ctx, &b); err != nil {
			t.Fatal(err)
		}
		const whsecB = "whsec_identity_endpoint_of_b"
		if err := e.svc.Configure(ctx, b.ID, hub.IdentitySetup{SecretKey: apiKey, WebhookSecret: whsecB}); err != nil {
			t.Fatal(err)
		}
		u, err := e.svc.WebhookURL(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		pathB := strings.TrimPrefix(u, publicURL)
		th := hub.Thread{BranchID: b.ID, Phone: "+48600100200", Channel: hub.ChannelSMS}
		if err := s.CreateThread(ctx, &th); err != nil {
			t.Fatal(err)
		}
		car := hub.CourtesyCar{BranchID: b.ID, Plate: "WA 777", Model: "Kia Rio", Fuel: hub.FuelPetrol}
		if err := s.AddCourtesyCar(ctx, &car); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
		lb := hub.Loan{BranchID: b.ID, ThreadID: th.ID, CarID: car.ID, TokenHash: hub.HashToken("loan-of-b"), Locale: "pl",
			CustomerPhone: th.Phone, HandoverAt: at, DueBackAt: at.Add(24 * time.Hour), FuelEighths: 8,
			IdentityMethod: hub.IdentityStripe, IdentityProviderID: "vs_b", OfferedBy: "Ewa"}
		if err := s.CreateLoan(ctx, &lb); err != nil {
			t.Fatal(err)
		}
		ref := identity.Reference(lb.ID)
		session := map[string]any{"id": "vs_b", "status": "verified", "type": "document", "client_reference_id": ref,
			"metadata": map[string]any{stripeid.MetadataReference: ref}, "last_error": nil}
		body := stripemock.ObjectEvent("evt_shared", "identity.verification_session.verified", "identity.verification_session", session)

		// At A's endpoint, signed with A's secret: B's loan is none of A's.
		if code := e.post(t, e.path, body, whsec, 10*time.Second); code != http.StatusOK {
			t.Fatalf("at A's endpoint: %d", code)
		}
		if got, _ := s.Loan(ctx, lb.ID); got.IdentityStatus != hub.IdentityPending || got.Version != lb.Version {
			t.Fatalf("A's endpoint moved B's loan: %+v", got)
		}
		// At B's endpoint, the same event verifies B's loan, once.
		if code := e.post(t, pathB, body, whsecB, 10*time.Second); code != http.StatusOK {
			t.Fatalf("at B's endpoint: %d", code)
		}
		got, _ := s.Loan(ctx, lb.ID)
		if got.IdentityStatus != hub.IdentityVerified {
			t.Fatalf("B's loan after its own endpoint's event: %s", got.IdentityStatus)
		}
		if code := e.post(t, pathB, body, whsecB, 10*time.Second); code != http.StatusOK {
			t.Fatalf("replay at B's endpoint: %d", code)
		}
		if again, _ := s.Loan(ctx, lb.ID); again.Version != got.Version {
			t.Fatal("a replay at B's endpoint changed the loan")
		}
	})
}

// A verified event arriving fifteen times while the advisor withdraws the
// offer fifteen times at once: the loan ends withdrawn with its car
// available; verified, if at all, before the withdrawal, with one change
// and one message; never a verification applied to a withdrawn loan.
func TestWebhookVerifiedRacesTheWithdrawal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, nil)
		e.setSession(t, "vs_1")
		body := e.event("evt_race", "verified", "vs_1", nil)
		var wg sync.WaitGroup
		start := make(chan struct{})
		codes, withdrawn := make([]int, 15), make([]error, 15)
		for i := range 15 {
			wg.Add(2)
			go func() { defer wg.Done(); <-start; codes[i] = e.deliver(t, body) }()
			go func() {
				defer wg.Done()
				<-start
				_, withdrawn[i] = s.ChangeLoan(ctx, e.loan.ID, hub.LoanEventWithdrawn, func(x *hub.Loan) error {
					if x.State != hub.LoanOffered {
						return store.ErrLoanMove
					}
					x.State = hub.LoanWithdrawn
					return nil
				})
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for i := range 15 {
			if codes[i] != http.StatusOK && codes[i] != http.StatusServiceUnavailable {
				t.Errorf("a delivery: %d", codes[i])
			}
			switch err := withdrawn[i]; {
			case err == nil:
				won++
			case errors.Is(err, store.ErrLoanMove), errors.Is(err, store.ErrLoanChanged):
			default:
				t.Errorf("a withdrawal: %v", err)
			}
		}
		l := e.reload(t)
		car, err := s.CourtesyCar(ctx, l.BranchID, l.CarID)
		if err != nil {
			t.Fatal(err)
		}
		r := e.record(t)
		events := strings.Join(r.events, ",")
		if won != 1 || l.State != hub.LoanWithdrawn || car.State != hub.CarAvailable {
			t.Fatalf("%d withdrawals won, loan %s, car %s", won, l.State, car.State)
		}
		switch events {
		case "offered,withdrawn":
			if l.IdentityStatus != hub.IdentityPending || len(r.messages) != 0 {
				t.Fatalf("not verified, yet %s with %d messages", l.IdentityStatus, len(r.messages))
			}
		case "offered,verified,withdrawn":
			if l.IdentityStatus != hub.IdentityVerified || len(r.messages) != 1 {
				t.Fatalf("verified, yet %s with %d messages", l.IdentityStatus, len(r.messages))
			}
		default:
			t.Fatalf("loan changes %s", events)
		}
	})
}

// A webhook address whose key is not text (raw bytes in the request line)
// is an address no branch has: 404, before the database is asked
// (PostgreSQL refuses such a parameter: it was a 500).
func TestWebhookKeyOfRawBytes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, nil)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = e.app.Listener(ln) }()
		t.Cleanup(func() { _ = e.app.Shutdown() })
		for _, key := range []string{"\xff\xfe", "abc\xc3", strings.Repeat("k", 5000)} {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			// The request line as a client may send it: the key's bytes raw.
			fmt.Fprintf(conn, "POST /api/identity/stripe/%s HTTP/1.1\r\nHost: hub\r\nContent-Length: 2\r\n\r\n{}", key)
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			conn.Close()
			if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
				t.Errorf("key %q: %d, want 404 (431 for a request line over the server's buffer)", key[:min(len(key), 10)], resp.StatusCode)
			}
		}
	})
}
