package inbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/templates"
)

// The payments service's own refusals of a refund and a pay request (its
// checks behind the page's) come to a Polish admin in Polish, an amount
// written as Polish money, never in the English of the log; nothing is
// refunded or requested.
func TestPaymentRefusalsSpeakTheStaffUsersLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "root", Name: "Root", Role: store.RoleAdmin,
			Password: password, Locale: "pl", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		h.PushWorkOrder(t, "e1", "ЗН-1", 1, "В работе", nil)
		th := h.Thread(t, "ЗН-1")
		// The branch takes no online payments (any more): the service
		// refuses what the page lets through.
		paid := func(key string) hub.Payment {
			p := hub.Payment{BranchID: th.BranchID, WorkOrderID: *th.WorkOrderID, ThreadID: &th.ID, Kind: hub.PaymentForWorkOrder,
				AmountMinor: 10_000_00, PaidMinor: 10_000_00, Currency: "RUB", Provider: hub.ProviderYooKassa, IdempotencyKey: key,
				Status: hub.PaymentSucceeded}
			if err := h.Store.CreatePayment(ctx, &p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		gone, unconfirmed := paid("pay-gone"), paid("pay-unconfirmed")
		booked := hub.PaymentRefund{PaymentID: unconfirmed.ID, AmountMinor: 2_500_00, Reason: "Rabat", RefundedBy: "Root",
			Status: "pending", IdempotencyKey: "refund-unconfirmed"}
		if ok, err := h.Store.ReserveRefund(ctx, &booked, time.Minute); err != nil || !ok {
			t.Fatalf("book a refund: %t %v", ok, err)
		}

		root := h.NewClient(t)
		root.Lang = "en" // the user's own language wins over the browser's
		root.SignIn("root", password)
		base := fmt.Sprintf("/inbox/threads/%d", th.ID)
		refund := func(p hub.Payment) string { return fmt.Sprintf("%s/payments/%d/refund", base, p.ID) }
		for _, c := range []struct {
			path, reason  string
			want, english string
		}{
			{refund(gone), "Rabat",
				"Oddział nie korzysta już tutaj z operatora tej płatności: zwróć ją w panelu operatora.", "The branch no longer uses"},
			{refund(unconfirmed), "Rabat",
				"Zwrot " + templates.MoneyText("pl", 2_500_00, "RUB") + " z tej płatności jest niepotwierdzony", "is unconfirmed"},
			{base + "/payments", "Zaliczka",
				"Oddział nie przyjmuje płatności online: najpierw administrator konfiguruje operatora płatności.", "takes no online payments"},
		} {
			resp, page := post(root, c.path, "amount", "100", "reason", c.reason)
			apptest.WantRefused(t, resp, page, `role="alert">`+c.want)
			wantNone(t, page, c.english, templates.MoneyText("en", 2_500_00, "RUB"))
		}

		for _, p := range []hub.Payment{gone, unconfirmed} {
			got, err := h.Store.Payment(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[int64]int64{gone.ID: 0, unconfirmed.ID: 2_500_00}[p.ID]; got.RefundedMinor != want {
				t.Errorf("payment %d: refunded %d, want %d", p.ID, got.RefundedMinor, want)
			}
		}
		payments, err := h.Store.PaymentsOfWorkOrder(ctx, *th.WorkOrderID)
		if err != nil {
			t.Fatal(err)
		}
		if len(payments) != 2 {
			t.Errorf("a refused request was stored: %+v", payments)
		}
	})
}
