package yookassatest

import (
	"net/http"
	"unicode/utf8"
)

// refundRequest is POST /refunds as the fake reads it.
type refundRequest struct {
	PaymentID   string   `json:"payment_id"`
	Amount      *Amount  `json:"amount"`
	Description string   `json:"description"`
	Receipt     *Receipt `json:"receipt"`
}

// createRefund is POST /refunds: a refund of part or all of what is left
// of a succeeded payment, succeeded at once.
func (s *Server) createRefund(_ *http.Request, body []byte) (any, *apiError) {
	var req refundRequest
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	p, ok := s.payments[req.PaymentID]
	if !ok {
		return nil, badRequest("payment_id", "Payment doesn't exist or access denied")
	}
	if p.Status != "succeeded" {
		return nil, badRequest("payment_id", "Only a succeeded payment can be refunded")
	}
	if req.Amount == nil {
		return nil, badRequest("amount", "Amount is required")
	}
	minor, e := checkAmount("amount", *req.Amount)
	if e != nil {
		return nil, e
	}
	if req.Amount.Currency != p.Amount.Currency {
		return nil, badRequest("amount.currency", "The refund's currency differs from the payment's")
	}
	paid, _ := parseMinor(p.Amount.Value)
	var refunded int64
	if p.RefundedAmount != nil {
		refunded, _ = parseMinor(p.RefundedAmount.Value)
	}
	if minor > paid-refunded {
		return nil, badRequest("amount.value", "The refund is more than what is left of the payment")
	}
	if utf8.RuneCountInString(req.Description) > 250 {
		return nil, badRequest("description", "Description is longer than 250 characters")
	}
	if e := s.checkReceiptPresence(req.Receipt); e != nil {
		return nil, e
	}
	if req.Receipt != nil {
		if e := checkReceipt(*req.Receipt, minor, req.Amount.Currency); e != nil {
			return nil, e
		}
	}
	r := &Refund{
		ID:          newID("0015"),
		PaymentID:   p.ID,
		Status:      "succeeded",
		CreatedAt:   now(),
		Amount:      Amount{Value: formatMinor(minor), Currency: req.Amount.Currency},
		Description: req.Description,
		Receipt:     req.Receipt,
	}
	if r.Receipt != nil {
		r.ReceiptRegistration = "succeeded"
	}
	refunded += minor
	p.RefundedAmount = &Amount{Value: formatMinor(refunded), Currency: p.Amount.Currency}
	p.Refundable = refunded < paid
	s.refunds[r.ID] = r
	s.refundOrder = append(s.refundOrder, r.ID)
	return r, nil
}

// getRefund is GET /refunds/{id}.
func (s *Server) getRefund(r *http.Request, _ []byte) (any, *apiError) {
	ref, ok := s.refunds[r.PathValue("id")]
	if !ok {
		return nil, notFound("refund")
	}
	return ref, nil
}
