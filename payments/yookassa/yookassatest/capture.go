package yookassatest

import (
	"fmt"
	"net/http"
)

// captureRequest is POST /payments/{id}/capture as the fake reads it.
type captureRequest struct {
	Amount  *Amount  `json:"amount"`
	Receipt *Receipt `json:"receipt"`
}

// capturePayment is POST /payments/{id}/capture: a payment waiting for
// capture (a two-stage payment the customer paid) is taken, all of it or
// the amount asked (at most what is held; the rest goes back to the card,
// as YooKassa does for cards): succeeded, its amount what was taken.
func (s *Server) capturePayment(r *http.Request, body []byte) (any, *apiError) {
	p, ok := s.payments[r.PathValue("id")]
	if !ok {
		return nil, notFound("payment")
	}
	if p.Status != "waiting_for_capture" {
		return nil, badRequest("", fmt.Sprintf("Payment in status %s can't be captured: only a payment waiting_for_capture can", p.Status))
	}
	var req captureRequest
	if len(body) > 0 {
		if e := decode(body, &req); e != nil {
			return nil, e
		}
	}
	held, _ := parseMinor(p.Amount.Value)
	take := held
	if req.Amount != nil {
		minor, e := checkAmount("amount", *req.Amount)
		if e != nil {
			return nil, e
		}
		if req.Amount.Currency != p.Amount.Currency {
			return nil, badRequest("amount.currency", "The capture's currency differs from the payment's")
		}
		if minor > held {
			return nil, badRequest("amount.value", "The amount to capture is more than the payment's amount")
		}
		take = minor
	}
	if req.Receipt != nil {
		if e := checkReceipt(*req.Receipt, take, p.Amount.Currency); e != nil {
			return nil, e
		}
		p.CaptureReceipt = req.Receipt
	}
	p.Status = "succeeded"
	p.Amount.Value = formatMinor(take)
	p.ExpiresAt = nil
	at := now()
	p.CapturedAt = &at
	p.Refundable = true
	p.IncomeAmount = &Amount{Value: formatMinor(take - take*35/1000), Currency: p.Amount.Currency}
	if p.Receipt != nil || p.CaptureReceipt != nil {
		p.ReceiptRegistration = "succeeded"
	}
	return p, nil
}
