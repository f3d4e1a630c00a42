package store_test

import (
	"context"
	"encoding/json"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A deposit left at the desk is stored as such (the CHECK of migration
// 00038 allows it), counts as settled for the key, and reaches the DMS as
// deposit_status desk; kept in part at the return, the amount kept is
// stored and sent.
func TestLoanDepositAtDesk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		l := offeredLoan(t, s, f)
		l, err := s.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error {
			x.DepositMinor, x.DepositCurrency, x.DepositStatus = 100000, "PLN", hub.DepositRequired
			x.IdentityStatus, x.SignedAt = hub.IdentityVerified, &x.HandoverAt
			return nil
		})
		if err != nil || l.Ready() {
			t.Fatalf("a loan waiting for its deposit: %+v %v", l, err)
		}
		l, err = s.ChangeLoan(ctx, l.ID, hub.LoanEventDepositDesk, func(x *hub.Loan) error { x.DepositStatus = hub.DepositDesk; return nil })
		if err != nil {
			t.Fatalf("deposit at the desk: %v", err)
		}
		if got, err := s.Loan(ctx, l.ID); err != nil || got.DepositStatus != hub.DepositDesk || !got.Ready() {
			t.Fatalf("read back %+v %v: want desk and ready", got, err)
		}
		for _, to := range []string{hub.LoanOut, hub.LoanReturned} {
			if l, err = s.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error { x.State = to; return nil }); err != nil {
				t.Fatal(err)
			}
		}
		_, err = s.ChangeLoan(ctx, l.ID, hub.LoanEventClosed, func(x *hub.Loan) error {
			x.State, x.DepositStatus, x.DepositKeptMinor = hub.LoanClosed, hub.DepositDeskKept, 30000
			return nil
		})
		if err != nil {
			t.Fatalf("kept at the desk: %v", err)
		}
		if got, _ := s.Loan(ctx, l.ID); got.DepositStatus != hub.DepositDeskKept || got.DepositKeptMinor != 30000 {
			t.Fatalf("read back %s kept %d", got.DepositStatus, got.DepositKeptMinor)
		}
		changes, err := s.ChangesAfter(ctx, []int64{f.Branch.ID}, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]hub.LoanData{}
		for _, c := range changes {
			if c.Type == hub.ChangeLoan {
				var d hub.LoanData
				if err := json.Unmarshal([]byte(c.Data), &d); err != nil {
					t.Fatal(err)
				}
				seen[d.Event] = d
			}
		}
		if d := seen[hub.LoanEventDepositDesk]; d.DepositStatus != hub.DepositDesk || d.IdentityMethod != hub.IdentityManual {
			t.Fatalf("deposit_desk change %+v", d)
		}
		if d := seen[hub.LoanEventClosed]; d.DepositStatus != hub.DepositDeskKept || d.DepositKeptMinor != 30000 {
			t.Fatalf("closed change %+v", d)
		}

		// A status the CHECK does not know is still refused.
		if _, err := s.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error { x.DepositStatus = "cash"; return nil }); err == nil {
			t.Fatal("an unknown deposit status was stored")
		}
	})
}

// A branch takes deposits online only with a provider that takes the
// loan's currency.
func TestDepositsOnline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		if ok, err := s.DepositsOnline(ctx, f.Branch.ID, "PLN"); err != nil || ok {
			t.Fatalf("no payment settings: %v %v", ok, err)
		}
		if err := s.SaveBranchPayment(ctx, &hub.BranchPayment{BranchID: f.Branch.ID, Provider: hub.ProviderStripe, SecretSealed: "x", WebhookKey: "k-desk"}); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.DepositsOnline(ctx, f.Branch.ID, "PLN"); err != nil || !ok {
			t.Fatalf("Stripe, PLN: %v %v", ok, err)
		}
		if ok, err := s.DepositsOnline(ctx, f.Branch.ID, "RUB"); err != nil || ok {
			t.Fatalf("Stripe, RUB: %v %v", ok, err)
		}
	})
}
