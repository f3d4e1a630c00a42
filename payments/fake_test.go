package payments_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"naryad/hub"
	"naryad/payments"
)

// fakePSP is the in-test payment provider at the boundary the outside
// world controls (the provider's API): hosted pages keyed by idempotency
// key as real providers do, state the test moves (Pay, Expire), refunds,
// and notifications signed with the branch's webhook secret when the
// provider is "stripe" (Trusted), unsigned when "yookassa" (fetched back).
type fakePSP struct {
	mu       sync.Mutex
	sessions map[string]*fakeSession // by provider id
	byKey    map[string]string       // idempotency key → provider id
	creates  []payments.CreateRequest
	refunds  []payments.RefundRequest
	cancels  []string
	fetches  int
	down     bool // every call fails, temporarily
	// loseRefundAnswer makes a refund happen at the provider while its
	// answer is lost on the way (a timeout after the provider acted).
	loseRefundAnswer bool
	refundByKey      map[string]payments.Refunded
	// loseCreateAnswer makes a page at the provider while its answer is
	// lost (a timeout, or the hub killed before it saved the page's id).
	loseCreateAnswer bool
	createdWith      map[string]payments.CreateRequest // by idempotency key
	n                int
}

type fakeSession struct {
	id, url  string
	amount   int64
	currency string
	state    payments.State
}

func newFakePSP() *fakePSP {
	return &fakePSP{sessions: map[string]*fakeSession{}, byKey: map[string]string{}, refundByKey: map[string]payments.Refunded{},
		createdWith: map[string]payments.CreateRequest{}}
}

// factory is what app's Providers map holds for name.
func (f *fakePSP) factory(name string) payments.Factory {
	return func(cfg payments.ProviderConfig) (payments.Provider, error) {
		if !strings.HasPrefix(cfg.SecretKey, "sk_") {
			return nil, errors.New("secret key must start with sk_")
		}
		return &fakeClient{psp: f, name: name, cfg: cfg}, nil
	}
}

func (f *fakePSP) Pay(id string, paid int64, method string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.sessions[id]
	s.state = payments.State{Status: hub.PaymentSucceeded, PaidMinor: paid, Currency: s.currency, Method: method,
		ReceiptURL: "https://psp.example/receipt/" + id, PaidAt: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
}

func (f *fakePSP) Expire(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions[id].state = payments.State{Status: hub.PaymentCancelled, Reason: "expired"}
}

func (f *fakePSP) SetDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

func (f *fakePSP) LoseRefundAnswers(lose bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loseRefundAnswer = lose
}

func (f *fakePSP) LoseCreateAnswers(lose bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loseCreateAnswer = lose
}

func (f *fakePSP) Creates() []payments.CreateRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]payments.CreateRequest(nil), f.creates...)
}

func (f *fakePSP) Sessions() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sessions)
}

func (f *fakePSP) Cancels() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.cancels...)
}

func (f *fakePSP) Refunds() []payments.RefundRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]payments.RefundRequest(nil), f.refunds...)
}

// notice is a notification body as the fake provider sends it.
type notice struct {
	Event   string `json:"event"`
	Session string `json:"session"`
	Status  string `json:"status"`
	Paid    int64  `json:"paid"`
}

func noticeBody(event, session, status string, paid int64) []byte {
	b, _ := json.Marshal(notice{Event: event, Session: session, Status: status, Paid: paid})
	return b
}

type fakeClient struct {
	psp  *fakePSP
	name string
	cfg  payments.ProviderConfig
}

var errDown = &payments.Error{Provider: "fake", Op: "call", Status: 503, Message: "down", Temporary: true}

func (c *fakeClient) Name() string { return c.name }

func (c *fakeClient) Create(ctx context.Context, r payments.CreateRequest) (payments.Created, error) {
	f := c.psp
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return payments.Created{}, errDown
	}
	f.creates = append(f.creates, r)
	if first, ok := f.createdWith[r.IdempotencyKey]; ok && fmt.Sprint(first) != fmt.Sprint(r) {
		// As Stripe and YooKassa do: a key reused with other parameters.
		return payments.Created{}, &payments.Error{Provider: c.name, Op: "create", Status: 400, Code: "idempotency_error",
			Message: "keys for idempotent requests can only be used with the same parameters"}
	}
	f.createdWith[r.IdempotencyKey] = r
	if id, ok := f.byKey[r.IdempotencyKey]; ok {
		s := f.sessions[id]
		return payments.Created{ProviderID: s.id, URL: s.url, State: s.state}, nil
	}
	f.n++
	id := fmt.Sprintf("sess_%d", f.n)
	s := &fakeSession{id: id, url: "https://psp.example/pay/" + id, amount: r.AmountMinor, currency: r.Currency,
		state: payments.State{Status: hub.PaymentPending}}
	f.sessions[id], f.byKey[r.IdempotencyKey] = s, id
	if f.loseCreateAnswer {
		return payments.Created{}, &payments.Error{Provider: c.name, Op: "create", Message: "context deadline exceeded", Temporary: true}
	}
	return payments.Created{ProviderID: id, URL: s.url, State: s.state}, nil
}

func (c *fakeClient) Fetch(ctx context.Context, id string) (payments.State, error) {
	f := c.psp
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetches++
	if f.down {
		return payments.State{}, errDown
	}
	s, ok := f.sessions[id]
	if !ok {
		return payments.State{}, &payments.Error{Provider: c.name, Op: "fetch", Status: 404, Message: "no such payment"}
	}
	return s.state, nil
}

func (c *fakeClient) Cancel(ctx context.Context, id string) (payments.State, error) {
	f := c.psp
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return payments.State{}, errDown
	}
	f.cancels = append(f.cancels, id)
	s := f.sessions[id]
	if s.state.Status == hub.PaymentPending {
		s.state = payments.State{Status: hub.PaymentCancelled, Reason: "expired by the merchant"}
	}
	return s.state, nil
}

func (c *fakeClient) Refund(ctx context.Context, r payments.RefundRequest) (payments.Refunded, error) {
	f := c.psp
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return payments.Refunded{}, errDown
	}
	if r.AmountMinor > 1_000_000_00 || r.Reason == "refuse" {
		return payments.Refunded{}, &payments.Error{Provider: c.name, Op: "refund", Status: 400, Message: "amount too large"}
	}
	// Idempotent by key, as real providers are: a retry returns the same
	// refund and moves no more money.
	done, ok := f.refundByKey[r.IdempotencyKey]
	if !ok {
		f.refunds = append(f.refunds, r)
		done = payments.Refunded{ProviderID: fmt.Sprintf("re_%d", len(f.refunds)), Status: "succeeded"}
		if r.Reason == "declined by the bank" {
			done.Status = "canceled" // YooKassa and Stripe may answer a refund that did not happen
		}
		f.refundByKey[r.IdempotencyKey] = done
	}
	if f.loseRefundAnswer {
		return payments.Refunded{}, &payments.Error{Provider: c.name, Op: "refund", Message: "context deadline exceeded", Temporary: true}
	}
	return done, nil
}

func (c *fakeClient) Webhook(h http.Header, body []byte) (payments.Notice, error) {
	if c.name == hub.ProviderStripe && h.Get("X-Fake-Signature") != c.cfg.WebhookSecret {
		return payments.Notice{}, payments.ErrBadSignature
	}
	var n notice
	if err := json.Unmarshal(body, &n); err != nil {
		return payments.Notice{}, err
	}
	if n.Status == "" {
		return payments.Notice{}, payments.ErrIgnored
	}
	// Like Stripe's session events, a signed notice names neither the
	// method nor the receipt.
	st := payments.State{Status: n.Status, PaidMinor: n.Paid}
	return payments.Notice{EventID: n.Event, ProviderID: n.Session, Trusted: c.name == hub.ProviderStripe, State: st}, nil
}
