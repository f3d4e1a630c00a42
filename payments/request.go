package payments

import (
	"context"
	"errors"
	"fmt"
	"strings"
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

// Request asks the customer of a thread for an amount (a deposit for
// parts, a prepayment) with a reason: a pending payment of kind request,
// made at the provider only when the customer presses pay, a line in the
// thread and the payment.request message with the page's link, in one
// transaction.
func (s *Service) Request(ctx context.Context, threadID, amountMinor int64, reason, by string) (hub.Payment, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case amountMinor <= 0:
		return hub.Payment{}, userErrorf("The amount must be more than zero.")
	case amountMinor > maxAmountMinor:
		return hub.Payment{}, userErrorf("The amount is too large.")
	case reason == "":
		return hub.Payment{}, userErrorf("Say what the payment is for.")
	case utf8.RuneCountInString(reason) > maxReasonRunes:
		return hub.Payment{}, userErrorf("The reason is longer than %d characters.", maxReasonRunes)
	case strings.TrimSpace(by) == "":
		return hub.Payment{}, errors.New("payments: request without who asked")
	}
	t, w, bp, payable, err := s.payable(ctx, threadID)
	if err != nil {
		return hub.Payment{}, err
	}
	switch {
	case t.WorkOrderID == nil:
		return hub.Payment{}, userErrorf("This conversation has no work order to pay for.")
	case bp.Provider == "":
		return hub.Payment{}, userErrorf("The branch takes no online payments: an admin sets up a provider first.")
	case !payable:
		return hub.Payment{}, userErrorf("The branch's payment provider does not take %s.", w.Currency)
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
		return systemLine(ctx, tx, t.ID, fmt.Sprintf("Payment requested by %s: %s, %s.", by, money(amountMinor, w.Currency), reason))
	})
	if err != nil {
		return hub.Payment{}, fmt.Errorf("payments: request %d on thread %d: %w", amountMinor, threadID, err)
	}
	if queued {
		s.queued()
	}
	return p, nil
}

// Refund returns amountMinor of a succeeded payment to the customer
// through its provider: the amount is booked first (two refunds at once
// never return more than was paid), then the provider asked, then the
// refund recorded with a refund change for the DMS and a line in the
// thread. A refusal gives the booking back. The page audits who did it.
func (s *Service) Refund(ctx context.Context, paymentID, amountMinor int64, reason, by string) (hub.PaymentRefund, error) {
	reason = strings.TrimSpace(reason)
	p, err := s.store.Payment(ctx, paymentID)
	if err != nil {
		return hub.PaymentRefund{}, err
	}
	switch {
	case p.Status != hub.PaymentSucceeded:
		return hub.PaymentRefund{}, userErrorf("Only a payment that went through can be refunded.")
	case amountMinor <= 0:
		return hub.PaymentRefund{}, userErrorf("The amount must be more than zero.")
	case amountMinor > p.RefundableMinor():
		return hub.PaymentRefund{}, userErrorf("At most %s of this payment can be refunded.", money(p.RefundableMinor(), p.Currency))
	case reason == "":
		return hub.PaymentRefund{}, userErrorf("Say why the money is refunded.")
	case utf8.RuneCountInString(reason) > maxReasonRunes:
		return hub.PaymentRefund{}, userErrorf("The reason is longer than %d characters.", maxReasonRunes)
	case strings.TrimSpace(by) == "":
		return hub.PaymentRefund{}, errors.New("payments: refund without who made it")
	}
	prov, err := s.branchProvider(ctx, p)
	if err != nil {
		return hub.PaymentRefund{}, userErrorf("The branch no longer uses this payment's provider here: refund it in the provider's dashboard.")
	}
	// A refund has its fiscal receipt too (YooKassa): to the customer the
	// payment's went to.
	who, err := s.refundReceiptCustomer(ctx, p)
	if err != nil {
		return hub.PaymentRefund{}, err
	}
	key, err := newKey()
	if err != nil {
		return hub.PaymentRefund{}, err
	}
	r := hub.PaymentRefund{PaymentID: p.ID, AmountMinor: amountMinor, Reason: reason, RefundedBy: by, Status: "pending", IdempotencyKey: key}
	booked, err := s.store.ReserveRefund(ctx, &r)
	if err != nil {
		return hub.PaymentRefund{}, err
	}
	if !booked {
		return hub.PaymentRefund{}, userErrorf("Another refund of this payment was made meanwhile: look at the payment again.")
	}
	cctx, cancel := s.call(ctx)
	res, err := prov.Refund(cctx, RefundRequest{ProviderID: p.ProviderID, IdempotencyKey: key, AmountMinor: amountMinor,
		Currency: p.Currency, Reason: reason, Customer: who, Lines: []ReceiptLine{{Description: truncate(reason, 128), QtyMilli: 1000, AmountMinor: amountMinor, Kind: hub.LineLabor}}})
	cancel()
	if err != nil {
		if rerr := s.store.ReleaseRefund(ctx, r); rerr != nil {
			s.log.Error("release a refused refund", "refund", r.ID, "error", rerr)
		}
		s.log.Warn("refund refused", "payment", p.ID, "error", err)
		var pe *Error
		if errors.As(err, &pe) && pe.Message != "" {
			return hub.PaymentRefund{}, userErrorf("The provider refused the refund: %s", pe.Message)
		}
		return hub.PaymentRefund{}, userErrorf("The provider did not answer; nothing was refunded, try again later.")
	}
	r.ProviderID, r.Status = res.ProviderID, res.Status
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.LockChangeFeed(ctx); err != nil {
			return err
		}
		if err := tx.SetRefundResult(ctx, r.ID, res.ProviderID, res.Status); err != nil {
			return err
		}
		w, err := tx.WorkOrder(ctx, p.WorkOrderID)
		if err != nil {
			return err
		}
		c := hub.Change{BranchID: p.BranchID, WorkOrderID: &w.ID, WorkOrderNumber: w.Number}
		if err := tx.AppendChange(ctx, &c, hub.RefundData{
			PaymentID: p.ID, RefundID: r.ID, AmountMinor: amountMinor, Currency: p.Currency, Provider: p.Provider,
			ProviderPaymentID: p.ProviderID, ProviderRefundID: res.ProviderID, Reason: reason, RefundedBy: by,
			RefundedAt: r.CreatedAt,
		}); err != nil {
			return err
		}
		if p.ThreadID == nil {
			return nil
		}
		return systemLine(ctx, tx, *p.ThreadID, fmt.Sprintf("Refunded %s of the online payment of %s by %s: %s.",
			money(amountMinor, p.Currency), money(p.PaidMinor, p.Currency), by, reason))
	})
	if err != nil {
		// The money went back: what is missing is our record of it.
		return r, fmt.Errorf("payments: refund %d made at the provider (%s) but not recorded: %w", r.ID, res.ProviderID, err)
	}
	return r, nil
}

// refundReceiptCustomer is who a payment's refund receipt goes to: the
// payment's thread's phone (when the thread is still there) and its work
// order's customer.
func (s *Service) refundReceiptCustomer(ctx context.Context, p hub.Payment) (ReceiptCustomer, error) {
	w, err := s.store.WorkOrder(ctx, p.WorkOrderID)
	if err != nil {
		return ReceiptCustomer{}, err
	}
	phone := ""
	if p.ThreadID != nil {
		t, err := s.store.Thread(ctx, *p.ThreadID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return ReceiptCustomer{}, err
		}
		phone = t.Phone
	}
	who, _, err := s.receiptCustomer(ctx, phone, w)
	return who, err
}
