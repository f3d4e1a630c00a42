package payments_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/payments"
	"naryad/payments/yookassa"
	"naryad/payments/yookassa/yookassatest"
	"naryad/templates"
)

// newYooKassaEnv is the env with the real YooKassa client against the
// fake YooKassa API, a shop sending 54-FZ receipts (VAT code 1).
func newYooKassaEnv(t *testing.T, s *store.Store) (*env, *yookassatest.Server) {
	t.Helper()
	ctx := context.Background()
	e := newEnv(t, s, hub.ProviderYooKassa)
	yk := yookassatest.New(t)
	yk.RequireReceipt()
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
	e.svc, err = payments.New(payments.Options{Store: s, Sealer: sealer, Texts: renderer, Links: links, PublicURL: "https://hub.example",
		Now: e.clock.Now, Providers: map[string]payments.Factory{hub.ProviderYooKassa: yookassa.New},
		BaseURLs: map[string]string{hub.ProviderYooKassa: yk.URL}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := yk.Config()
	if err := e.svc.Configure(ctx, e.f.Branch.ID, hub.PaymentSetup{Provider: hub.ProviderYooKassa, Account: cfg.Account,
		SecretKey: cfg.SecretKey, VATCode: 1}); err != nil {
		t.Fatal(err)
	}
	e.app = fiber.New()
	e.svc.Register(e.app)
	return e, yk
}

func (e *env) post(t *testing.T, body []byte) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/payments/yookassa/"+e.key, bytes.NewReader(body))
	resp, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// A shop that sends 54-FZ receipts must send one with every refund too,
// with the customer's phone or e-mail: a refund without it is refused by
// YooKassa, so no refund could ever be made from the thread.
func TestYooKassaRefundCarriesTheReceiptsCustomer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e, yk := newYooKassaEnv(t, s)
		to, err := e.svc.Start(ctx, e.f.Thread.ID, "order", returnBase)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(to)
		list := e.payments(t)
		if len(list) != 1 || list[0].PaymentURL != to || u.Host == "" {
			t.Fatalf("payments: %+v", list)
		}
		p := list[0]
		// A forged notification first: fetched back, still pending.
		if got := e.post(t, yk.Notification("payment.succeeded", p.ProviderID)); got != 200 {
			t.Fatalf("forged: %d", got)
		}
		if got := e.payment(t, p.ID); got.Status != hub.PaymentPending {
			t.Fatalf("a forged notice was believed: %+v", got)
		}
		yk.Pay(p.ProviderID, "sbp")
		if got := e.post(t, yk.Notification("payment.succeeded", p.ProviderID)); got != 200 {
			t.Fatalf("real: %d", got)
		}
		if got := e.payment(t, p.ID); got.Status != hub.PaymentSucceeded || got.PaidMinor != 1250000 {
			t.Fatalf("the real notice after a forged one: %+v", got)
		}
		r, err := e.svc.Refund(ctx, p.ID, 450000, "Работа не понадобилась", "admin")
		if err != nil || r.ProviderID == "" {
			t.Fatalf("refund: %+v %v", r, err)
		}
		if rr := yk.Refunds(); len(rr) != 1 {
			t.Fatalf("refunds at YooKassa: %+v", rr)
		}
	})
}
