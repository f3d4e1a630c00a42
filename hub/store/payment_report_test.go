package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// shareAt is the online-share fixture's period start.
var shareAt = time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)

// shareWorld stores work orders handed over at known times with payments
// of known states, for OnlinePaymentShare.
type shareWorld struct {
	t     *testing.T
	s     *store.Store
	f     storetest.Fixture
	n     int
	spbID int64
	ekbID int64
}

// order stores a work order of branch, in status, handed over at
// shareAt+at (never when at is negative and status is not delivered).
func (w *shareWorld) order(branch int64, status string, at time.Duration) hub.WorkOrder {
	w.t.Helper()
	w.n++
	handed := shareAt.Add(at)
	o := hub.WorkOrder{NodeID: w.f.Node.ID, BranchID: branch, Number: fmt.Sprintf("ЗН-%d", w.n), Version: 1,
		Status: status, Currency: "RUB", OpenedAt: shareAt.Add(-72 * time.Hour), HandedOverAt: &handed}
	if _, err := w.s.SaveWorkOrder(context.Background(), &o); err != nil {
		w.t.Fatal(err)
	}
	return o
}

// pay stores a payment of the work order.
func (w *shareWorld) pay(o hub.WorkOrder, kind, status, currency string, paid, refunded int64) {
	w.t.Helper()
	w.n++
	p := hub.Payment{BranchID: o.BranchID, WorkOrderID: o.ID, Kind: kind, AmountMinor: paid, Currency: currency,
		Provider: hub.ProviderStripe, IdempotencyKey: fmt.Sprintf("k%d", w.n), Status: status, PaidMinor: paid, RefundedMinor: refunded}
	if status != hub.PaymentSucceeded {
		p.PaidMinor, p.RefundedMinor = 0, 0
	}
	if err := w.s.CreatePayment(context.Background(), &p); err != nil {
		w.t.Fatal(err)
	}
}

func TestOnlinePaymentShare(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := &shareWorld{t: t, s: s, f: storetest.NewFixture(t, s)}
		for _, b := range []*int64{&w.spbID, &w.ekbID} {
			br := hub.Branch{Code: "spb1", Name: "Питер", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
			if b == &w.ekbID {
				br.Code = "ekb1"
			}
			if err := s.CreateBranch(ctx, &br); err != nil {
				t.Fatal(err)
			}
			*b = br.ID
		}
		msk := w.f.Branch.ID
		const wo, req = hub.PaymentForWorkOrder, hub.PaymentForRequest
		const ok, pending, failed = hub.PaymentSucceeded, hub.PaymentPending, hub.PaymentFailed
		delivered := hub.StatusDelivered

		paid := w.order(msk, delivered, time.Hour) // paid online in full
		w.pay(paid, wo, ok, "RUB", 10_000_00, 0)
		deposit := w.order(msk, delivered, 2*time.Hour) // only a deposit: not the amount due
		w.pay(deposit, req, ok, "RUB", 3_000_00, 0)
		w.order(msk, delivered, 3*time.Hour)             // paid at the counter
		refunded := w.order(msk, delivered, 4*time.Hour) // refunded in full: not paid online
		w.pay(refunded, wo, ok, "RUB", 5_000_00, 5_000_00)
		tried := w.order(msk, delivered, 5*time.Hour) // a payment still pending, one failed
		w.pay(tried, wo, failed, "RUB", 7_000_00, 0)
		w.pay(tried, wo, pending, "RUB", 7_000_00, 0)
		euro := w.order(msk, delivered, 29*24*time.Hour) // partly refunded, another currency
		w.pay(euro, wo, ok, "EUR", 200_00, 50_00)
		w.pay(euro, req, ok, "EUR", 10_00, 0)
		before := w.order(msk, delivered, -time.Second) // before the period
		w.pay(before, wo, ok, "RUB", 1_000_00, 0)
		after := w.order(msk, delivered, 30*24*time.Hour) // the period's end is exclusive
		w.pay(after, wo, ok, "RUB", 1_000_00, 0)
		reopened := w.order(msk, hub.StatusInProgress, time.Hour) // handed over, then reopened
		w.pay(reopened, wo, ok, "RUB", 1_000_00, 0)
		spb := w.order(w.spbID, delivered, time.Hour) // another branch
		w.pay(spb, wo, ok, "RUB", 9_000_00, 0)

		from, to := shareAt, shareAt.Add(30*24*time.Hour)
		got, err := s.OnlinePaymentShare(ctx, []int64{msk, w.ekbID}, from, to)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.OnlineShare{
			{BranchID: w.ekbID, BranchCode: "ekb1"},
			{BranchID: msk, BranchCode: "msk1", HandedOver: 6, PaidOnline: 2,
				Paid: []store.CurrencyAmount{{Currency: "EUR", Minor: 160_00}, {Currency: "RUB", Minor: 13_000_00}}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("share\n got %+v\nwant %+v", got, want)
		}
		if p := got[1].SharePermille(); p != 333 {
			t.Errorf("share %d‰, want 333", p)
		}
		if p := got[0].SharePermille(); p != 0 {
			t.Errorf("nothing handed over: %d‰", p)
		}

		got, err = s.OnlinePaymentShare(ctx, []int64{w.spbID}, from, to)
		if err != nil || len(got) != 1 || got[0].HandedOver != 1 || got[0].PaidOnline != 1 || got[0].SharePermille() != 1000 ||
			!reflect.DeepEqual(got[0].Paid, []store.CurrencyAmount{{Currency: "RUB", Minor: 9_000_00}}) {
			t.Fatalf("spb: %+v %v", got, err)
		}
		if got, err := s.OnlinePaymentShare(ctx, nil, from, to); err != nil || got != nil {
			t.Fatalf("no branches: %+v %v", got, err)
		}
	})
}
