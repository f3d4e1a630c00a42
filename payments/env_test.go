package payments_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/payments"
	"naryad/templates"
)

const (
	testSecret    = "a-server-secret-of-at-least-32-characters"
	webhookSecret = "whsec_test"
	returnBase    = "https://hub.example/c/TOKEN/pay/return"
)

// env is one branch taking online payments through the fake provider, with
// a ready work order of its thread, the service, its webhook on a fiber
// app, a clock the test moves and a recording key locker.
type env struct {
	s       *store.Store
	f       storetest.Fixture
	psp     *fakePSP
	svc     *payments.Service
	app     *fiber.App
	clock   *clock
	lockers *fakeLockers
	woken   atomic.Int32
	key     string // the branch's webhook key
	name    string // the provider
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeLockers records what the key locker was told: the real one is
// lockerhub, wired by app.
type fakeLockers struct {
	mu    sync.Mutex
	saved []hub.WorkOrder
}

func (l *fakeLockers) WorkOrderSaved(ctx context.Context, tx *store.Store, w hub.WorkOrder, created bool) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if created {
		panic("a payment never creates a work order")
	}
	l.saved = append(l.saved, w)
	return false, nil
}

func (l *fakeLockers) Saved() []hub.WorkOrder {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]hub.WorkOrder(nil), l.saved...)
}

// newEnv builds the env for provider name: stripe takes PLN, yookassa RUB.
// The work order is ready with lines of 12 500.
func newEnv(t *testing.T, s *store.Store, name string) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{s: s, f: storetest.NewFixture(t, s), psp: newFakePSP(), clock: &clock{t: time.Now().UTC()},
		lockers: &fakeLockers{}, name: name}
	renderer, err := templates.New(s)
	if err != nil {
		t.Fatal(err)
	}
	links, err := hub.NewLinks(testSecret, "https://hub.example")
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := hub.NewSealer(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	e.svc, err = payments.New(payments.Options{
		Store: s, Sealer: sealer, Texts: renderer, Links: links, Queued: func() { e.woken.Add(1) },
		Lockers: e.lockers, PublicURL: "https://hub.example/", Now: e.clock.Now,
		Providers: map[string]payments.Factory{
			hub.ProviderStripe: e.psp.factory(hub.ProviderStripe), hub.ProviderYooKassa: e.psp.factory(hub.ProviderYooKassa),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	setup := hub.PaymentSetup{Provider: name, SecretKey: "sk_test_1", WebhookSecret: webhookSecret}
	currency := "PLN"
	if name == hub.ProviderYooKassa {
		setup.Account, setup.VATCode, currency = "123456", 1, "RUB"
	}
	if err := e.svc.Configure(ctx, e.f.Branch.ID, setup); err != nil {
		t.Fatal(err)
	}
	bp, err := s.BranchPayment(ctx, e.f.Branch.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.key = bp.WebhookKey
	e.f.Order.Version++
	e.f.Order.Status, e.f.Order.Currency, e.f.Order.TotalMinor = hub.StatusReady, currency, 1250000
	if ok, err := s.SaveWorkOrder(ctx, &e.f.Order); err != nil || !ok {
		t.Fatalf("ready: %v %v", ok, err)
	}
	err = s.ReplaceLines(ctx, e.f.Order.ID, []hub.WorkOrderLine{
		{ExternalID: "1", Position: 1, Kind: hub.LineLabor, Name: "Замена колодок", QtyMilli: 1000, TotalMinor: 450000},
		{ExternalID: "2", Position: 2, Kind: hub.LinePart, Name: "Колодки", QtyMilli: 1000, TotalMinor: 800000},
		{ExternalID: "3", Position: 3, Kind: hub.LinePart, Name: "Диски", QtyMilli: 1000, TotalMinor: 990000, NeedsApproval: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.app = fiber.New()
	e.svc.Register(e.app)
	return e
}

// setAmountDue sets the work order's amount due as the DMS would send it.
func (e *env) setAmountDue(t *testing.T, minor int64) {
	t.Helper()
	db, err := e.s.SQL()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE work_orders SET amount_due_minor = " + strconv.FormatInt(minor, 10) + " WHERE id = " + strconv.FormatInt(e.f.Order.ID, 10)); err != nil {
		t.Fatal(err)
	}
}

func (e *env) start(t *testing.T, offer string) string {
	t.Helper()
	url, err := e.svc.Start(context.Background(), e.f.Thread.ID, offer, returnBase)
	if err != nil {
		t.Fatalf("start %s: %v", offer, err)
	}
	return url
}

// webhook posts a notification to the branch's address; signed with the
// webhook secret unless sig says otherwise.
func (e *env) webhook(t *testing.T, key string, body []byte, sig string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/payments/"+e.name+"/"+key, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Fake-Signature", sig)
	resp, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func (e *env) payment(t *testing.T, id int64) hub.Payment {
	t.Helper()
	p, err := e.s.Payment(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) payments(t *testing.T) []hub.Payment {
	t.Helper()
	list, err := e.s.PaymentsOfWorkOrder(context.Background(), e.f.Order.ID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func (e *env) order(t *testing.T) hub.WorkOrder {
	t.Helper()
	w, err := e.s.WorkOrder(context.Background(), e.f.Order.ID)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// changes lists the feed's changes of a type.
func (e *env) changes(t *testing.T, typ string) []hub.Change {
	t.Helper()
	all, err := e.s.ChangesAfter(context.Background(), []int64{e.f.Branch.ID}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []hub.Change
	for _, c := range all {
		if c.Type == typ {
			out = append(out, c)
		}
	}
	return out
}

// messages lists the thread's messages of a template key ("" and a
// direction: system lines).
func (e *env) messages(t *testing.T, key, direction string) []hub.Message {
	t.Helper()
	all, err := e.s.Messages(context.Background(), e.f.Thread.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []hub.Message
	for _, m := range all {
		if m.TemplateKey == key && m.Direction == direction {
			out = append(out, m)
		}
	}
	return out
}

func (e *env) systemLines(t *testing.T, prefix string) []hub.Message {
	t.Helper()
	var out []hub.Message
	for _, m := range e.messages(t, "", hub.DirectionSystem) {
		if strings.HasPrefix(m.Body, prefix) {
			out = append(out, m)
		}
	}
	return out
}

func (e *env) openTasks(t *testing.T) []store.StaffTask {
	t.Helper()
	tasks, err := e.s.OpenStaffTasks(context.Background(), e.f.Branch.ID)
	if err != nil {
		t.Fatal(err)
	}
	return tasks
}

// sessionOf is the provider id of a payment's hosted page.
func sessionOf(url string) string { return url[strings.LastIndex(url, "/")+1:] }
