package payments

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// Start makes or reuses the provider's hosted page for an offer of the
// thread (see Due) and returns where the customer goes: the provider's
// page, or the return page when the payment turns out paid already.
// Fifteen presses at once make one payment: the work order's open payment
// is unique in the database, and every retry of its create at the provider
// carries the same idempotency key.
// A refusal is a *UserError in the customer's language.
func (s *Service) Start(ctx context.Context, threadID int64, offerKey, returnURL string) (string, error) {
	url, err := s.start(ctx, threadID, offerKey, returnURL)
	var problem customerProblem
	if errors.As(err, &problem) {
		return "", &UserError{Msg: problem.in(s.threadLocale(ctx, threadID))}
	}
	return url, err
}

func (s *Service) start(ctx context.Context, threadID int64, offerKey, returnURL string) (string, error) {
	requestID, ok := parseOffer(offerKey)
	if !ok {
		return "", problemNotOffered
	}
	t, w, bp, payable, err := s.payable(ctx, threadID)
	if err != nil {
		return "", err
	}
	if !payable || w.Status == hub.StatusCancelled {
		// A cancelled order takes no money, also from a page left open
		// on an advisor's deposit (Due no longer offers it).
		return "", problemNotAvailable
	}
	prov, err := s.providerFor(bp)
	if err != nil {
		return "", err
	}
	for range 3 { // a page found closed at the provider is replaced by a new one
		var p hub.Payment
		if requestID == 0 {
			p, err = s.orderPayment(ctx, t, w, bp)
		} else {
			p, err = s.requestPayment(ctx, t, w, bp, requestID)
		}
		if err != nil {
			return "", err
		}
		url, open, err := s.hostedPage(ctx, prov, t, w, p, returnURL)
		if err != nil || open {
			return url, err
		}
		if p, err = s.store.Payment(ctx, p.ID); err != nil {
			return "", err
		}
		if p.Status == hub.PaymentSucceeded {
			return returnURL + "/" + strconv.FormatInt(p.ID, 10), nil
		}
		if requestID != 0 {
			// A request closed at the provider was re-opened as a new one.
			if requestID, err = s.reopenedRequest(ctx, t.ID, p); err != nil {
				return "", err
			}
		}
	}
	return "", problemTryAgain
}

// orderPayment returns the work order's open payment of what is due, or
// makes one; an open one of another amount is superseded (the poller
// cancels it at the provider).
func (s *Service) orderPayment(ctx context.Context, t hub.Thread, w hub.WorkOrder, bp hub.BranchPayment) (hub.Payment, error) {
	rest, err := s.orderRest(ctx, s.store, w)
	if err != nil {
		return hub.Payment{}, err
	}
	if rest <= 0 {
		return hub.Payment{}, problemNothingDue
	}
	for range 3 {
		open, err := s.store.OpenPaymentOfWorkOrder(ctx, w.ID)
		switch {
		case err == nil && open.AmountMinor == rest && open.Currency == w.Currency && open.Provider == bp.Provider:
			return open, nil
		case err == nil:
			if _, err := s.store.SupersedePayment(ctx, open.ID, s.now()); err != nil {
				return hub.Payment{}, err
			}
		case !errors.Is(err, store.ErrNotFound):
			return hub.Payment{}, err
		}
		key, err := newKey()
		if err != nil {
			return hub.Payment{}, err
		}
		next := s.now().Add(checkAfter[0])
		p := hub.Payment{BranchID: w.BranchID, WorkOrderID: w.ID, ThreadID: &t.ID, Kind: hub.PaymentForWorkOrder,
			AmountMinor: rest, Currency: w.Currency, Provider: bp.Provider, IdempotencyKey: key,
			Status: hub.PaymentPending, NextCheckAt: &next}
		err = s.store.CreatePayment(ctx, &p)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, store.ErrOpenPaymentExists) {
			return hub.Payment{}, err
		}
		// Another press made it a moment ago: take that one.
	}
	return hub.Payment{}, problemTryAgain
}

// requestPayment returns an advisor's open request of the thread.
func (s *Service) requestPayment(ctx context.Context, t hub.Thread, w hub.WorkOrder, bp hub.BranchPayment, id int64) (hub.Payment, error) {
	p, err := s.store.Payment(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (p.ThreadID == nil || *p.ThreadID != t.ID || p.Kind != hub.PaymentForRequest)) {
		return hub.Payment{}, problemNotOffered
	}
	if err != nil {
		return hub.Payment{}, err
	}
	if p.Status != hub.PaymentPending || p.Superseded {
		return hub.Payment{}, problemRequestClosed
	}
	if p.Provider != bp.Provider || p.Currency != w.Currency {
		// Asked under the branch's previous provider or in the order's
		// previous currency (Due does not offer it): made at today's
		// provider under the old name, no webhook or check would find it.
		return hub.Payment{}, problemRequestClosed
	}
	return p, nil
}

// hostedPage makes sure the payment has its page at the provider: a page
// made before is reused while the provider says it is still open (open
// false, and its state applied, when it is not); otherwise it is created,
// with the payment's idempotency key.
func (s *Service) hostedPage(ctx context.Context, prov Provider, t hub.Thread, w hub.WorkOrder, p hub.Payment, returnURL string) (string, bool, error) {
	if p.ProviderID != "" {
		cctx, cancel := s.call(ctx)
		st, err := prov.Fetch(cctx, p.ProviderID)
		cancel()
		if err != nil {
			// The provider's own page tells the customer what it knows.
			s.log.Warn("payment state unknown, reusing its page", "payment", p.ID, "error", err)
			return p.PaymentURL, true, nil
		}
		if st.Status == hub.PaymentPending {
			return p.PaymentURL, true, nil
		}
		if _, err := s.settle(ctx, p, st, nil); err != nil {
			return "", false, err
		}
		return "", false, nil
	}
	req, err := s.createRequest(ctx, t, w, p, returnURL)
	if err != nil {
		return "", false, err
	}
	cctx, cancel := s.call(ctx)
	created, err := prov.Create(cctx, req)
	cancel()
	if err != nil {
		s.log.Error("create payment at provider", "payment", p.ID, "provider", p.Provider, "error", err)
		if keyReused(err) {
			// An earlier create of this payment reached the provider but
			// its answer did not reach us, and what we ask now differs
			// (another link's return address, a new e-mail on the
			// receipt): the provider refuses the key for good. Its page
			// was never shown to anyone, so the payment is given up and
			// the caller makes a new one with a new key.
			// A racing press that got the page (and saved it) wins.
			if now, err := s.store.Payment(ctx, p.ID); err != nil || now.ProviderID != "" {
				if err != nil {
					return "", false, err
				}
				return now.PaymentURL, now.Status == hub.PaymentPending && now.PaymentURL != "", nil
			}
			st := State{Status: hub.PaymentFailed, Reason: "its page at the provider could not be opened again"}
			if _, err := s.settle(ctx, p, st, nil); err != nil {
				return "", false, err
			}
			return "", false, nil
		}
		return "", false, problemProviderDown
	}
	wrote, err := s.store.SetPaymentCreated(ctx, p.ID, created.ProviderID, created.URL)
	if err != nil {
		return "", false, err
	}
	if !wrote {
		// A racing press recorded it first: the same payment at the
		// provider (same idempotency key), so its page is as good.
		if p, err = s.store.Payment(ctx, p.ID); err != nil {
			return "", false, err
		}
		if p.Status != hub.PaymentPending || p.PaymentURL == "" {
			return "", false, nil // closed meanwhile: the caller makes a new one
		}
		return p.PaymentURL, true, nil
	}
	if p.NextCheckAt == nil || p.Checks > 0 {
		// A request, or a create retried after a failure: polled from now.
		next := s.now().Add(checkAfter[0])
		if err := s.store.SchedulePaymentCheck(ctx, p.ID, 0, &next); err != nil {
			return "", false, err
		}
	}
	return created.URL, true, nil
}

// keyReused tells whether a provider refused a create because its
// idempotency key was used before with other parameters (Stripe's
// idempotency_error; YooKassa's invalid_request about the Idempotence-Key).
func keyReused(err error) bool {
	var pe *Error
	if !errors.As(err, &pe) || pe.Temporary {
		return false
	}
	return pe.Code == "idempotency_error" || strings.Contains(pe.Message, "Idempotence-Key") || strings.Contains(pe.Message, "Idempotence key")
}

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
	return truncate(d, 128)
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
		out = append(out, ReceiptLine{Description: truncate(l.Name, 128), QtyMilli: l.QtyMilli, AmountMinor: l.TotalMinor, Kind: l.Kind})
		sum += l.TotalMinor
	}
	if len(out) == 0 || sum != p.AmountMinor {
		return one, nil
	}
	return out, nil
}

// Outcome returns a payment of the thread for the return page, asking the
// provider first while it is still pending (a webhook may be late).
func (s *Service) Outcome(ctx context.Context, threadID, paymentID int64) (hub.Payment, error) {
	p, err := s.store.Payment(ctx, paymentID)
	if err != nil {
		return hub.Payment{}, err
	}
	if p.ThreadID == nil || *p.ThreadID != threadID {
		return hub.Payment{}, fmt.Errorf("payment %d of thread %d: %w", paymentID, threadID, store.ErrNotFound)
	}
	if p.Status != hub.PaymentPending || p.ProviderID == "" {
		return p, nil
	}
	if err := s.check(ctx, p); err != nil {
		s.log.Warn("payment state unknown", "payment", p.ID, "error", err)
		return p, nil // shown as pending: never as paid
	}
	return s.store.Payment(ctx, paymentID)
}

// check asks the provider for a payment's state and applies it.
func (s *Service) check(ctx context.Context, p hub.Payment) error {
	bp, err := s.store.BranchPayment(ctx, p.BranchID)
	if err != nil {
		return err
	}
	if bp.Provider != p.Provider {
		return fmt.Errorf("payment %d is at %s, the branch now uses %s", p.ID, p.Provider, bp.Provider)
	}
	prov, err := s.providerFor(bp)
	if err != nil {
		return err
	}
	cctx, cancel := s.call(ctx)
	st, err := prov.Fetch(cctx, p.ProviderID)
	cancel()
	if err != nil {
		return err
	}
	_, err = s.settle(ctx, p, st, nil)
	return err
}

func newKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("payments: random key: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
