package yookassatest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"naryad/payments"
)

// The credentials the fake accepts (HTTP Basic: shop id and secret key).
const (
	ShopID    = "506751"
	SecretKey = "test_naryadFakeSecretKey"
)

// Server is a fake YooKassa API v3 on an httptest.Server. It keeps its
// payments and refunds in memory and answers with the documented bodies.
// The methods are safe for concurrent use.
type Server struct {
	// URL is the API's base address, ".../v3": ProviderConfig.BaseURL.
	URL string

	tb   testing.TB
	srv  *httptest.Server
	done chan struct{} // closed when the test ends: hung requests give up

	mu              sync.Mutex
	payments        map[string]*Payment
	order           []string // payment ids in creation order
	refunds         map[string]*Refund
	refundOrder     []string
	keys            map[string]replay // Idempotence-Key → the first answer
	requests        []Request
	faults          []int // statuses to answer the next API requests with; 0 hangs
	receiptRequired bool
}

// Request is one API request the fake received, with its answer's status.
type Request struct {
	Method         string
	Path           string // e.g. "/v3/payments"
	IdempotenceKey string
	Body           []byte
	Status         int
}

// JSON decodes the request's body into v, failing the test when it is
// not JSON.
func (r Request) JSON(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("yookassatest: %s %s body %s: %v", r.Method, r.Path, r.Body, err)
	}
}

// replay is an answer kept for its Idempotence-Key.
type replay struct {
	request string // method, path and the body's canonical JSON
	status  int
	body    []byte
}

// New starts a fake for the test and closes it when the test ends.
func New(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{
		tb:       tb,
		done:     make(chan struct{}),
		payments: map[string]*Payment{},
		refunds:  map[string]*Refund{},
		keys:     map[string]replay{},
	}
	s.srv = httptest.NewServer(s.routes())
	s.URL = s.srv.URL + "/v3"
	tb.Cleanup(func() {
		close(s.done)
		s.srv.Close()
	})
	return s
}

// Config is a provider configuration pointing at the fake with its
// credentials; set VATCode (and TaxSystem) to send receipts.
func (s *Server) Config() payments.ProviderConfig {
	return payments.ProviderConfig{Account: ShopID, SecretKey: SecretKey, BaseURL: s.URL}
}

// RequireReceipt makes the fake refuse payments and refunds without a
// receipt, as YooKassa does for a shop that sends 54-FZ receipts through it.
func (s *Server) RequireReceipt() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.receiptRequired = true
}

// FailNext makes the next API request (one per call, in order) fail with
// status and YooKassa's error body for it, before anything is processed:
// 500 or 429 as YooKassa being down, 401 as a revoked key. Status 0 makes
// the request hang until the client gives up (its timeout).
func (s *Server) FailNext(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, status)
}

// Pay makes the customer pay a pending payment with a method (bank_card,
// sbp, sberbank, …; empty: bank_card): succeeded, or waiting_for_capture
// when the payment was created with capture false.
func (s *Server) Pay(id, method string) {
	s.tb.Helper()
	if err := s.pay(id, method, false); err != nil {
		s.tb.Fatalf("yookassatest: Pay: %v", err)
	}
}

// Authorize makes the customer pay a pending payment but leaves it
// waiting_for_capture (as a two-stage payment), so it can be cancelled.
func (s *Server) Authorize(id, method string) {
	s.tb.Helper()
	if err := s.pay(id, method, true); err != nil {
		s.tb.Fatalf("yookassatest: Authorize: %v", err)
	}
}

// CancelPayment ends a payment the customer did not pay: a pending one
// expires (canceled, reason expired_on_confirmation), one waiting for
// capture too (expired_on_capture).
func (s *Server) CancelPayment(id string) {
	s.tb.Helper()
	if err := s.expire(id); err != nil {
		s.tb.Fatalf("yookassatest: CancelPayment: %v", err)
	}
}

// Notification is the body YooKassa would POST to the webhook address for
// event about the payment id as it is now (payment.succeeded,
// payment.canceled, payment.waiting_for_capture), or, for refund.*
// events, about the refund id. It does not check that the event fits the
// object's status, so a test can also forge a notification (a
// "payment.succeeded" of a payment still pending) and see that the hub
// fetches the payment back and believes YooKassa, not the notification.
func (s *Server) Notification(event, id string) []byte {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var obj any
	if p, ok := s.payments[id]; ok && len(event) > 8 && event[:8] == "payment." {
		obj = p
	} else if r, ok := s.refunds[id]; ok && len(event) > 7 && event[:7] == "refund." {
		obj = r
	} else {
		s.tb.Fatalf("yookassatest: Notification(%q, %q): no such payment or refund for that event", event, id)
		return nil
	}
	b, err := json.Marshal(Notification{Type: "notification", Event: event, Object: obj})
	if err != nil {
		s.tb.Fatalf("yookassatest: Notification: %v", err)
	}
	return b
}

// Requests returns the API requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Payments returns the payments made so far, in creation order.
func (s *Server) Payments() []Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Payment, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, clonePayment(s.payments[id]))
	}
	return out
}

// Payment returns one payment by id.
func (s *Server) Payment(id string) (Payment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[id]
	if !ok {
		return Payment{}, false
	}
	return clonePayment(p), true
}

// PaymentOf returns the latest payment made for the hub's payment id (its
// metadata naryad_payment_id), for a test that knows only the hub's side.
func (s *Server) PaymentOf(hubPaymentID int64) (Payment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := strconv.FormatInt(hubPaymentID, 10)
	for i := len(s.order) - 1; i >= 0; i-- {
		if p := s.payments[s.order[i]]; p.Metadata["naryad_payment_id"] == want {
			return clonePayment(p), true
		}
	}
	return Payment{}, false
}

// Refunds returns the refunds made so far, in order.
func (s *Server) Refunds() []Refund {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Refund, 0, len(s.refundOrder))
	for _, id := range s.refundOrder {
		out = append(out, *s.refunds[id])
	}
	return out
}

// clonePayment copies a payment so a caller cannot change the fake's.
func clonePayment(p *Payment) Payment {
	c := *p
	if p.CaptureReceipt != nil {
		r := *p.CaptureReceipt
		c.CaptureReceipt = &r
	}
	c.Metadata = make(map[string]string, len(p.Metadata))
	for k, v := range p.Metadata {
		c.Metadata[k] = v
	}
	return c
}

// newID makes an id shaped like YooKassa's ("2b5a4b8c-000f-5000-9000-…").
func newID(kind string) string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + kind + "-5000-9000-" + h[8:]
}

// now is YooKassa's time: UTC, milliseconds.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// checkoutURL is the fake's hosted page of a payment.
func (s *Server) checkoutURL(id string) string {
	return s.srv.URL + "/checkout/payments/v2/contract?orderId=" + id
}
