package payments_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/payments"
)

// An advisor asked for a deposit, then the DMS cancelled the work order:
// the customer page no longer offers the deposit, pressing its button
// (a page left open) takes no money, and no new request can be made for
// the cancelled order.
func TestARequestOfACancelledOrderIsNotPayable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		req, err := e.svc.Request(ctx, e.f.Thread.ID, 50000, "Deposit for parts", "advisor")
		if err != nil {
			t.Fatal(err)
		}
		e.f.Order.Version++
		e.f.Order.Status = hub.StatusCancelled
		if ok, err := s.SaveWorkOrder(ctx, &e.f.Order); err != nil || !ok {
			t.Fatalf("cancel: %v %v", ok, err)
		}
		offers, err := e.svc.Due(ctx, e.f.Thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(offers) != 0 {
			t.Fatalf("a cancelled order offers %+v", offers)
		}
		_, err = e.svc.Start(ctx, e.f.Thread.ID, "request:"+strconv.FormatInt(req.ID, 10), returnBase)
		var ue *payments.UserError
		if !errors.As(err, &ue) {
			t.Fatalf("a deposit of a cancelled order was started: %v", err)
		}
		if len(e.psp.Creates()) != 0 {
			t.Fatal("a page was made at the provider for a cancelled order")
		}
		if _, err := e.svc.Request(ctx, e.f.Thread.ID, 50000, "Another deposit", "advisor"); !errors.As(err, &ue) {
			t.Fatalf("a request on a cancelled order: %v", err)
		}
	})
}
