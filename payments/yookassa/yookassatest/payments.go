package yookassatest

import (
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"
)

// paymentRequest is POST /payments as the fake reads it.
type paymentRequest struct {
	Amount       *Amount `json:"amount"`
	Capture      bool    `json:"capture"`
	Confirmation *struct {
		Type      string `json:"type"`
		ReturnURL string `json:"return_url"`
		Locale    string `json:"locale"`
	} `json:"confirmation"`
	Description string            `json:"description"`
	Metadata    map[string]string `json:"metadata"`
	Receipt     *Receipt          `json:"receipt"`
}

// createPayment is POST /payments: a pending payment with a redirect to the
// fake's checkout page.
func (s *Server) createPayment(_ *http.Request, body []byte) (any, *apiError) {
	var req paymentRequest
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if req.Amount == nil {
		return nil, badRequest("amount", "Amount is required")
	}
	minor, e := checkAmount("amount", *req.Amount)
	if e != nil {
		return nil, e
	}
	c := req.Confirmation
	if c == nil || c.Type != "redirect" {
		return nil, badRequest("confirmation.type", "The fake supports only the redirect confirmation")
	}
	if c.ReturnURL == "" {
		return nil, badRequest("confirmation.return_url", "return_url is required for a redirect confirmation")
	}
	if c.Locale != "" && c.Locale != "ru_RU" && c.Locale != "en_US" {
		return nil, badRequest("confirmation.locale", "Locale must be ru_RU or en_US")
	}
	if utf8.RuneCountInString(req.Description) > 128 {
		return nil, badRequest("description", "Description is longer than 128 characters")
	}
	if len(req.Metadata) > 16 {
		return nil, badRequest("metadata", "Metadata has more than 16 keys")
	}
	for k, v := range req.Metadata {
		if utf8.RuneCountInString(k) > 32 || utf8.RuneCountInString(v) > 512 {
			return nil, badRequest("metadata", "A metadata key is longer than 32 or a value longer than 512 characters")
		}
	}
	if e := s.checkReceiptPresence(req.Receipt); e != nil {
		return nil, e
	}
	if req.Receipt != nil {
		if e := checkReceipt(*req.Receipt, minor, req.Amount.Currency); e != nil {
			return nil, e
		}
	}
	p := &Payment{
		ID:           newID("000f"),
		Status:       "pending",
		Amount:       *req.Amount,
		Description:  req.Description,
		Recipient:    Recipient{AccountID: ShopID, GatewayID: "1000001"},
		CreatedAt:    now(),
		Test:         true,
		Metadata:     req.Metadata,
		Capture:      req.Capture,
		ReturnURL:    c.ReturnURL,
		Locale:       c.Locale,
		Receipt:      req.Receipt,
		Confirmation: &Confirmation{Type: "redirect"},
	}
	if p.Metadata == nil {
		p.Metadata = map[string]string{}
	}
	p.Amount.Value = formatMinor(minor)
	p.Confirmation.ConfirmationURL = s.checkoutURL(p.ID)
	if p.Receipt != nil {
		p.ReceiptRegistration = "pending"
	}
	s.payments[p.ID] = p
	s.order = append(s.order, p.ID)
	return p, nil
}

// getPayment is GET /payments/{id}.
func (s *Server) getPayment(r *http.Request, _ []byte) (any, *apiError) {
	p, ok := s.payments[r.PathValue("id")]
	if !ok {
		return nil, notFound("payment")
	}
	return p, nil
}

// cancelPayment is POST /payments/{id}/cancel: only a payment waiting for
// capture can be cancelled; a cancelled one is answered as it is.
func (s *Server) cancelPayment(r *http.Request, _ []byte) (any, *apiError) {
	p, ok := s.payments[r.PathValue("id")]
	if !ok {
		return nil, notFound("payment")
	}
	switch p.Status {
	case "waiting_for_capture":
		p.Status = "canceled"
		p.Paid = false
		p.ExpiresAt = nil
		p.CancellationDetails = &CancellationDetails{Party: "merchant", Reason: "canceled_by_merchant"}
		return p, nil
	case "canceled":
		return p, nil
	default:
		return nil, badRequest("", fmt.Sprintf("Payment in status %s can't be canceled: only a payment waiting_for_capture can", p.Status))
	}
}

// pay is the customer paying (Pay, Authorize, the checkout page).
func (s *Server) pay(id, method string, hold bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[id]
	if !ok {
		return fmt.Errorf("no payment %q", id)
	}
	if p.Status != "pending" {
		return fmt.Errorf("payment %s is %s, not pending", id, p.Status)
	}
	if method == "" {
		method = "bank_card"
	}
	p.Paid = true
	p.PaymentMethod = &PaymentMethod{Type: method, ID: p.ID, Title: methodTitle(method)}
	if hold || !p.Capture {
		p.Status = "waiting_for_capture"
		expires := now().Add(7 * 24 * time.Hour)
		p.ExpiresAt = &expires
		return nil
	}
	p.Status = "succeeded"
	at := now()
	p.CapturedAt = &at
	p.Refundable = true
	minor, _ := parseMinor(p.Amount.Value)
	p.IncomeAmount = &Amount{Value: formatMinor(minor - minor*35/1000), Currency: p.Amount.Currency}
	if p.Receipt != nil {
		p.ReceiptRegistration = "succeeded"
	}
	return nil
}

// expire is a payment's confirmation or capture time running out.
func (s *Server) expire(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[id]
	if !ok {
		return fmt.Errorf("no payment %q", id)
	}
	switch p.Status {
	case "pending":
		p.CancellationDetails = &CancellationDetails{Party: "yoo_money", Reason: "expired_on_confirmation"}
	case "waiting_for_capture":
		p.CancellationDetails = &CancellationDetails{Party: "yoo_money", Reason: "expired_on_capture"}
	default:
		return fmt.Errorf("payment %s is %s: only a pending or waiting_for_capture payment can expire", id, p.Status)
	}
	p.Status = "canceled"
	p.Paid = false
	p.ExpiresAt = nil
	if p.Receipt != nil {
		p.ReceiptRegistration = "canceled"
	}
	return nil
}

func methodTitle(method string) string {
	switch method {
	case "bank_card":
		return "Bank card *4444"
	case "sbp":
		return "СБП"
	case "sberbank":
		return "SberPay"
	default:
		return method
	}
}
