package dms

import (
	"context"
	"errors"
	"fmt"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// The ingest's side of online payments (issue 16): a work order event
// moves the amount due under a pending payment, says "unpaid" of an order
// the customer paid online, or makes an order ready that the customer may
// pay by the link. The payments themselves are the payments service's.

// resolvePaid decides, before anything is written, whether a "paid":
// false (or null) the event sent is overruled: the customer paid online at
// least the amount due after the event, so the order stays paid and staff
// get a task instead of a silent revocation (and a dead pickup PIN).
func (a *applier) resolvePaid(ctx context.Context, u *workOrderUpdate) error {
	w := u.w
	if !u.exists || !w.Sent.Paid || w.Paid {
		return nil
	}
	paid, err := a.tx.OnlinePaidMinor(ctx, u.prev.ID)
	if err != nil || paid <= 0 {
		return err
	}
	due := u.prev.AmountDueMinor
	if w.Sent.AmountDue {
		due = w.AmountDue
	}
	var lines []hub.WorkOrderLine
	if due == nil { // the lines decide: as they stand after the event
		stored, err := a.tx.Lines(ctx, u.prev.ID)
		if err != nil {
			return err
		}
		lines = stored
		if w.Sent.Lines {
			lines = linesAfter(stored, w.Lines)
		}
	}
	if amount := hub.AmountDue(due, lines); amount > 0 && paid >= amount {
		u.keepPaid, u.onlinePaid = true, paid
	}
	return nil
}

// linesAfter is the lines an event sends with the customer's decisions
// they keep once stored: a line whose id and total stay keeps its
// decision, as the store's upsert does.
func linesAfter(stored, sent []hub.WorkOrderLine) []hub.WorkOrderLine {
	decided := make(map[string]hub.WorkOrderLine, len(stored))
	for _, l := range stored {
		decided[l.ExternalID] = l
	}
	out := make([]hub.WorkOrderLine, len(sent))
	for i, l := range sent {
		if old, ok := decided[l.ExternalID]; ok && old.TotalMinor == l.TotalMinor {
			l.Decision = old.Decision
		}
		out[i] = l
	}
	return out
}

// supersedePayments marks the saved work order's pending payments of an
// amount no longer due superseded, when the event changed its lines, its
// amount due or its currency, and all of them when the order is paid or
// cancelled: the payments service cancels them at the
// provider, and the customer's next press of the pay button makes a
// payment of the new amount.
func (a *applier) supersedePayments(ctx context.Context, u *workOrderUpdate) error {
	if !u.exists {
		return nil
	}
	if u.doc.Paid || u.doc.Status == hub.StatusCancelled {
		// Paid at the counter or cancelled: nothing is due online, and an
		// open link must not take the money a second time.
		if _, err := a.tx.SupersedePendingPayments(ctx, u.doc.ID, -1); err != nil || u.doc.Status != hub.StatusCancelled {
			return err
		}
		// Cancelled: an advisor's deposit is not due either.
		_, err := a.tx.SupersedePendingRequests(ctx, u.doc.ID)
		return err
	}
	currencyChanged := u.doc.Currency != u.prev.Currency
	if !(u.w.Sent.Lines || u.w.Sent.AmountDue || currencyChanged) {
		return nil
	}
	var due int64
	if u.w.Sent.Lines && u.doc.AmountDueMinor == nil {
		// The lines as just stored, without reading them back.
		due = hub.AmountDue(nil, linesAfter(u.storedLines, u.w.Lines))
	} else {
		var err error
		if due, err = a.tx.AmountDue(ctx, u.doc); err != nil {
			return err
		}
	}
	if currencyChanged {
		due = -1 // no payment asks a negative amount: every pending one is of the old currency
	}
	_, err := a.tx.SupersedePendingPayments(ctx, u.doc.ID, due)
	return err
}

// payOnline is the amount the ready message asks to pay online: the
// amount due of an unpaid order whose branch takes online payments in its
// currency; 0 (no pay line) otherwise.
func (a *applier) payOnline(ctx context.Context, w hub.WorkOrder) (int64, error) {
	if w.Paid {
		return 0, nil
	}
	bp, err := a.tx.BranchPayment(ctx, w.BranchID)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if !hub.ProviderTakes(bp.Provider, w.Currency) {
		return 0, nil
	}
	due, err := a.tx.AmountDue(ctx, w)
	if err != nil || due <= 0 {
		return 0, err
	}
	return due, nil
}

// raisePaidTask tells staff that the DMS said "unpaid" of an order paid
// online: one open task per thread, noted in the thread like every task.
func (a *applier) raisePaidTask(ctx context.Context, u *workOrderUpdate) error {
	t := u.thread.thread
	paid := templates.MoneyText(templates.LocaleEN, u.onlinePaid, u.doc.Currency)
	task := store.StaffTask{
		BranchID: u.doc.BranchID, ThreadID: &t.ID, Kind: store.TaskPayment,
		Title: fmt.Sprintf("Order %s: the DMS says unpaid, but it was paid online", u.doc.Number),
		Body: fmt.Sprintf("The DMS sent paid: false for order %s, but the customer paid %s online. "+
			"The order stays paid in naryad. Record the online payment in the DMS (the feed's payment change), "+
			"or refund it from the thread.", u.doc.Number, paid),
	}
	_, err := a.tx.RaiseStaffTask(ctx, &task, "")
	return err
}
