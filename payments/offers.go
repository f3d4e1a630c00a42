package payments

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/customer"
)

// OfferOrder is the offer key of a work order's amount due; a request's
// is "request:<payment id>".
const OfferOrder = "order"

const requestPrefix = "request:"

// Due lists what the customer of a thread may pay online now: the work
// order's amount due (less what was already paid online) when it is ready
// or the DMS sent an amount due, and every advisor's request still open.
// Nothing when the branch takes no online payments or its provider does
// not take the order's currency.
func (s *Service) Due(ctx context.Context, threadID int64) ([]customer.PayOffer, error) {
	t, w, bp, ok, err := s.payable(ctx, threadID)
	if err != nil || !ok || w.Status == hub.StatusCancelled {
		// A cancelled order takes no money, an advisor's deposit included.
		return nil, err
	}
	var out []customer.PayOffer
	rest, err := s.orderRest(ctx, s.store, w)
	if err != nil {
		return nil, err
	}
	if rest > 0 {
		out = append(out, customer.PayOffer{Key: OfferOrder, Kind: hub.PaymentForWorkOrder, AmountMinor: rest, Currency: w.Currency})
	}
	list, err := s.store.PaymentsOfThread(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	for i := len(list) - 1; i >= 0; i-- { // oldest request first
		p := list[i]
		if p.Kind == hub.PaymentForRequest && p.Status == hub.PaymentPending && !p.Superseded && p.Provider == bp.Provider && p.Currency == w.Currency {
			out = append(out, customer.PayOffer{Key: requestPrefix + strconv.FormatInt(p.ID, 10), Kind: p.Kind,
				Reason: p.Reason, AmountMinor: p.AmountMinor, Currency: p.Currency})
		}
	}
	return out, nil
}

// payable loads a thread's work order and its branch's payment settings;
// ok is false when nothing about it can be paid online.
func (s *Service) payable(ctx context.Context, threadID int64) (hub.Thread, hub.WorkOrder, hub.BranchPayment, bool, error) {
	t, err := s.store.Thread(ctx, threadID)
	if err != nil {
		return t, hub.WorkOrder{}, hub.BranchPayment{}, false, err
	}
	if t.WorkOrderID == nil {
		return t, hub.WorkOrder{}, hub.BranchPayment{}, false, nil
	}
	w, err := s.store.WorkOrder(ctx, *t.WorkOrderID)
	if err != nil {
		return t, w, hub.BranchPayment{}, false, err
	}
	bp, err := s.store.BranchPayment(ctx, w.BranchID)
	if errors.Is(err, store.ErrNotFound) {
		return t, w, bp, false, nil
	}
	if err != nil {
		return t, w, bp, false, err
	}
	return t, w, bp, hub.ProviderTakes(bp.Provider, w.Currency), nil
}

// orderRest is what the customer still owes online for the work order:
// its amount due less what succeeded payments of it brought in (net of
// refunds), when it is ready, or when the DMS sent an amount due (asking
// for it before the car is ready); nothing when it is paid or cancelled,
// or handed over without an amount due (settled at the counter, most
// likely, before the DMS says paid).
func (s *Service) orderRest(ctx context.Context, st *store.Store, w hub.WorkOrder) (int64, error) {
	if w.Paid || w.Status == hub.StatusCancelled {
		return 0, nil
	}
	if w.AmountDueMinor == nil && w.Status != hub.StatusReady {
		return 0, nil
	}
	due, err := st.AmountDue(ctx, w)
	if err != nil {
		return 0, err
	}
	paid, err := st.OnlinePaidMinor(ctx, w.ID)
	if err != nil {
		return 0, err
	}
	return due - paid, nil
}

// parseOffer reads an offer key: the order, or a request's payment id.
func parseOffer(key string) (requestID int64, ok bool) {
	if key == OfferOrder {
		return 0, true
	}
	rest, found := strings.CutPrefix(key, requestPrefix)
	if !found {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}
