package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/payments/yookassa/yookassatest"
)

// A courtesy car's deposit through the assembled hub, against the
// YooKassa fake: the payments service holds it for the loan's page, the
// mounted webhook records the hold, and at the return an advisor takes
// part of it from the inbox's deposit form (input the form-input rule
// refuses first never reaches it); the customer is told, 1C gets the
// payment change, the work order stays unpaid.
func TestDepositThroughTheHub(t *testing.T) {
	yk := yookassatest.New(t)
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		pay := h.Server.Payments()
		cfg := yk.Config()
		if err := pay.Configure(ctx, h.Branch.ID, hub.PaymentSetup{Provider: hub.ProviderYooKassa, Account: cfg.Account, SecretKey: cfg.SecretKey}); err != nil {
			t.Fatal(err)
		}
		bp, err := h.Store.BranchPayment(ctx, h.Branch.ID)
		if err != nil {
			t.Fatal(err)
		}
		h.PushWorkOrder(t, "e1", "ЗН-7", 1, "В работе", nil)
		th := h.Thread(t, "ЗН-7")
		car := hub.CourtesyCar{BranchID: h.Branch.ID, Plate: "А 777 АА 77", Model: "Kia Rio", Fuel: hub.FuelPetrol}
		if err := h.Store.AddCourtesyCar(ctx, &car); err != nil {
			t.Fatal(err)
		}
		at := time.Now().UTC()
		l := hub.Loan{BranchID: h.Branch.ID, ThreadID: th.ID, WorkOrderID: th.WorkOrderID, CarID: car.ID, TokenHash: hub.HashToken("tok-" + h.Backend.Name),
			Locale: "ru", CustomerName: "Иван", CustomerPhone: th.Phone, HandoverAt: at, DueBackAt: at.Add(24 * time.Hour),
			FuelEighths: 8, OdometerKm: 100, IdentityMethod: hub.IdentityManual, OfferedBy: "Анна", DepositMinor: 1_000_000, DepositCurrency: "RUB"}
		if err := h.Store.CreateLoan(ctx, &l); err != nil {
			t.Fatal(err)
		}
		page, err := pay.StartHold(ctx, l, h.Config.PublicURL+"/l/tok")
		if err != nil || !strings.HasPrefix(page, strings.TrimSuffix(yk.URL, "/v3")) {
			t.Fatalf("StartHold: %q %v", page, err)
		}
		holds, err := h.Store.HoldsOfLoan(ctx, l.ID)
		if err != nil || len(holds) != 1 {
			t.Fatalf("holds %+v %v", holds, err)
		}
		yk.Pay(holds[0].ProviderID, "bank_card")
		req := httptest.NewRequest(http.MethodPost, "/api/payments/yookassa/"+bp.WebhookKey,
			bytes.NewReader(yk.Notification("payment.waiting_for_capture", holds[0].ProviderID)))
		req.Header.Set("Content-Type", "application/json")
		resp := h.Do(t, req)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("webhook %d", resp.StatusCode)
		}
		for _, s := range []string{hub.LoanOut, hub.LoanReturned} {
			if _, err := h.Store.ChangeLoan(ctx, l.ID, s, func(x *hub.Loan) error { x.State = s; return nil }); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := h.Store.Loan(ctx, l.ID); got.DepositStatus != hub.DepositHeld {
			t.Fatalf("loan %+v", got)
		}

		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "anna", Name: "Анна", Role: store.RoleAdvisor,
			Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		anna := h.NewClient(t).SignIn("anna", "s3cret-pass-word")
		path := fmt.Sprintf("/inbox/loans/%d/deposit", l.ID)
		for _, amount := range []string{"25\x0000", "\xff25", strings.Repeat("9", 80<<10)} {
			resp, _ := anna.Post(path, url.Values{"action": {"capture"}, "amount": {amount}})
			if resp.StatusCode < 400 || resp.StatusCode >= 500 {
				t.Fatalf("amount %.20q: %d", amount, resp.StatusCode)
			}
		}
		resp, body := anna.Post(path, url.Values{"action": {"capture"}, "amount": {"2 500"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("capture: %d\n%s", resp.StatusCode, body)
		}
		if p, _ := yk.Payment(holds[0].ProviderID); p.Status != "succeeded" || p.Amount.Value != "2500.00" {
			t.Fatalf("at YooKassa: %+v", p)
		}
		got, _ := h.Store.Loan(ctx, l.ID)
		if got.DepositStatus != hub.DepositCaptured {
			t.Fatalf("loan %+v", got)
		}
		changes, err := h.Store.ChangesAfter(ctx, []int64{h.Branch.ID}, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		payChanges := 0
		for _, c := range changes {
			if c.Type == hub.ChangePayment && strings.Contains(c.Data, `"kind":"loan_deposit"`) && strings.Contains(c.Data, `"amount_minor":250000`) {
				payChanges++
			}
		}
		if payChanges != 1 {
			t.Fatalf("%d payment changes of the deposit", payChanges)
		}
		w, _ := h.Store.WorkOrder(ctx, *th.WorkOrderID)
		if w.Paid {
			t.Fatal("the deposit paid the work order")
		}
		msgs, _ := h.Store.Messages(ctx, th.ID)
		told := 0
		for _, m := range msgs {
			if m.Direction == hub.DirectionOut && strings.Contains(m.Body, "удержано 2") {
				told++
			}
		}
		if told != 1 {
			t.Fatalf("the customer was told %d times", told)
		}
	}, func(c *cli.Config) { c.YooKassaBaseURL = yk.URL })
}
