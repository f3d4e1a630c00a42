package payments

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// Limits of what staff type.
const (
	maxReasonRunes = 200
	maxAmountMinor = 1_000_000_000_00 // a billion in major units: a typo, not a repair
)

// plainText tells whether what staff typed can be stored and sent: UTF-8
// without control characters other than line breaks and tabs (PostgreSQL
// refuses a NUL in text, a message must not carry one).
func plainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return true
}

// Request asks the customer of a thread for an amount (a deposit for
// parts, a prepayment) with a reason: a pending payment of kind request,
// made at the provider only when the customer presses pay, a line in the
// thread and the payment.request message with the page's link, in one
// transaction.
func (s *Service) Request(ctx context.Context, threadID, amountMinor int64, reason, by string) (hub.Payment, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case amountMinor <= 0:
		return hub.Payment{}, refuse("amount_not_positive")
	case amountMinor > maxAmountMinor:
		return hub.Payment{}, refuse("amount_too_large")
	case reason == "":
		return hub.Payment{}, refuse("request_reason_missing")
	case !plainText(reason):
		return hub.Payment{}, refuse("reason_unsendable")
	case utf8.RuneCountInString(reason) > maxReasonRunes:
		return hub.Payment{}, refuse("reason_too_long", maxReasonRunes)
	case strings.TrimSpace(by) == "":
		return hub.Payment{}, errors.New("payments: request without who asked")
	}
	t, w, bp, payable, err := s.payable(ctx, threadID)
	if err != nil {
		return hub.Payment{}, err
	}
	switch {
	case t.WorkOrderID == nil:
		return hub.Payment{}, refuse("request_no_work_order")
	case w.Status == hub.StatusCancelled:
		return hub.Payment{}, refuse("request_cancelled")
	case bp.Provider == "":
		return hub.Payment{}, refuse("request_no_provider")
	case !payable:
		return hub.Payment{}, refuse("request_currency", w.Currency)
	}
	key, err := newKey()
	if err != nil {
		return hub.Payment{}, err
	}
	p := hub.Payment{BranchID: w.BranchID, WorkOrderID: w.ID, ThreadID: &t.ID, Kind: hub.PaymentForRequest,
		Reason: reason, RequestedBy: by, AmountMinor: amountMinor, Currency: w.Currency, Provider: bp.Provider,
		IdempotencyKey: key, Status: hub.PaymentPending}
	queued := false
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreatePayment(ctx, &p); err != nil {
			return err
		}
		// The message before the line: a message to nobody numbers a
		// delivery_failed change, and the counter goes before the thread.
		if queued, err = s.notify(ctx, tx, t, w, templates.KeyPaymentRequest, func(d *templates.Data) {
			d.PayMinor, d.Text = amountMinor, reason
		}); err != nil {
			return err
		}
		return systemLine(ctx, tx, t.ID, templates.SysPaymentRequested, map[string]string{"by": by,
			"amount_minor": minor(amountMinor), "currency": w.Currency, "reason": reason})
	})
	if err != nil {
		return hub.Payment{}, fmt.Errorf("payments: request %d on thread %d: %w", amountMinor, threadID, err)
	}
	if queued {
		s.queued()
	}
	return p, nil
}
