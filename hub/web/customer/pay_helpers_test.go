package customer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/realtime"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/customer"
)

// payFake stands in for the payments service at the page's boundary
// (customer.Payments): it offers what the test sets, records each press
// and keeps its payments in memory, as a provider's hosted page would
// leave them.
type payFake struct {
	mu         sync.Mutex
	due        []customer.PayOffer
	dueErr     error
	startErr   error
	outcomeErr error
	starts     []payPress
	payments   map[int64]hub.Payment
	nextID     int64
	checkout   string // the provider's hosted page; Start adds ?id=…&return=…
}

// payPress is one call of Start.
type payPress struct {
	ThreadID  int64
	Offer     string
	ReturnURL string
}

func newPayFake(checkout string, due ...customer.PayOffer) *payFake {
	return &payFake{due: due, payments: map[int64]hub.Payment{}, nextID: 100, checkout: checkout}
}

func (f *payFake) Due(_ context.Context, threadID int64) ([]customer.PayOffer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]customer.PayOffer(nil), f.due...), f.dueErr
}

func (f *payFake) Start(_ context.Context, threadID int64, offerKey, returnURL string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.starts = append(f.starts, payPress{ThreadID: threadID, Offer: offerKey, ReturnURL: returnURL})
	if f.startErr != nil {
		return "", f.startErr
	}
	for _, o := range f.due {
		if o.Key != offerKey {
			continue
		}
		id := f.add(hub.Payment{ThreadID: &threadID, Kind: o.Kind, Reason: o.Reason, AmountMinor: o.AmountMinor,
			Currency: o.Currency, Status: hub.PaymentPending})
		q := url.Values{"id": {strconv.FormatInt(id, 10)}, "return": {returnURL + "/" + strconv.FormatInt(id, 10)}}
		return f.checkout + "?" + q.Encode(), nil
	}
	return "", payUserError{"not due"}
}

func (f *payFake) Outcome(_ context.Context, threadID, paymentID int64) (hub.Payment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.outcomeErr != nil {
		return hub.Payment{}, f.outcomeErr
	}
	p, ok := f.payments[paymentID]
	if !ok || p.ThreadID == nil || *p.ThreadID != threadID {
		return hub.Payment{}, fmt.Errorf("payment %d of thread %d: %w", paymentID, threadID, store.ErrNotFound)
	}
	return p, nil
}

// add stores a payment and returns its id; the caller holds mu or owns f.
func (f *payFake) add(p hub.Payment) int64 {
	f.nextID++
	p.ID = f.nextID
	f.payments[p.ID] = p
	return p.ID
}

// put adds a payment of the thread in the state given.
func (f *payFake) put(threadID int64, status string, amountMinor int64) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.add(hub.Payment{ThreadID: &threadID, Kind: hub.PaymentForWorkOrder, AmountMinor: amountMinor, Currency: "RUB", Status: status})
}

// settle moves a payment to a state, as the provider's webhook would.
func (f *payFake) settle(id int64, change func(p *hub.Payment)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.payments[id]
	change(&p)
	f.payments[id] = p
}

func (f *payFake) set(change func(f *payFake)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
}

func (f *payFake) presses() []payPress {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]payPress(nil), f.starts...)
}

// payUserError is an error the service means for the customer.
type payUserError struct{ msg string }

func (e payUserError) Error() string       { return "payments: " + e.msg }
func (e payUserError) UserMessage() string { return e.msg }

// payOrderOffer and payRequestOffer are what the tests' customers may pay.
var (
	payOrderOffer   = customer.PayOffer{Key: "order", Kind: hub.PaymentForWorkOrder, AmountMinor: 1250000, Currency: "RUB"}
	payRequestOffer = customer.PayOffer{Key: "request:7", Kind: hub.PaymentForRequest, Reason: "Предоплата за коробку передач",
		AmountMinor: 500000, Currency: "RUB"}
)

// payHub is a hub's store (work orders come in through its DMS exchange)
// with a customer page of its own that takes payments through fake,
// served over a socket at base.
type payHub struct {
	*apptest.Hub
	base string
	send secSender
}

// payServe starts a customer page on the hub's store with payments (nil:
// none), the public address given ("" for the request's) and the
// providers' origins.
func payServe(t *testing.T, h *apptest.Hub, payments customer.Payments, publicURL string, payOrigins ...string) *payHub {
	t.Helper()
	done := make(chan struct{})
	page, err := customer.New(h.Store, hub.NewMedia(filepath.Join(h.Config.DataDir, "media")), realtime.NewBroker(realtime.BrokerOptions{}),
		customer.Options{Secret: h.Config.Secret, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Done: done,
			Payments: payments, PublicURL: publicURL, PayOrigins: payOrigins})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	page.Register(app)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = app.Listener(ln)
	}()
	t.Cleanup(func() {
		close(done)
		if err := app.ShutdownWithTimeout(10 * time.Second); err != nil {
			t.Errorf("stop the page: %v", err)
		}
		<-served
	})
	base := "http://" + ln.Addr().String()
	return &payHub{Hub: h, base: base, send: secOverSocket(t, base, "127.0.0.1")}
}

// payEach runs fn on every test backend with a fresh hub and a page taking
// payments through fake.
func payEach(t *testing.T, fake func() *payFake, fn func(t *testing.T, h *payHub, f *payFake)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		f := fake()
		fn(t, payServe(t, apptest.Start(t, b), f, "https://hub.example.test/"), f)
	})
}

// payMarkInvoice makes a stored document the work order's invoice, as the
// DMS's document kind "invoice" does.
func payMarkInvoice(t testing.TB, h *apptest.Hub, a hub.Attachment) {
	t.Helper()
	err := h.Store.Gorm(context.Background()).Exec(`UPDATE attachments SET doc_kind = ? WHERE id = ?`, hub.DocInvoice, a.ID).Error
	if err != nil {
		t.Fatal(err)
	}
}

var errPayProviderDown = errors.New(`stripe: Post "https://api.stripe.com/v1/checkout/sessions": dial tcp: i/o timeout (key sk_test_secret)`)
