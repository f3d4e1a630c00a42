package payments

import (
	"context"
	"errors"
	"strconv"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// createRequest is what the provider is asked to collect for a payment.
func (s *Service) createRequest(ctx context.Context, t hub.Thread, w hub.WorkOrder, p hub.Payment, returnURL string) (CreateRequest, error) {
	b, err := s.store.Branch(ctx, w.BranchID)
	if err != nil {
		return CreateRequest{}, err
	}
	bp, err := s.store.BranchPayment(ctx, w.BranchID)
	if err != nil {
		return CreateRequest{}, err
	}
	who, customerLocale, err := s.receiptCustomer(ctx, t.Phone, w)
	if err != nil {
		return CreateRequest{}, err
	}
	locale := b.Locale
	if customerLocale != "" {
		locale = customerLocale
	}
	locale = templates.NormalizeLocale(locale)
	desc := describe(locale, w.Number, p)
	lines, err := s.receiptLines(ctx, w, p, desc)
	if err != nil {
		return CreateRequest{}, err
	}
	return CreateRequest{
		PaymentID: p.ID, IdempotencyKey: p.IdempotencyKey, AmountMinor: p.AmountMinor, Currency: p.Currency,
		Description: desc, ReturnURL: returnURL + "/" + strconv.FormatInt(p.ID, 10), Locale: locale,
		Methods: splitMethods(bp.Methods), Customer: who, Lines: lines,
	}, nil
}

// receiptCustomer is who a fiscal receipt (YooKassa's, of a payment or a
// refund) goes to: the thread's phone, the work order's customer's name
// and e-mail; and the customer's language ("" when not known).
func (s *Service) receiptCustomer(ctx context.Context, phone string, w hub.WorkOrder) (ReceiptCustomer, string, error) {
	who := ReceiptCustomer{Phone: phone}
	if w.CustomerID == nil {
		return who, "", nil
	}
	c, err := s.store.Customer(ctx, *w.CustomerID)
	if err != nil {
		return ReceiptCustomer{}, "", err
	}
	who.Name, who.Email = c.Name, c.Email
	return who, c.Locale, nil
}

// describe is the payment's name on the hosted page and the receipt.
func describe(locale, number string, p hub.Payment) string {
	var d string
	switch locale {
	case templates.LocaleRU:
		d = "Заказ-наряд " + number
	case templates.LocalePL:
		d = "Zlecenie " + number
	default:
		d = "Work order " + number
	}
	if p.Kind == hub.PaymentForRequest && p.Reason != "" {
		d += ": " + p.Reason
	}
	return hub.TruncateRunes(d, 128)
}

// receiptLines are the fiscal receipt's lines: the work order's lines when
// they add up to the amount, else one line of the whole amount.
func (s *Service) receiptLines(ctx context.Context, w hub.WorkOrder, p hub.Payment, desc string) ([]ReceiptLine, error) {
	one := []ReceiptLine{{Description: desc, QtyMilli: 1000, AmountMinor: p.AmountMinor, Kind: hub.LineLabor}}
	if p.Kind != hub.PaymentForWorkOrder {
		return one, nil
	}
	lines, err := s.store.Lines(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	var out []ReceiptLine
	var sum int64
	for _, l := range lines {
		if !l.Due() || l.TotalMinor <= 0 {
			continue
		}
		out = append(out, ReceiptLine{Description: hub.TruncateRunes(l.Name, 128), QtyMilli: l.QtyMilli, AmountMinor: l.TotalMinor, Kind: l.Kind})
		sum += l.TotalMinor
	}
	if len(out) == 0 || sum != p.AmountMinor {
		return one, nil
	}
	return out, nil
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
