//go:build linux || darwin

package station_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/payments/yookassa/yookassatest"
	"naryad/templates"
)

// Pay by link at a Russian branch with YooKassa (its fake at the boundary,
// serving the documented bodies): the pay button opens a YooKassa payment
// of the amount due with its 54-FZ receipt; YooKassa's notifications are
// not signed, so the hub believes only what it fetches back from the API:
// a forged "succeeded" of a payment still pending changes nothing, the
// real one makes one payment change, the receipt message and a paid order.
func TestPayByLinkWithYooKassaTrustsOnlyTheFetchBack(t *testing.T) {
	eachPayHub(t, func(t *testing.T, h *apptest.Hub, peers peers) {
		ctx, yk := t.Context(), peers.yk
		yk.RequireReceipt()
		const number = "АА-401"
		webhook := setPayments(t, h, hub.ProviderYooKassa, yookassatest.SecretKey, "", "--account", yookassatest.ShopID, "--vat-code", "1")
		hubURL, _ := h.ServeAt(t, "127.0.0.1:0")
		lines := []any{line("1", "labor", "Замена масла", "1500"), line("2", "part", "Тормозные колодки", "6800")}
		const due = int64(830000)
		pushEvents(t, h,
			orderEvent(h, "wo-1", number, 1, "Готов", "RUB", "ru", lines, map[string]any{"paid": false}),
			documentEvent("doc-1", number, "Счёт АА-401.pdf", "счёт на оплату"))
		contains(t, "the ready SMS", delivered(t, h, threadOf(t, h, number), templates.KeyStatusReady),
			"К оплате "+money(t, "ru", due, "RUB")+", оплатить онлайн: "+h.Config.BaseURL()+h.CustomerPath(t, number))

		u := openPage(t, h, number)
		contains(t, "the customer page", u.page(), `name="offer" value="order"`, "Оплатить "+money(t, "ru", due, "RUB"), "Счёт АА-401.pdf")
		to := u.pay("order")
		made := yk.Payments()
		if len(made) != 1 {
			t.Fatalf("%d YooKassa payments made, want 1", len(made))
		}
		ykp := made[0]
		if ykp.Confirmation == nil || to != ykp.Confirmation.ConfirmationURL {
			t.Fatalf("the pay button leads to %q, want YooKassa's confirmation page %+v", to, ykp.Confirmation)
		}
		if ykp.Amount != (yookassatest.Amount{Value: "8300.00", Currency: "RUB"}) || !ykp.Capture || ykp.Receipt == nil ||
			ykp.Receipt.Customer.Phone != "79161234567" || len(ykp.Receipt.Items) != 2 {
			t.Fatalf("the YooKassa payment: amount %+v capture %t receipt %+v", ykp.Amount, ykp.Capture, ykp.Receipt)
		}
		ps := paymentsOf(t, h, number)
		if len(ps) != 1 || ps[0].ProviderID != ykp.ID || ps[0].Status != hub.PaymentPending {
			t.Fatalf("payments after the press: %+v", ps)
		}
		p := ps[0]
		if !strings.HasPrefix(ykp.ReturnURL, h.Config.BaseURL()+h.CustomerPath(t, number)+"/pay/return/"+strconv.FormatInt(p.ID, 10)) {
			t.Fatalf("the customer comes back to %q", ykp.ReturnURL)
		}

		// A forged notification: "succeeded", but YooKassa says pending.
		fetches := func() int {
			n := 0
			for _, r := range yk.Requests() {
				if r.Method == http.MethodGet && r.Path == "/v3/payments/"+ykp.ID {
					n++
				}
			}
			return n
		}
		before := fetches()
		forged := yk.Notification("payment.succeeded", ykp.ID)
		if code := postWebhook(t, hubURL, webhook, http.Header{}, forged); code != http.StatusOK {
			t.Fatalf("the forged notification: %d, want 200", code)
		}
		if fetches() != before+1 {
			t.Fatal("the hub did not fetch the payment back from YooKassa")
		}
		if n := len(changesOf(t, h, hub.ChangePayment, number)); n != 0 {
			t.Fatalf("a forged notification made %d payment changes", n)
		}
		if got, err := h.Store.Payment(ctx, p.ID); err != nil || got.Status != hub.PaymentPending || workOrder(t, h, number).Paid {
			t.Fatalf("after the forged notification: %+v, %v; want pending, the order unpaid", got, err)
		}
		if s := u.returnState(p.ID); s != "pending" {
			t.Fatalf("the return page shows %q while YooKassa says pending", s)
		}

		// The customer pays by SBP; YooKassa notifies (twice, as it retries).
		yk.Pay(ykp.ID, "sbp")
		real := yk.Notification("payment.succeeded", ykp.ID)
		for range 2 {
			if code := postWebhook(t, hubURL, webhook, http.Header{}, real); code != http.StatusOK {
				t.Fatalf("the notification: %d, want 200", code)
			}
		}
		paid := changesOf(t, h, hub.ChangePayment, number)
		if len(paid) != 1 {
			t.Fatalf("%d payment changes, want 1", len(paid))
		}
		d := paid[0].Data
		if d["amount_minor"] != float64(due) || d["currency"] != "RUB" || d["provider"] != hub.ProviderYooKassa ||
			d["provider_payment_id"] != ykp.ID || d["method"] != "sbp" || d["payment_id"] != float64(p.ID) {
			t.Fatalf("the payment change: %v", d)
		}
		if !workOrder(t, h, number).Paid {
			t.Fatal("the work order is not paid")
		}
		msgs := threadOf(t, h, number)
		if n := sentCount(msgs, templates.KeyPaymentReceived); n != 1 {
			t.Fatalf("%d receipts, want 1", n)
		}
		contains(t, "the receipt", lastSent(t, msgs, templates.KeyPaymentReceived), money(t, "ru", due, "RUB"))
		if s := u.returnState(p.ID); s != "paid" {
			t.Fatalf("the return page shows %q after the payment, want paid", s)
		}

		// An admin refunds 1 500 ₽ from the thread, with the refund's
		// 54-FZ receipt to the customer's phone; YooKassa's refund
		// notification after it changes nothing more.
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "root", Name: "Анна", Role: store.RoleAdmin,
			Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		admin := h.NewClient(t).SignIn("root", "s3cret-pass-word")
		refundAt := "/inbox/threads/" + strconv.FormatInt(h.Thread(t, number).ID, 10) + "/payments/" + strconv.FormatInt(p.ID, 10) + "/refund"
		resp, body := admin.Post(refundAt, url.Values{"amount": {"1 500"}, "reason": {"Масло клиента"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("refund: %d\n%s", resp.StatusCode, body)
		}
		refunds := yk.Refunds()
		if len(refunds) != 1 || refunds[0].PaymentID != ykp.ID || refunds[0].Amount != (yookassatest.Amount{Value: "1500.00", Currency: "RUB"}) ||
			refunds[0].Receipt == nil || refunds[0].Receipt.Customer.Phone != "79161234567" {
			t.Fatalf("refunds at YooKassa: %+v", refunds)
		}
		if code := postWebhook(t, hubURL, webhook, http.Header{}, yk.Notification("refund.succeeded", refunds[0].ID)); code != http.StatusOK {
			t.Fatalf("the refund notification: %d, want 200", code)
		}
		back := changesOf(t, h, hub.ChangeRefund, number)
		if len(back) != 1 || back[0].Data["amount_minor"] != float64(150000) || back[0].Data["provider_refund_id"] != refunds[0].ID {
			t.Fatalf("refund changes: %+v", back)
		}
		if n := len(changesOf(t, h, hub.ChangePayment, number)); n != 1 {
			t.Fatalf("%d payment changes after the refund, want 1", n)
		}

		// A notification for an address no branch has: 404, nothing read.
		if code := postWebhook(t, hubURL, "/api/payments/yookassa/no-such-key", http.Header{}, real); code != http.StatusNotFound {
			t.Fatalf("an unknown webhook address: %d, want 404", code)
		}
	})
}
