package payments

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// webhookEvent is a provider event to record once, in the transaction
// that applies it.
type webhookEvent struct{ provider, id string }

// settle applies what the provider says of a payment, with every effect,
// in one transaction: the payment's state (a final state stays final, so
// a late or repeated event changes nothing), and on success the work order
// paid when the payment covers what is due, a payment change for the DMS,
// a line in the thread, the receipt to the customer, the key locker's
// pickup PIN, and a staff task when the amount is not what was due. An
// event given is recorded in the same transaction (false, nothing done,
// when it was seen before). It reports whether the payment changed.
func (s *Service) settle(ctx context.Context, p hub.Payment, st State, event *webhookEvent) (bool, error) {
	if p.Kind == hub.PaymentForLoanDeposit {
		// A courtesy car's deposit: the loan's, no work order's.
		return s.settleHold(ctx, p, st, event, "")
	}
	changed, queued := false, false
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		// The work order's row first, as the DMS ingest takes it, then the
		// change feed's counter, then the thread: one lock order.
		w, err := tx.WorkOrderForPayment(ctx, p.WorkOrderID)
		if err != nil {
			return err
		}
		if err := tx.LockChangeFeed(ctx); err != nil {
			return err
		}
		if event != nil {
			first, err := tx.RecordPaymentWebhook(ctx, event.provider, event.id)
			if err != nil || !first {
				return err
			}
		}
		var paidAt *time.Time
		if !st.PaidAt.IsZero() {
			paidAt = &st.PaidAt
		}
		if changed, err = tx.ApplyPaymentState(ctx, p.ID, store.PaymentState{Status: st.Status, PaidMinor: st.PaidMinor,
			Method: st.Method, ReceiptURL: st.ReceiptURL, Reason: st.Reason, PaidAt: paidAt}); err != nil || !changed {
			return err
		}
		if p, err = tx.Payment(ctx, p.ID); err != nil {
			return err
		}
		if p.Status == hub.PaymentSucceeded {
			queued, err = s.succeeded(ctx, tx, p, w)
			return err
		}
		return s.closed(ctx, tx, p)
	})
	if err != nil {
		return false, fmt.Errorf("payments: settle payment %d as %s: %w", p.ID, st.Status, err)
	}
	if queued {
		s.queued()
	}
	return changed, nil
}

// succeeded is settle's part for a payment that went through.
func (s *Service) succeeded(ctx context.Context, tx *store.Store, p hub.Payment, w hub.WorkOrder) (bool, error) {
	due, err := tx.AmountDue(ctx, w)
	if err != nil {
		return false, err
	}
	markedPaid, paidBefore := false, w.Paid
	if p.Kind == hub.PaymentForWorkOrder && !w.Paid && due > 0 && w.Status != hub.StatusCancelled {
		paid, err := tx.OnlinePaidMinor(ctx, w.ID)
		if err != nil {
			return false, err
		}
		if paid >= due {
			if markedPaid, err = tx.MarkWorkOrderPaid(ctx, w.ID); err != nil {
				return false, err
			}
			w.Paid = w.Paid || markedPaid
		}
	}
	paidAt := s.now().UTC()
	if p.PaidAt != nil {
		paidAt = *p.PaidAt
	}
	c := hub.Change{BranchID: p.BranchID, WorkOrderID: &w.ID, WorkOrderNumber: w.Number, OccurredAt: paidAt}
	if err := tx.AppendChange(ctx, &c, hub.PaymentData{
		PaymentID: p.ID, Kind: p.Kind, Reason: p.Reason, AmountMinor: p.PaidMinor, RequestedMinor: p.AmountMinor,
		Currency: p.Currency, Provider: p.Provider, ProviderPaymentID: p.ProviderID, Method: p.Method, PaidAt: paidAt,
		ReceiptURL: p.ReceiptURL,
	}); err != nil {
		return false, err
	}
	if p.ThreadID == nil {
		return false, nil // the thread was deleted: the DMS still hears of it
	}
	t, err := tx.Thread(ctx, *p.ThreadID)
	if err != nil {
		return false, err
	}
	queued, err := s.notify(ctx, tx, t, w, templates.KeyPaymentReceived, func(d *templates.Data) {
		d.PayMinor, d.ReceiptURL, d.Currency = p.PaidMinor, p.ReceiptURL, p.Currency
	})
	if err != nil {
		return false, err
	}
	args := map[string]string{"paid_minor": minor(p.PaidMinor), "currency": p.Currency, "method": p.Method,
		"provider": p.Provider, "provider_id": p.ProviderID}
	if markedPaid {
		args["marked_key"] = "payment.marked_paid"
	}
	if err := systemLine(ctx, tx, t.ID, templates.SysPaid, args); err != nil {
		return false, err
	}
	if problem := mismatch(p, due, w, paidBefore); problem != "" {
		task := store.StaffTask{BranchID: t.BranchID, ThreadID: &t.ID, Kind: store.TaskPayment,
			Title: "Check the online payment of work order " + w.Number, Body: problem}
		if _, err := tx.RaiseStaffTask(ctx, &task, problem); err != nil {
			return false, err
		}
	}
	if err := tx.AppendOrderEvent(ctx, t); err != nil {
		return false, err
	}
	if markedPaid && s.lockers != nil {
		// After the receipt: "paid" comes before the PIN to collect the keys.
		sent, err := s.lockers.WorkOrderSaved(ctx, tx, w, false)
		if err != nil {
			return false, err
		}
		queued = queued || sent
	}
	return queued, nil
}

// mismatch says what staff must look at in a payment that went through:
// an order paid twice or cancelled, an amount other than the one asked,
// or asked when no longer due.
func mismatch(p hub.Payment, due int64, w hub.WorkOrder, paidBefore bool) string {
	switch {
	case p.Kind == hub.PaymentForWorkOrder && paidBefore:
		return fmt.Sprintf("The customer paid %s online for work order %s, which was paid already (at the counter, or online before) (payment %d): refund one of the payments.",
			money(p.PaidMinor, p.Currency), w.Number, p.ID)
	case paidBefore:
		// An advisor's request paid after the order was paid in full (at
		// the counter, most likely including what was asked).
		return fmt.Sprintf("The customer paid %s online on a payment request (%s) of work order %s, which was paid already (payment %d): check whether the request was settled at the counter too, and refund if so.",
			money(p.PaidMinor, p.Currency), p.Reason, w.Number, p.ID)
	case w.Status == hub.StatusCancelled:
		return fmt.Sprintf("The customer paid %s online for a work order that is cancelled (payment %d): refund it or settle it with the customer.",
			money(p.PaidMinor, p.Currency), p.ID)
	case p.PaidMinor != p.AmountMinor:
		return fmt.Sprintf("Asked %s, the provider reports %s paid (payment %d).", money(p.AmountMinor, p.Currency), money(p.PaidMinor, p.Currency), p.ID)
	case p.Kind == hub.PaymentForWorkOrder && p.Superseded:
		return fmt.Sprintf("The customer paid %s on a link made before the amount due changed to %s (payment %d): settle the difference.",
			money(p.PaidMinor, p.Currency), money(due, w.Currency), p.ID)
	}
	return ""
}

// closed is settle's part for a payment that failed or was cancelled: a
// line in the thread; a request is offered again, as a new payment, so
// the customer can try once more.
func (s *Service) closed(ctx context.Context, tx *store.Store, p hub.Payment) error {
	if p.ThreadID == nil {
		return nil
	}
	key := templates.SysPaymentFailed
	if p.Status == hub.PaymentCancelled {
		key = templates.SysPaymentCancelled
	}
	args := map[string]string{"amount_minor": minor(p.AmountMinor), "currency": p.Currency, "reason": p.FailureReason}
	if p.Superseded {
		args["reason"] = "the amount due changed"
	}
	if err := systemLine(ctx, tx, *p.ThreadID, key, args); err != nil {
		return err
	}
	if p.Kind != hub.PaymentForRequest || p.Superseded {
		return nil
	}
	key, err := newKey()
	if err != nil {
		return err
	}
	again := hub.Payment{BranchID: p.BranchID, WorkOrderID: p.WorkOrderID, ThreadID: p.ThreadID, Kind: p.Kind,
		Reason: p.Reason, RequestedBy: p.RequestedBy, AmountMinor: p.AmountMinor, Currency: p.Currency,
		Provider: p.Provider, IdempotencyKey: key, Status: hub.PaymentPending}
	return tx.CreatePayment(ctx, &again)
}

// reopenedRequest finds the request closed re-opened (see closed).
func (s *Service) reopenedRequest(ctx context.Context, threadID int64, closed hub.Payment) (int64, error) {
	list, err := s.store.PaymentsOfThread(ctx, threadID)
	if err != nil {
		return 0, err
	}
	for _, p := range list {
		if p.ID > closed.ID && p.Kind == hub.PaymentForRequest && p.Status == hub.PaymentPending && !p.Superseded &&
			p.AmountMinor == closed.AmountMinor && p.Reason == closed.Reason {
			return p.ID, nil
		}
	}
	return 0, problemRequestClosed
}
