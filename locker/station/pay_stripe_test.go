//go:build linux || darwin

package station_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/internal/stripemock"
	"naryad/locker/kiosk"
	"naryad/lockerwire"
	"naryad/templates"
)

const (
	stripeKey   = "sk_test_naryadE2E" // stripe-mock takes letters and digits after sk_test_
	stripeWhsec = "whsec_naryad_e2e_endpoint_secret"
	sessions    = "/v1/checkout/sessions"
)

// stripeSession makes stripe-mock's next Checkout Sessions answer the
// session id, as Stripe gives every session its own (stripe-mock keeps no
// state and answers one fixture), and returns its hosted page's URL.
func stripeSession(mock *stripemock.Server, id string) string {
	page := "https://checkout.stripe.com/c/pay/" + id
	mock.Patch(http.MethodPost, sessions, map[string]any{"id": id, "url": page, "status": "open", "payment_status": "unpaid"})
	mock.Patch(http.MethodGet, sessions+"/"+id, map[string]any{"id": id, "url": page, "status": "open", "payment_status": "unpaid"})
	return page
}

// paidSession is the Checkout Session as Stripe shows it once the
// customer paid it with BLIK.
func paidSession(id string, paymentID int64, amountMinor int64) map[string]any {
	return map[string]any{
		"id": id, "status": "complete", "payment_status": "paid", "amount_total": amountMinor, "currency": "pln",
		"metadata": map[string]any{"naryad_payment_id": strconv.FormatInt(paymentID, 10)},
		"payment_intent": map[string]any{"id": "pi_" + id, "object": "payment_intent", "status": "succeeded", "amount_received": amountMinor,
			"latest_charge": map[string]any{"id": "ch_" + id, "object": "charge", "created": time.Now().Unix(),
				"receipt_url":            "https://pay.stripe.com/receipts/payment/" + id,
				"payment_method_details": map[string]any{"type": "blik"}}},
	}
}

// stripeCalls are the calls stripe-mock got at method+path, oldest first.
func stripeCalls(mock *stripemock.Server, method, path string) []stripemock.Request {
	var out []stripemock.Request
	for _, r := range mock.Requests() {
		if r.Method == method && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// formList reads a form array (name[0], name[1], …).
func formList(form url.Values, name string) []string {
	var out []string
	for i := 0; ; i++ {
		v, ok := form[name+"["+strconv.Itoa(i)+"]"]
		if !ok {
			return out
		}
		out = append(out, v...)
	}
}

// Issue #16's whole loop at a Polish branch, with Stripe's own mock server
// as the provider: keys dropped off at the kiosk, the DMS pushes the order
// ready and unpaid with an invoice, the SMS carries the amount and the
// link, the customer's page the pay button beside the invoice; the button
// opens a Checkout Session of the right amount, currency and methods;
// Stripe's signed webhook makes one payment change, the receipt and the
// pickup PIN, and the PIN opens the door on the simulated board. The same
// webhook again, the DMS's own paid flag, and a DMS saying unpaid change
// nothing more (one staff task). An admin refunds part from the thread.
func TestPayByLinkWithStripeThenCollectTheKeys(t *testing.T) {
	eachPayHub(t, func(t *testing.T, h *apptest.Hub, peers peers) {
		ctx, mock := t.Context(), peers.stripe
		h = polishBranch(t, h)
		const number = "WA-301"
		webhook := setPayments(t, h, hub.ProviderStripe, stripeKey, stripeWhsec)
		site := addLockerSite(t, h, "Podwórze", 1)
		addStaffPIN(t, h, "ewa", staffPIN)
		hubURL, _ := h.ServeAt(t, "127.0.0.1:0")
		boards, link := simulateBoards(t, 1)
		st, _ := startStation(t, link, hubURL, site.Token)
		k := &front{t: t, e: st.Engine(), boards: boards}

		// The car comes in; the customer leaves the keys in the locker.
		lines := []any{line("1", "labor", "Wymiana oleju", "250"), line("2", "part", "Klocki hamulcowe", "480.50")}
		const due = int64(73050)
		pushEvents(t, h, orderEvent(h, "wo-1", number, 1, "Принят", "PLN", "pl", lines, nil))
		dropOff := codeIn(t, threadOf(t, h, number), templates.KeyLockerDropOff)
		k.sync()
		box := k.opens("drop-off of "+number, func() error { return k.enter(kiosk.ModeDropOff, dropOff) })
		k.shut(box, true, kiosk.ScreenDone)
		// The workshop takes them, and puts them back for pickup when done.
		if err := k.enter(kiosk.ModeStaff, staffPIN); err != nil || k.e.Screen().Kind != kiosk.ScreenStaffMenu {
			t.Fatalf("staff PIN: %v, screen %+v", err, k.e.Screen())
		}
		held := k.box(number, lockerwire.StateHeld)
		box = k.opens("staff take of "+number, func() error { return k.e.StaffTake(ctx, held.ID) })
		k.shut(box, false, kiosk.ScreenStaffMenu)
		box = k.opens("staff return of "+number, func() error { return k.e.StaffReturn(ctx, number) })
		k.shut(box, true, kiosk.ScreenStaffMenu)
		k.e.Home()
		k.sync() // the hub now knows the keys wait for pickup

		// Ready, unpaid, with the act and the invoice.
		pushEvents(t, h,
			orderEvent(h, "wo-2", number, 2, "Готов", "PLN", "pl", lines, map[string]any{"paid": false}),
			documentEvent("doc-1", number, "Protokół WA-301.pdf", "akt"),
			documentEvent("doc-2", number, "Faktura WA-301.pdf", "invoice"))
		msgs := threadOf(t, h, number)
		contains(t, "the ready SMS", delivered(t, h, msgs, templates.KeyStatusReady),
			"Do zapłaty "+money(t, "pl", due, "PLN")+", zapłać online: "+h.Config.BaseURL()+h.CustomerPath(t, number))
		if n := sentCount(msgs, templates.KeyLockerPickupPIN); n != 0 {
			t.Fatalf("%d pickup PINs before payment, want none", n)
		}

		u := openPage(t, h, number)
		page := u.page()
		payAt := strings.Index(page, `id="pay"`)
		if payAt < 0 {
			t.Fatalf("the customer page has no pay button:\n%s", page)
		}
		pay := page[payAt:]
		contains(t, "the pay block", pay, `name="offer" value="order"`, money(t, "pl", due, "PLN"), "Faktura WA-301.pdf")
		if strings.Contains(pay[:strings.Index(pay, "</div>")], "Protokół") {
			t.Fatal("the act is shown beside the pay button; only invoices belong there")
		}
		docs, _, _ := strings.Cut(page[max(strings.Index(page, `id="documents"`), 0):], "</section>")
		if inv, act := strings.Index(docs, "Faktura WA-301.pdf"), strings.Index(docs, "Protokół WA-301.pdf"); inv < 0 || act < 0 || inv > act {
			t.Fatalf("documents: the invoice (at %d) is not listed before the act (at %d):\n%s", inv, act, docs)
		}

		// The pay button: a Checkout Session of 730,50 zł by card, BLIK or P24.
		checkout := stripeSession(mock, "cs_test_e2e_one")
		if to := u.pay("order"); to != checkout {
			t.Fatalf("the pay button leads to %q, want the Checkout page %q", to, checkout)
		}
		created := stripeCalls(mock, http.MethodPost, sessions)
		if len(created) != 1 {
			t.Fatalf("%d Checkout Sessions made, want 1", len(created))
		}
		f := created[0].Form
		if f.Get("line_items[0][price_data][unit_amount]") != strconv.FormatInt(due, 10) ||
			f.Get("line_items[0][price_data][currency]") != "pln" || f.Get("mode") != "payment" {
			t.Fatalf("the session asks for %s %s (mode %s), want %d pln", f.Get("line_items[0][price_data][unit_amount]"),
				f.Get("line_items[0][price_data][currency]"), f.Get("mode"), due)
		}
		if got := strings.Join(formList(f, "payment_method_types"), ","); got != "card,blik,p24" {
			t.Fatalf("payment methods %q, want card,blik,p24", got)
		}
		ps := paymentsOf(t, h, number)
		if len(ps) != 1 || ps[0].Status != hub.PaymentPending || ps[0].ProviderID != "cs_test_e2e_one" {
			t.Fatalf("payments after the press: %+v", ps)
		}
		p := ps[0]
		if !strings.HasPrefix(f.Get("success_url"), h.Config.BaseURL()+h.CustomerPath(t, number)+"/pay/return/"+strconv.FormatInt(p.ID, 10)) {
			t.Fatalf("the customer comes back to %q", f.Get("success_url"))
		}
		if s := u.returnState(p.ID); s != "pending" {
			t.Fatalf("back from Checkout before paying: the return page shows %q, want pending", s)
		}

		// The customer pays by BLIK; Stripe's webhook follows, signed with
		// the branch's endpoint secret.
		mock.Patch(http.MethodGet, sessions+"/cs_test_e2e_one", paidSession("cs_test_e2e_one", p.ID, due))
		event := stripemock.SessionEvent("evt_e2e_paid", "checkout.session.completed", paidSession("cs_test_e2e_one", p.ID, due))
		if code := postWebhook(t, hubURL, webhook, stripemock.Signed("whsec_someone_else", event, time.Now()), event); code != http.StatusBadRequest {
			t.Fatalf("a webhook signed with another secret: %d, want 400", code)
		}
		if n := len(changesOf(t, h, hub.ChangePayment, number)); n != 0 {
			t.Fatalf("a badly signed webhook made %d payment changes", n)
		}
		if code := postWebhook(t, hubURL, webhook, stripemock.Signed(stripeWhsec, event, time.Now()), event); code != http.StatusOK {
			t.Fatalf("the signed webhook: %d, want 200", code)
		}
		paid := changesOf(t, h, hub.ChangePayment, number)
		if len(paid) != 1 {
			t.Fatalf("%d payment changes, want 1", len(paid))
		}
		d := paid[0].Data
		if d["amount_minor"] != float64(due) || d["currency"] != "PLN" || d["provider"] != hub.ProviderStripe ||
			d["provider_payment_id"] != "cs_test_e2e_one" || d["method"] != "blik" || d["payment_id"] != float64(p.ID) {
			t.Fatalf("the payment change: %v", d)
		}
		if w := workOrder(t, h, number); !w.Paid {
			t.Fatal("the work order is not paid after the payment")
		}
		msgs = threadOf(t, h, number)
		contains(t, "the receipt", lastSent(t, msgs, templates.KeyPaymentReceived), money(t, "pl", due, "PLN"), "https://pay.stripe.com/receipts/")
		pin := codeIn(t, msgs, templates.KeyLockerPickupPIN)
		if s := u.returnState(p.ID); s != "paid" {
			t.Fatalf("the return page shows %q after the payment, want paid", s)
		}

		// The same webhook again (Stripe retries), and the DMS's own paid
		// flag afterwards: nothing more.
		if code := postWebhook(t, hubURL, webhook, stripemock.Signed(stripeWhsec, event, time.Now()), event); code != http.StatusOK {
			t.Fatalf("the webhook again: %d, want 200", code)
		}
		changes := len(feed(t, h))
		pushEvents(t, h, orderEvent(h, "wo-3", number, 3, "Готов", "PLN", "pl", lines, map[string]any{"paid": true}))
		msgs = threadOf(t, h, number)
		if n, r := sentCount(msgs, templates.KeyLockerPickupPIN), sentCount(msgs, templates.KeyPaymentReceived); n != 1 || r != 1 {
			t.Fatalf("%d pickup PINs and %d receipts, want 1 and 1", n, r)
		}
		if n := len(feed(t, h)); n != changes {
			t.Fatalf("the DMS's paid flag made %d changes", n-changes)
		}
		if n := len(changesOf(t, h, hub.ChangePayment, number)); n != 1 {
			t.Fatalf("%d payment changes after the repeats, want 1", n)
		}

		// The DMS says unpaid: the order stays paid, staff get one task.
		pushEvents(t, h, orderEvent(h, "wo-4", number, 4, "Готов", "PLN", "pl", lines, map[string]any{"paid": false}))
		pushEvents(t, h, orderEvent(h, "wo-5", number, 5, "Готов", "PLN", "pl", lines, map[string]any{"paid": false}))
		if w := workOrder(t, h, number); !w.Paid {
			t.Fatal("the DMS's paid: false revoked an online payment")
		}
		if tasks := openTasks(t, h, "payment"); len(tasks) != 1 || !strings.Contains(tasks[0].Title, number) {
			t.Fatalf("open payment tasks: %+v, want one naming %s", tasks, number)
		}
		if n := sentCount(threadOf(t, h, number), templates.KeyLockerPickupPIN); n != 1 {
			t.Fatalf("%d pickup PINs, want 1", n)
		}

		// The customer collects the keys with the PIN the payment sent.
		k.sync()
		out := k.opens("pickup of "+number, func() error { return k.enter(kiosk.ModePickup, pin) })
		if out != box {
			t.Fatalf("the PIN opened box %d, the keys are in box %d", out+1, box+1)
		}
		if s := k.shut(out, false, kiosk.ScreenDone); s.WorkOrderNumber != number {
			t.Fatalf("done screen for %q, want %s", s.WorkOrderNumber, number)
		}
		k.e.Home()
		k.sync()
		waitUntil(t, 5*time.Second, func() string { return "the hub never heard the keys were collected" }, func() bool {
			return noteCount(threadOf(t, h, number), "keys collected by the customer") == 1
		})

		// An admin refunds part of it from the thread page.
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "root", Name: "Anna Nowak", Role: store.RoleAdmin,
			Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		admin := h.NewClient(t).SignIn("root", "s3cret-pass-word")
		thread := "/inbox/threads/" + strconv.FormatInt(h.Thread(t, number).ID, 10)
		refundAt := thread + "/payments/" + strconv.FormatInt(p.ID, 10) + "/refund"
		if _, body := admin.Do(http.MethodGet, thread, nil); !strings.Contains(body, refundAt) {
			t.Fatalf("the thread page has no refund form for payment %d", p.ID)
		}
		resp, body := admin.Post(refundAt, url.Values{"amount": {"100,50"}, "reason": {"Klocki niepotrzebne"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("refund: %d\n%s", resp.StatusCode, body)
		}
		refunds := stripeCalls(mock, http.MethodPost, "/v1/refunds")
		if len(refunds) != 1 || refunds[0].Form.Get("amount") != "10050" || refunds[0].Form.Get("payment_intent") != "pi_cs_test_e2e_one" {
			t.Fatalf("refunds sent to Stripe: %+v", refunds)
		}
		back := changesOf(t, h, hub.ChangeRefund, number)
		if len(back) != 1 || back[0].Data["amount_minor"] != float64(10050) || back[0].Data["payment_id"] != float64(p.ID) ||
			back[0].Data["currency"] != "PLN" || back[0].Data["refunded_by"] == "" {
			t.Fatalf("refund changes: %+v", back)
		}
		if n := len(changesOf(t, h, hub.ChangePayment, number)); n != 1 {
			t.Fatalf("%d payment changes after the refund, want 1", n)
		}
	})
}

// The DMS changes the amount while the customer's Checkout Session is
// open: the hub's check expires the old session at Stripe (its link is
// dead), and the next press of the pay button opens a new session of the
// new amount.
func TestAmountChangedWhilePendingExpiresTheOldSessionAndAsksTheNewAmount(t *testing.T) {
	eachPayHub(t, func(t *testing.T, h *apptest.Hub, peers peers) {
		ctx, mock := t.Context(), peers.stripe
		h = polishBranch(t, h)
		const number = "WA-302"
		webhook := setPayments(t, h, hub.ProviderStripe, stripeKey, stripeWhsec)
		lines := []any{line("1", "labor", "Wymiana oleju", "250"), line("2", "part", "Klocki hamulcowe", "480.50")}
		pushEvents(t, h, orderEvent(h, "wo-1", number, 1, "Готов", "PLN", "pl", lines, map[string]any{"paid": false}))

		u := openPage(t, h, number)
		old := stripeSession(mock, "cs_test_e2e_old")
		if to := u.pay("order"); to != old {
			t.Fatalf("the pay button leads to %q, want %q", to, old)
		}
		first := paymentsOf(t, h, number)[0]

		// The DMS drops the brake pads' price and sends an amount due.
		lines[1] = line("2", "part", "Klocki hamulcowe", "400")
		pushEvents(t, h, orderEvent(h, "wo-2", number, 2, "Готов", "PLN", "pl", lines, map[string]any{"paid": false}))
		const due = int64(65000)
		if p, err := h.Store.Payment(ctx, first.ID); err != nil || !p.Superseded || p.Status != hub.PaymentPending {
			t.Fatalf("the old payment after the change: %+v, %v; want pending and superseded", p, err)
		}
		contains(t, "the customer page", u.page(), money(t, "pl", due, "PLN"))

		// The hub's check (the poller's round) expires the old session.
		mock.Patch(http.MethodPost, sessions+"/cs_test_e2e_old/expire", map[string]any{"id": "cs_test_e2e_old", "status": "expired", "payment_status": "unpaid"})
		if n, err := h.Server.Payments().Poll(ctx); err != nil || n != 1 {
			t.Fatalf("poll: %d checked, %v; want the superseded payment", n, err)
		}
		if calls := stripeCalls(mock, http.MethodPost, sessions+"/cs_test_e2e_old/expire"); len(calls) != 1 {
			t.Fatalf("%d expire calls of the old session at Stripe, want 1", len(calls))
		}
		if p, err := h.Store.Payment(ctx, first.ID); err != nil || p.Status != hub.PaymentCancelled {
			t.Fatalf("the old payment after the check: %+v, %v; want cancelled", p, err)
		}
		if s := u.returnState(first.ID); s == "paid" || s == "pending" {
			t.Fatalf("the old payment's return page shows %q", s)
		}

		// Pressing pay again opens a new session of the new amount.
		fresh := stripeSession(mock, "cs_test_e2e_new")
		if to := u.pay("order"); to != fresh {
			t.Fatalf("the second press leads to %q, want the new session %q", to, fresh)
		}
		created := stripeCalls(mock, http.MethodPost, sessions)
		if len(created) != 2 {
			t.Fatalf("%d Checkout Sessions made, want 2", len(created))
		}
		if got := created[1].Form.Get("line_items[0][price_data][unit_amount]"); got != strconv.FormatInt(due, 10) {
			t.Fatalf("the new session asks %s, want %d", got, due)
		}
		if a, b := created[0].Header.Get("Idempotency-Key"), created[1].Header.Get("Idempotency-Key"); a == "" || a == b {
			t.Fatalf("idempotency keys %q and %q: the new session must not replay the old one", a, b)
		}
		ps := paymentsOf(t, h, number)
		if len(ps) != 2 || ps[1].AmountMinor != due || ps[1].Status != hub.PaymentPending || ps[1].ProviderID != "cs_test_e2e_new" {
			t.Fatalf("payments: %+v", ps)
		}
		if n := len(changesOf(t, h, hub.ChangePayment, number)); n != 0 {
			t.Fatalf("%d payment changes with nothing paid", n)
		}

		// The customer pays the new session and comes back before Stripe's
		// webhook (lost, or late): the return page asks Stripe and shows
		// paid; the webhook arriving after changes nothing more.
		mock.Patch(http.MethodGet, sessions+"/cs_test_e2e_new", paidSession("cs_test_e2e_new", ps[1].ID, due))
		if s := u.returnState(ps[1].ID); s != "paid" {
			t.Fatalf("back from Checkout after paying: the return page shows %q, want paid", s)
		}
		hubURL, _ := h.ServeAt(t, "127.0.0.1:0")
		event := stripemock.SessionEvent("evt_e2e_late", "checkout.session.completed", paidSession("cs_test_e2e_new", ps[1].ID, due))
		if code := postWebhook(t, hubURL, webhook, stripemock.Signed(stripeWhsec, event, time.Now()), event); code != http.StatusOK {
			t.Fatalf("the late webhook: %d, want 200", code)
		}
		paid := changesOf(t, h, hub.ChangePayment, number)
		if len(paid) != 1 || paid[0].Data["amount_minor"] != float64(due) || paid[0].Data["payment_id"] != float64(ps[1].ID) {
			t.Fatalf("payment changes: %+v, want one of the new amount", paid)
		}
		if !workOrder(t, h, number).Paid || len(openTasks(t, h, "payment")) != 0 {
			t.Fatalf("paid %t, %d payment tasks; want paid and no task", workOrder(t, h, number).Paid, len(openTasks(t, h, "payment")))
		}
	})
}

// The customer paid the old session a moment before the DMS changed the
// amount: Stripe's webhook for it still counts (the money was taken), the
// DMS hears what was paid, and staff get one task to settle the
// difference.
func TestPaymentOfASupersededSessionCountsAndRaisesATask(t *testing.T) {
	eachPayHub(t, func(t *testing.T, h *apptest.Hub, peers peers) {
		ctx, mock := t.Context(), peers.stripe
		h = polishBranch(t, h)
		const number = "WA-303"
		webhook := setPayments(t, h, hub.ProviderStripe, stripeKey, stripeWhsec)
		hubURL, _ := h.ServeAt(t, "127.0.0.1:0")
		lines := []any{line("1", "labor", "Wymiana oleju", "250"), line("2", "part", "Klocki hamulcowe", "480.50")}
		pushEvents(t, h, orderEvent(h, "wo-1", number, 1, "Готов", "PLN", "pl", lines, map[string]any{"paid": false}))
		u := openPage(t, h, number)
		stripeSession(mock, "cs_test_e2e_paid_old")
		u.pay("order")
		p := paymentsOf(t, h, number)[0]

		mock.Patch(http.MethodGet, sessions+"/cs_test_e2e_paid_old", paidSession("cs_test_e2e_paid_old", p.ID, 73050))
		pushEvents(t, h, orderEvent(h, "wo-2", number, 2, "Готов", "PLN", "pl", lines, map[string]any{"paid": false, "amount_due": "650"}))
		event := stripemock.SessionEvent("evt_e2e_old", "checkout.session.completed", paidSession("cs_test_e2e_paid_old", p.ID, 73050))
		if code := postWebhook(t, hubURL, webhook, stripemock.Signed(stripeWhsec, event, time.Now()), event); code != http.StatusOK {
			t.Fatalf("the webhook: %d, want 200", code)
		}
		// The poller's round after it finds the session paid, not open.
		if _, err := h.Server.Payments().Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if calls := stripeCalls(mock, http.MethodPost, sessions+"/cs_test_e2e_paid_old/expire"); len(calls) != 0 {
			t.Fatalf("the paid session was expired at Stripe (%d calls)", len(calls))
		}
		paid := changesOf(t, h, hub.ChangePayment, number)
		if len(paid) != 1 || paid[0].Data["amount_minor"] != float64(73050) {
			t.Fatalf("payment changes: %+v, want one of 73050", paid)
		}
		if got, err := h.Store.Payment(ctx, p.ID); err != nil || got.Status != hub.PaymentSucceeded {
			t.Fatalf("the payment: %+v, %v; want succeeded", got, err)
		}
		if !workOrder(t, h, number).Paid {
			t.Fatal("730,50 zł paid of 650 zł due, and the order is not paid")
		}
		if tasks := openTasks(t, h, "payment"); len(tasks) != 1 || !strings.Contains(tasks[0].Title, number) {
			t.Fatalf("payment tasks: %+v, want one naming %s", tasks, number)
		}
		if strings.Contains(u.page(), `name="offer" value="order"`) {
			t.Fatal("the page still offers to pay a paid order")
		}
	})
}

// An advisor asks for a deposit from the thread page: the customer gets
// the request with the link, the page offers it with its reason, the pay
// button opens a session of that amount, and Stripe's webhook makes a
// payment change of kind request; the work order is not marked paid by a
// deposit.
func TestAdvisorsRequestIsPaidByLink(t *testing.T) {
	eachPayHub(t, func(t *testing.T, h *apptest.Hub, peers peers) {
		ctx, mock := t.Context(), peers.stripe
		h = polishBranch(t, h)
		const number = "WA-304"
		webhook := setPayments(t, h, hub.ProviderStripe, stripeKey, stripeWhsec)
		hubURL, _ := h.ServeAt(t, "127.0.0.1:0")
		lines := []any{line("1", "labor", "Naprawa skrzyni biegów", "3200")}
		pushEvents(t, h, orderEvent(h, "wo-1", number, 1, "В работе", "PLN", "pl", lines, nil))
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "ewa", Name: "Ewa Wiśniewska", Role: store.RoleAdvisor,
			Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		advisor := h.NewClient(t).SignIn("ewa", "s3cret-pass-word")
		thread := "/inbox/threads/" + strconv.FormatInt(h.Thread(t, number).ID, 10)
		resp, body := advisor.Post(thread+"/payments", url.Values{"amount": {"1 200,00"}, "reason": {"Zaliczka na części"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("request: %d\n%s", resp.StatusCode, body)
		}
		const deposit = int64(120000)
		contains(t, "the request message", delivered(t, h, threadOf(t, h, number), templates.KeyPaymentRequest),
			money(t, "pl", deposit, "PLN"), "Zaliczka na części", h.Config.BaseURL()+h.CustomerPath(t, number))

		ps := paymentsOf(t, h, number)
		if len(ps) != 1 || ps[0].Kind != hub.PaymentForRequest || ps[0].AmountMinor != deposit {
			t.Fatalf("payments after the request: %+v", ps)
		}
		offer := "request:" + strconv.FormatInt(ps[0].ID, 10)
		u := openPage(t, h, number)
		contains(t, "the customer page", u.page(), `name="offer" value="`+offer+`"`, "Zaliczka na części", money(t, "pl", deposit, "PLN"))
		checkout := stripeSession(mock, "cs_test_e2e_deposit")
		if to := u.pay(offer); to != checkout {
			t.Fatalf("the pay button leads to %q, want %q", to, checkout)
		}
		created := stripeCalls(mock, http.MethodPost, sessions)
		if len(created) != 1 || created[0].Form.Get("line_items[0][price_data][unit_amount]") != "120000" {
			t.Fatalf("sessions made: %+v", created)
		}

		mock.Patch(http.MethodGet, sessions+"/cs_test_e2e_deposit", paidSession("cs_test_e2e_deposit", ps[0].ID, deposit))
		event := stripemock.SessionEvent("evt_e2e_deposit", "checkout.session.completed", paidSession("cs_test_e2e_deposit", ps[0].ID, deposit))
		if code := postWebhook(t, hubURL, webhook, stripemock.Signed(stripeWhsec, event, time.Now()), event); code != http.StatusOK {
			t.Fatalf("the webhook: %d, want 200", code)
		}
		paid := changesOf(t, h, hub.ChangePayment, number)
		if len(paid) != 1 || paid[0].Data["kind"] != hub.PaymentForRequest || paid[0].Data["reason"] != "Zaliczka na części" ||
			paid[0].Data["amount_minor"] != float64(deposit) {
			t.Fatalf("payment changes: %+v", paid)
		}
		if workOrder(t, h, number).Paid {
			t.Fatal("a deposit marked the work order paid")
		}
		if strings.Contains(u.page(), `value="`+offer+`"`) {
			t.Fatal("the page still offers the paid request")
		}
		if n := sentCount(threadOf(t, h, number), templates.KeyPaymentReceived); n != 1 {
			t.Fatalf("%d receipts, want 1", n)
		}
	})
}

// Przelewy24 goes through after the Checkout page completes: Stripe's
// events come as completed-but-unpaid, then async_payment_succeeded, and
// a late "expired" after all. The hub shows pending (never paid) until
// the money is in, then records the payment once; the late event changes
// nothing.
func TestAsyncPaymentIsPendingUntilStripeSaysSucceeded(t *testing.T) {
	eachPayHub(t, func(t *testing.T, h *apptest.Hub, peers peers) {
		ctx, mock := t.Context(), peers.stripe
		h = polishBranch(t, h)
		const number = "WA-305"
		webhook := setPayments(t, h, hub.ProviderStripe, stripeKey, stripeWhsec)
		hubURL, _ := h.ServeAt(t, "127.0.0.1:0")
		pushEvents(t, h, orderEvent(h, "wo-1", number, 1, "Готов", "PLN", "pl",
			[]any{line("1", "labor", "Wymiana oleju", "250")}, map[string]any{"paid": false}))
		u := openPage(t, h, number)
		stripeSession(mock, "cs_test_e2e_p24")
		u.pay("order")
		p := paymentsOf(t, h, number)[0]
		send := func(id, typ string, session map[string]any) {
			t.Helper()
			event := stripemock.SessionEvent(id, typ, session)
			if code := postWebhook(t, hubURL, webhook, stripemock.Signed(stripeWhsec, event, time.Now()), event); code != http.StatusOK {
				t.Fatalf("%s: %d", typ, code)
			}
		}
		processing := paidSession("cs_test_e2e_p24", p.ID, 25000)
		processing["payment_status"] = "unpaid"
		processing["payment_intent"] = map[string]any{"id": "pi_p24", "object": "payment_intent", "status": "processing"}
		mock.Patch(http.MethodGet, sessions+"/cs_test_e2e_p24", processing)
		send("evt_p24_completed", "checkout.session.completed", processing)
		if got, _ := h.Store.Payment(ctx, p.ID); got.Status != hub.PaymentPending || workOrder(t, h, number).Paid {
			t.Fatalf("completed but unpaid: %s, paid %t; want pending, not paid", got.Status, workOrder(t, h, number).Paid)
		}
		if s := u.returnState(p.ID); s != "pending" {
			t.Fatalf("the return page shows %q while P24 is processing", s)
		}
		paid := paidSession("cs_test_e2e_p24", p.ID, 25000)
		paid["payment_intent"].(map[string]any)["latest_charge"].(map[string]any)["payment_method_details"] = map[string]any{"type": "p24"}
		mock.Patch(http.MethodGet, sessions+"/cs_test_e2e_p24", paid)
		send("evt_p24_succeeded", "checkout.session.async_payment_succeeded", paid)
		expired := map[string]any{"id": "cs_test_e2e_p24", "status": "expired", "payment_status": "unpaid", "currency": "pln",
			"metadata": map[string]any{"naryad_payment_id": strconv.FormatInt(p.ID, 10)}}
		send("evt_p24_expired", "checkout.session.expired", expired)

		changes := changesOf(t, h, hub.ChangePayment, number)
		if len(changes) != 1 || changes[0].Data["method"] != "p24" || changes[0].Data["amount_minor"] != float64(25000) {
			t.Fatalf("payment changes: %+v", changes)
		}
		if got, _ := h.Store.Payment(ctx, p.ID); got.Status != hub.PaymentSucceeded || !workOrder(t, h, number).Paid {
			t.Fatalf("after the events: %s, paid %t", got.Status, workOrder(t, h, number).Paid)
		}
		if s := u.returnState(p.ID); s != "paid" {
			t.Fatalf("the return page shows %q, want paid", s)
		}
	})
}

// The customer pays at the counter (the DMS says paid) while their
// Checkout Session is still open: the hub closes that session at Stripe,
// and if it is paid anyway (twice paid) staff get a task.
func TestPaidInTheDMSClosesTheOpenSession(t *testing.T) {
	eachPayHub(t, func(t *testing.T, h *apptest.Hub, peers peers) {
		ctx, mock := t.Context(), peers.stripe
		h = polishBranch(t, h)
		webhook := setPayments(t, h, hub.ProviderStripe, stripeKey, stripeWhsec)
		hubURL, _ := h.ServeAt(t, "127.0.0.1:0")
		lines := []any{line("1", "labor", "Wymiana oleju", "250")}
		open := func(number, session string) hub.Payment {
			pushEvents(t, h, orderEvent(h, "wo-"+number, number, 1, "Готов", "PLN", "pl", lines, map[string]any{"paid": false}))
			stripeSession(mock, session)
			openPage(t, h, number).pay("order")
			pushEvents(t, h, orderEvent(h, "wo2-"+number, number, 2, "Готов", "PLN", "pl", lines, map[string]any{"paid": true}))
			return paymentsOf(t, h, number)[0]
		}

		// Closed at Stripe by the next check.
		p := open("WA-601", "cs_test_counter_1")
		mock.Patch(http.MethodPost, sessions+"/cs_test_counter_1/expire", map[string]any{"id": "cs_test_counter_1", "status": "expired", "payment_status": "unpaid"})
		if _, err := h.Server.Payments().Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if calls := stripeCalls(mock, http.MethodPost, sessions+"/cs_test_counter_1/expire"); len(calls) != 1 {
			t.Fatalf("%d expire calls of the session of an order paid at the counter, want 1", len(calls))
		}
		if got, _ := h.Store.Payment(ctx, p.ID); got.Status != hub.PaymentCancelled {
			t.Fatalf("the payment: %s, want cancelled", got.Status)
		}

		// Paid online a moment after the counter: a task.
		p = open("WA-602", "cs_test_counter_2")
		event := stripemock.SessionEvent("evt_counter_2", "checkout.session.completed", paidSession("cs_test_counter_2", p.ID, 25000))
		if code := postWebhook(t, hubURL, webhook, stripemock.Signed(stripeWhsec, event, time.Now()), event); code != http.StatusOK {
			t.Fatalf("the webhook: %d", code)
		}
		if n := len(changesOf(t, h, hub.ChangePayment, "WA-602")); n != 1 {
			t.Fatalf("%d payment changes, want 1 (the money was taken)", n)
		}
		if tasks := openTasks(t, h, "payment"); len(tasks) != 1 || !strings.Contains(tasks[0].Title, "WA-602") || !strings.Contains(tasks[0].Body, "which was paid already") {
			t.Fatalf("payment tasks: %+v, want one about WA-602 paid already", tasks)
		}
	})
}

// Paid online while the keys are still in the workshop: no PIN yet; the
// PIN goes out when staff put the keys back in the locker, and opens the
// door.
func TestPaidBeforeTheKeysAreBackSendsThePINWhenTheyAre(t *testing.T) {
	eachPayHub(t, func(t *testing.T, h *apptest.Hub, peers peers) {
		ctx, mock := t.Context(), peers.stripe
		h = polishBranch(t, h)
		const number = "WA-701"
		webhook := setPayments(t, h, hub.ProviderStripe, stripeKey, stripeWhsec)
		site := addLockerSite(t, h, "Podwórze", 1)
		addStaffPIN(t, h, "ewa", staffPIN)
		hubURL, _ := h.ServeAt(t, "127.0.0.1:0")
		boards, link := simulateBoards(t, 1)
		st, _ := startStation(t, link, hubURL, site.Token)
		k := &front{t: t, e: st.Engine(), boards: boards}
		lines := []any{line("1", "labor", "Wymiana oleju", "250")}
		pushEvents(t, h, orderEvent(h, "wo-1", number, 1, "Принят", "PLN", "pl", lines, nil))
		k.sync()
		box := k.opens("drop-off", func() error {
			return k.enter(kiosk.ModeDropOff, codeIn(t, threadOf(t, h, number), templates.KeyLockerDropOff))
		})
		k.shut(box, true, kiosk.ScreenDone)
		if err := k.enter(kiosk.ModeStaff, staffPIN); err != nil {
			t.Fatal(err)
		}
		held := k.box(number, lockerwire.StateHeld)
		box = k.opens("staff take", func() error { return k.e.StaffTake(ctx, held.ID) })
		k.shut(box, false, kiosk.ScreenStaffMenu)
		k.e.Home()
		k.sync()

		pushEvents(t, h, orderEvent(h, "wo-2", number, 2, "Готов", "PLN", "pl", lines, map[string]any{"paid": false}))
		stripeSession(mock, "cs_test_e2e_keys_out")
		openPage(t, h, number).pay("order")
		p := paymentsOf(t, h, number)[0]
		event := stripemock.SessionEvent("evt_keys_out", "checkout.session.completed", paidSession("cs_test_e2e_keys_out", p.ID, 25000))
		if code := postWebhook(t, hubURL, webhook, stripemock.Signed(stripeWhsec, event, time.Now()), event); code != http.StatusOK {
			t.Fatalf("the webhook: %d", code)
		}
		if n := sentCount(threadOf(t, h, number), templates.KeyLockerPickupPIN); n != 0 || !workOrder(t, h, number).Paid {
			t.Fatalf("%d PINs with the keys in the workshop (paid %t); want none, paid", n, workOrder(t, h, number).Paid)
		}

		if err := k.enter(kiosk.ModeStaff, staffPIN); err != nil {
			t.Fatal(err)
		}
		box = k.opens("staff return", func() error { return k.e.StaffReturn(ctx, number) })
		k.shut(box, true, kiosk.ScreenStaffMenu)
		k.e.Home()
		k.sync()
		waitUntil(t, 5*time.Second, func() string { return "no pickup PIN after the keys came back" }, func() bool {
			return sentCount(threadOf(t, h, number), templates.KeyLockerPickupPIN) == 1
		})
		pin := codeIn(t, threadOf(t, h, number), templates.KeyLockerPickupPIN)
		k.sync()
		out := k.opens("pickup", func() error { return k.enter(kiosk.ModePickup, pin) })
		if out != box {
			t.Fatalf("the PIN opened box %d, the keys are in %d", out+1, box+1)
		}
		k.shut(out, false, kiosk.ScreenDone)
	})
}
