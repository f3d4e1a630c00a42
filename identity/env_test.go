package identity_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/identity"
	"naryad/identity/stripeid"
	"naryad/internal/stripemock"
)

const (
	serverSecret = "a-server-secret-of-at-least-32-characters"
	apiKey       = "sk_test_identityown"
	paymentsKey  = "sk_test_paymentskey"
	whsec        = "whsec_identity_endpoint"
	publicURL    = "https://hub.example"
	returnURL    = "https://hub.example/l/TOKEN"
	sessionsAt   = "/v1/identity/verification_sessions"
)

// env is one branch with Stripe Identity set up (its own key unless the
// test says otherwise), an offered loan of a courtesy car on the
// fixture's thread, the service against stripe-mock, its webhook route on
// a fiber app, and a clock the test sets.
type env struct {
	s      *store.Store
	f      storetest.Fixture
	mock   *stripemock.Server
	svc    *identity.Service
	app    *fiber.App
	loan   hub.Loan
	path   string // the branch's webhook path
	woken  atomic.Int32
	mu     sync.Mutex
	now    time.Time
	sealer *hub.Sealer
}

func (e *env) clock() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }

// newEnv builds the env; setup, when not nil, replaces the branch's
// identity settings (nil: its own key and the webhook secret).
func newEnv(t *testing.T, s *store.Store, setup *hub.IdentitySetup) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{s: s, f: storetest.NewFixture(t, s), mock: stripemock.Start(t), now: time.Now().UTC()}
	var err error
	if e.sealer, err = hub.NewSealer(serverSecret); err != nil {
		t.Fatal(err)
	}
	e.svc, err = identity.New(identity.Options{
		Store: s, Sealer: e.sealer, Providers: map[string]identity.Provider{hub.IdentityStripe: stripeid.Provider()},
		PublicURL: publicURL + "/", BaseURLs: map[string]string{hub.IdentityStripe: e.mock.URL},
		Queued: func() { e.woken.Add(1) }, Now: e.clock, Timeout: 5 * time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	set := hub.IdentitySetup{SecretKey: apiKey, WebhookSecret: whsec}
	if setup != nil {
		set = *setup
	}
	if set != (hub.IdentitySetup{}) {
		if err := e.svc.Configure(ctx, e.f.Branch.ID, set); err != nil {
			t.Fatalf("configure: %v", err)
		}
		u, err := e.svc.WebhookURL(ctx, e.f.Branch.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.path = strings.TrimPrefix(u, publicURL)
	}
	e.loan = e.offer(t, "WA 1", hub.IdentityStripe)
	e.app = fiber.New()
	e.svc.Register(e.app)
	return e
}

// offer makes an offered loan of a new car of the branch.
func (e *env) offer(t *testing.T, plate, method string) hub.Loan {
	t.Helper()
	ctx := context.Background()
	car := hub.CourtesyCar{BranchID: e.f.Branch.ID, Plate: plate, Model: "Škoda Fabia", Fuel: hub.FuelPetrol}
	if err := e.s.AddCourtesyCar(ctx, &car); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	l := hub.Loan{BranchID: e.f.Branch.ID, ThreadID: e.f.Thread.ID, WorkOrderID: &e.f.Order.ID, CarID: car.ID,
		TokenHash: hub.HashToken(plate), Locale: "ru", CustomerName: "Иван", CustomerPhone: e.f.Thread.Phone,
		HandoverAt: at, DueBackAt: at.Add(48 * time.Hour), FuelEighths: 8, OdometerKm: 12000,
		IdentityMethod: method, OfferedBy: "Ольга"}
	if err := e.s.CreateLoan(ctx, &l); err != nil {
		t.Fatal(err)
	}
	return l
}

func (e *env) reload(t *testing.T) hub.Loan {
	t.Helper()
	l, err := e.s.Loan(context.Background(), e.loan.ID)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// setSession records a verification on the loan as StartCheck would.
func (e *env) setSession(t *testing.T, id string) {
	t.Helper()
	if _, err := e.s.ChangeLoan(context.Background(), e.loan.ID, "", func(x *hub.Loan) error {
		x.IdentityProviderID = id
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// session is a VerificationSession of the env's loan as Stripe shows it.
func (e *env) session(id, status string, lastError any) map[string]any {
	ref := identity.Reference(e.loan.ID)
	return map[string]any{"id": id, "status": status, "type": "document", "client_reference_id": ref,
		"metadata": map[string]any{stripeid.MetadataReference: ref}, "last_error": lastError}
}

// event is the body of a VerificationSession webhook event.
func (e *env) event(eventID, status, sessionID string, lastError any) []byte {
	return stripemock.ObjectEvent(eventID, "identity.verification_session."+status, "identity.verification_session",
		e.session(sessionID, status, lastError))
}

// post delivers a webhook body signed with secret at the time given (the
// env's clock minus age) and returns the answer's status.
func (e *env) post(t *testing.T, path string, body []byte, secret string, age time.Duration) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	for k, v := range stripemock.Signed(secret, body, e.clock().Add(-age)) {
		req.Header[k] = v
	}
	resp, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// deliver posts a genuine event to the branch's address.
func (e *env) deliver(t *testing.T, body []byte) int {
	t.Helper()
	return e.post(t, e.path, body, whsec, 10*time.Second)
}

// record is what the loan's effects are at a moment: the DMS feed's loan
// changes (their events), the thread's system line keys and the messages
// to the customer.
type record struct {
	events   []string
	lines    []string
	messages []hub.Message
}

func (e *env) record(t *testing.T) record {
	t.Helper()
	ctx := context.Background()
	var r record
	changes, err := e.s.ChangesAfter(ctx, []int64{e.f.Branch.ID}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		if c.Type != hub.ChangeLoan {
			continue
		}
		var d hub.LoanData
		if err := json.Unmarshal([]byte(c.Data), &d); err != nil {
			t.Fatal(err)
		}
		if d.LoanID == e.loan.ID {
			r.events = append(r.events, d.Event)
		}
	}
	msgs, err := e.s.Messages(ctx, e.f.Thread.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		switch m.Direction {
		case hub.DirectionSystem:
			r.lines = append(r.lines, m.TextKey)
		case hub.DirectionOut:
			r.messages = append(r.messages, m)
		}
	}
	return r
}

func (r record) String() string {
	return fmt.Sprintf("events %v, lines %v, %d messages", r.events, r.lines, len(r.messages))
}

// same tells whether nothing was added since before.
func (r record) same(before record) bool {
	return len(r.events) == len(before.events) && len(r.lines) == len(before.lines) && len(r.messages) == len(before.messages)
}

func (e *env) seen(t *testing.T, eventID string) bool {
	t.Helper()
	ok, err := e.s.IdentityWebhookSeen(context.Background(), hub.IdentityStripe, eventID)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// creates are the session creates stripe-mock received.
func (e *env) creates() []stripemock.Request {
	var out []stripemock.Request
	for _, r := range e.mock.Requests() {
		if r.Method == http.MethodPost && r.Path == sessionsAt {
			out = append(out, r)
		}
	}
	return out
}

// postSigned posts body with the signature of signBody (the same for a
// genuine delivery, another for one changed on the way).
func (e *env) postSigned(t *testing.T, path string, body, signBody []byte, secret string, age time.Duration) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	for k, v := range stripemock.Signed(secret, signBody, e.clock().Add(-age)) {
		req.Header[k] = v
	}
	resp, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
