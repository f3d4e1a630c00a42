package payments_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/internal/stripemock"
	"naryad/payments"
	"naryad/payments/stripepay"
	"naryad/payments/yookassa"
	"naryad/payments/yookassa/yookassatest"
	"naryad/templates"
)

const (
	loanReturn   = "https://hub.example/l/LOANTOKEN"
	stripeKey    = "sk_test_deposit"
	stripeWhsec  = "whsec_deposit_test"
	depositRUB   = 1_500_000 // 15 000 ₽
	depositPLN   = 100_000   // 1 000 zł
	sessionsPath = "/v1/checkout/sessions"
)

// depositEnv is env with the real provider client of the branch (the
// YooKassa fake, or stripe-mock) and an offered loan of the thread asking
// a deposit: the courtesy car of issue 20.
type depositEnv struct {
	*env
	yk   *yookassatest.Server // the YooKassa fake; nil for Stripe
	mock *stripemock.Server   // stripe-mock; nil for YooKassa
	car  hub.CourtesyCar
	loan hub.Loan
}

// newDepositEnv builds the env for provider name: YooKassa takes RUB
// (with 54-FZ receipts), Stripe PLN.
func newDepositEnv(t *testing.T, s *store.Store, name string) *depositEnv {
	t.Helper()
	ctx := context.Background()
	d := &depositEnv{env: newEnv(t, s, name)}
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
	o := payments.Options{Store: s, Sealer: sealer, Texts: renderer, Links: links, PublicURL: "https://hub.example",
		Queued: func() { d.woken.Add(1) }, Lockers: d.lockers, Now: d.clock.Now, Timeout: 3 * time.Second}
	setup := hub.PaymentSetup{Provider: name}
	currency, amount := "RUB", int64(depositRUB)
	if name == hub.ProviderYooKassa {
		d.yk = yookassatest.New(t)
		d.yk.RequireReceipt()
		o.Providers = map[string]payments.Factory{hub.ProviderYooKassa: yookassa.New}
		o.BaseURLs = map[string]string{hub.ProviderYooKassa: d.yk.URL}
		cfg := d.yk.Config()
		setup.Account, setup.SecretKey, setup.VATCode = cfg.Account, cfg.SecretKey, 1
	} else {
		d.mock = stripemock.Start(t)
		o.Providers = map[string]payments.Factory{hub.ProviderStripe: stripepay.New}
		o.BaseURLs = map[string]string{hub.ProviderStripe: d.mock.URL}
		setup.SecretKey, setup.WebhookSecret = stripeKey, stripeWhsec
		currency, amount = "PLN", depositPLN
	}
	if d.svc, err = payments.New(o); err != nil {
		t.Fatal(err)
	}
	if err := d.svc.Configure(ctx, d.f.Branch.ID, setup); err != nil {
		t.Fatal(err)
	}
	bp, err := s.BranchPayment(ctx, d.f.Branch.ID)
	if err != nil {
		t.Fatal(err)
	}
	d.key = bp.WebhookKey
	d.app = fiber.New()
	d.svc.Register(d.app)

	d.car = hub.CourtesyCar{BranchID: d.f.Branch.ID, Plate: "А 123 ВС 77", Model: "Škoda Octavia", Fuel: hub.FuelPetrol}
	if err := s.AddCourtesyCar(ctx, &d.car); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	d.loan = hub.Loan{BranchID: d.f.Branch.ID, ThreadID: d.f.Thread.ID, WorkOrderID: &d.f.Order.ID, CarID: d.car.ID,
		TokenHash: hub.HashToken("LOANTOKEN"), Locale: "ru", CustomerName: "Иван Петров", CustomerPhone: "+79161234567",
		HandoverAt: at, DueBackAt: at.Add(48 * time.Hour), FuelEighths: 8, OdometerKm: 12000, IdentityMethod: hub.IdentityManual,
		OfferedBy: "Ольга", DepositMinor: amount, DepositCurrency: currency}
	if err := s.CreateLoan(ctx, &d.loan); err != nil {
		t.Fatal(err)
	}
	return d
}

// loanNow reads the loan as stored.
func (d *depositEnv) loanNow(t *testing.T) hub.Loan {
	t.Helper()
	l, err := d.s.Loan(context.Background(), d.loan.ID)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// holds lists the loan's holds, newest first.
func (d *depositEnv) holds(t *testing.T) []hub.Payment {
	t.Helper()
	list, err := d.s.HoldsOfLoan(context.Background(), d.loan.ID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// startHold presses the customer's deposit button.
func (d *depositEnv) startHold(t *testing.T) string {
	t.Helper()
	url, err := d.svc.StartHold(context.Background(), d.loanNow(t), loanReturn)
	if err != nil {
		t.Fatalf("StartHold: %v", err)
	}
	return url
}

// move moves the loan through the one write path, as the other loan
// helpers' actions do.
func (d *depositEnv) move(t *testing.T, event, state string) {
	t.Helper()
	if _, err := d.s.ChangeLoan(context.Background(), d.loan.ID, event, func(l *hub.Loan) error { l.State = state; return nil }); err != nil {
		t.Fatalf("loan → %s: %v", state, err)
	}
}

// yooKassaNotice posts YooKassa's notification of the payment as it is now.
func (d *depositEnv) yooKassaNotice(t *testing.T, event, providerID string) int {
	t.Helper()
	return d.post(t, d.yk.Notification(event, providerID))
}

// stripeNotice posts a Checkout Session event about the session, signed
// with secret.
func (d *depositEnv) stripeNotice(t *testing.T, eventID, eventType, sessionID, secret string) int {
	t.Helper()
	body := stripemock.SessionEvent(eventID, eventType, map[string]any{"id": sessionID, "status": "complete",
		"payment_status": "unpaid", "currency": "pln", "payment_intent": "pi_" + sessionID,
		"metadata": map[string]any{stripepay.MetadataPaymentID: "1"}})
	req := httptest.NewRequest(http.MethodPost, "/api/payments/stripe/"+d.key, bytes.NewReader(body))
	for k, v := range stripemock.Signed(secret, body, time.Now()) {
		req.Header[k] = v
	}
	resp, err := d.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// stripeSession makes stripe-mock answer a retrieve of the session with
// its PaymentIntent in piStatus ("" for an open page), with the fields of
// extra.
func (d *depositEnv) stripeSession(id, piStatus string, extra ...map[string]any) {
	patch := map[string]any{"id": id, "status": "open", "payment_status": "unpaid", "currency": "pln", "payment_intent": nil}
	if piStatus != "" {
		pi := map[string]any{"id": "pi_" + id, "status": piStatus, "currency": "pln", "latest_charge": nil,
			"payment_method": map[string]any{"type": "card"}, "cancellation_reason": nil, "last_payment_error": nil}
		for _, more := range extra {
			for k, v := range more {
				pi[k] = v
			}
		}
		patch["status"], patch["payment_intent"] = "complete", pi
	}
	d.mock.Patch(http.MethodGet, sessionsPath+"/"+id, patch)
}

// userKey is a staff refusal's key, "" when err is none.
func userKey(err error) string {
	var ue *payments.UserError
	if errors.As(err, &ue) {
		return ue.Key
	}
	return ""
}

// loanEvents lists the events of the feed's loan changes, oldest first.
func (d *depositEnv) loanEvents(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, c := range d.changes(t, hub.ChangeLoan) {
		var data struct {
			Event string `json:"event"`
		}
		if err := json.Unmarshal([]byte(c.Data), &data); err != nil {
			t.Fatal(err)
		}
		out = append(out, data.Event)
	}
	return out
}
