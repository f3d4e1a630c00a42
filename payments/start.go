package payments

import (
	"context"
	"errors"
	"strconv"

	"naryad/hub"
	"naryad/hub/store"
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
