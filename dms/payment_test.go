package dms_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// What the exchange does for online payments (issue 16): the amount due
// and the invoice kind the DMS sends, the payments an amount change
// supersedes, the paid flag an online payment protects, and the ready
// message's pay line.

// order is the stored work order of the node with that number.
func order(t *testing.T, h *apptest.Hub, number string) hub.WorkOrder {
	t.Helper()
	w, err := h.Store.WorkOrderByNumber(context.Background(), h.Node.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// withFields is a work_order event with fields of work_order replaced
// (a nil value deletes the key: the part is left out).
func withFields(ev map[string]any, fields map[string]any) map[string]any {
	wo := ev["work_order"].(map[string]any)
	for k, v := range fields {
		if v == nil {
			delete(wo, k)
			continue
		}
		wo[k] = v
	}
	return ev
}

// null is a JSON null in an event (a nil in withFields leaves the key out).
var null = jsonNull{}

type jsonNull struct{}

func (jsonNull) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

func TestAmountDueIsStoredKeptAndClearedByNull(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		due := func() *int64 { return order(t, h, "АА-1").AmountDueMinor }
		expectResults(t, h, batch(withFields(workOrder("e1", "АА-1", 1, "В работе"), map[string]any{"amount_due": "12 500,50"})), "applied")
		if d := due(); d == nil || *d != 1250050 {
			t.Fatalf("amount due = %v, want 1250050", d)
		}
		expectResults(t, h, batch(withFields(workOrder("e2", "АА-1", 2, "В работе"), nil)), "applied")
		if d := due(); d == nil || *d != 1250050 {
			t.Fatalf("left out: amount due = %v, want it kept", d)
		}
		results := expectResults(t, h, batch(
			withFields(workOrder("e3", "АА-1", 3, "В работе"), map[string]any{"amount_due": "-1"}),
			withFields(workOrder("e4", "АА-1", 3, "В работе"), map[string]any{"amount_due": "10.005"}),
			withFields(workOrder("e5", "АА-1", 3, "В работе"), map[string]any{"amount_due": true}),
		), "rejected", "rejected", "rejected")
		for i, want := range []string{
			`work_order.amount_due: must not be negative, got "-1"`,
			`work_order.amount_due: more than 2 decimal places: "10.005"`,
			`work_order.amount_due: expected a number, got a boolean`,
		} {
			if results[i]["error"] != want {
				t.Errorf("rejection %d = %v, want %s", i, results[i]["error"], want)
			}
		}
		if w := order(t, h, "АА-1"); w.Version != 2 || w.AmountDueMinor == nil || *w.AmountDueMinor != 1250050 {
			t.Fatalf("after rejections: version %d amount due %v", w.Version, w.AmountDueMinor)
		}
		expectResults(t, h, batch(withFields(workOrder("e6", "АА-1", 4, "В работе"), map[string]any{"amount_due": 0})), "applied")
		if d := due(); d == nil || *d != 0 {
			t.Fatalf("zero: amount due = %v, want 0", d)
		}
		expectResults(t, h, batch(withFields(workOrder("e7", "АА-1", 5, "В работе"), map[string]any{"amount_due": null})), "applied")
		if d := due(); d != nil {
			t.Fatalf("null: amount due = %v, want none", *d)
		}

		// Sent without a currency, the amount is read in the stored one:
		// yen have no minor unit.
		yen := withFields(workOrder("j1", "АА-2", 1, "В работе"), map[string]any{"currency": "JPY",
			"lines": []any{map[string]any{"id": "1", "kind": "labor", "name": "Работа", "qty": 1, "unit_price": 1500}}})
		expectResults(t, h, batch(yen), "applied")
		noCurrency := withFields(workOrder("j2", "АА-2", 2, "В работе"), map[string]any{"currency": nil, "lines": nil, "amount_due": "1500.5"})
		results = expectResults(t, h, batch(noCurrency), "rejected")
		if results[0]["error"] != `work_order.amount_due: more than 0 decimal places: "1500.5"` {
			t.Errorf("yen rejection = %v", results[0]["error"])
		}
		withFields(noCurrency, map[string]any{"amount_due": "1500"})
		expectResults(t, h, batch(noCurrency), "applied")
		if d := order(t, h, "АА-2").AmountDueMinor; d == nil || *d != 1500 {
			t.Fatalf("yen amount due = %v, want 1500", d)
		}
	})
}

// document builds a document event for a work order.
func document(id, number, kind string) map[string]any {
	doc := map[string]any{"work_order_number": number, "name": "Счёт " + id + ".pdf",
		"data_base64": base64.StdEncoding.EncodeToString([]byte("%PDF-1.4 " + id))}
	if kind != "" {
		doc["kind"] = kind
	}
	return map[string]any{"id": id, "type": "document", "occurred_at": "2026-11-23T12:40:00", "document": doc}
}

func TestDocumentKindIsStoredOnItsAttachment(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		expectResults(t, h, batch(workOrder("e1", "АА-1", 1, "Готов")), "applied")
		results := expectResults(t, h, batch(
			document("d1", "АА-1", " Invoice "),
			document("d2", "АА-1", "Счёт на оплату"),
			document("d3", "АА-1", "Акт"),
			document("d4", "АА-1", ""),
			document("d5", "АА-1", strings.Repeat("я", 17)),
		), "applied", "applied", "applied", "applied", "rejected")
		if results[4]["error"] != "document.kind: longer than 32 bytes (34)" {
			t.Errorf("rejection = %v", results[4]["error"])
		}
		th := h.Thread(t, "АА-1")
		msgs, err := h.Store.Messages(ctx, th.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, m := range msgs {
			if m.TemplateKey != "document.ready" {
				continue
			}
			files, err := h.Store.Attachments(ctx, m.ID)
			if err != nil || len(files) != 1 {
				t.Fatalf("attachments of %d: %v %v", m.ID, files, err)
			}
			kinds = append(kinds, files[0].DocKind)
		}
		if got := strings.Join(kinds, ","); got != "invoice,invoice,акт," {
			t.Errorf("kinds = %q, want invoice,invoice,акт, (the rejected one left nothing)", got)
		}
	})
}

// setPayments gives the test hub's branch a payment provider (nothing
// when provider is "").
func setPayments(t *testing.T, h *apptest.Hub, provider string) {
	t.Helper()
	ctx := context.Background()
	if provider == "" {
		if err := h.Store.DeleteBranchPayment(ctx, h.Branch.ID); err != nil {
			t.Fatal(err)
		}
		return
	}
	bp := hub.BranchPayment{BranchID: h.Branch.ID, Provider: provider, Account: "123456", SecretSealed: "sealed", WebhookKey: "key-" + provider}
	if err := h.Store.SaveBranchPayment(ctx, &bp); err != nil {
		t.Fatal(err)
	}
}

// readyMessage is the body of the work order's status.ready message.
func readyMessage(t *testing.T, h *apptest.Hub, number string) string {
	t.Helper()
	msgs, err := h.Store.Messages(context.Background(), h.Thread(t, number).ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.TemplateKey == "status.ready" {
			return m.Body
		}
	}
	t.Fatalf("%s got no ready message", number)
	return ""
}

func TestReadyMessageAsksToPayOnlineWhenTheBranchTakesPaymentsInTheCurrency(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		push := func(id, number string, version int, status string, fields map[string]any) {
			expectResults(t, h, batch(withFields(workOrder(id, number, version, status), fields)), "applied")
		}
		const pay = "К оплате "
		// No provider: the ready message as before.
		push("a1", "АА-1", 1, "Готов", nil)
		if body := readyMessage(t, h, "АА-1"); strings.Contains(body, pay) || !strings.Contains(body, "https://hub.example.test/c/") {
			t.Errorf("no provider: %s", body)
		}

		setPayments(t, h, hub.ProviderYooKassa)
		// The lines: 1 500,50 ₽ of work, parts waiting for approval and a
		// recommendation, neither due until approved.
		withRecommendation := func(ev map[string]any) map[string]any {
			wo := ev["work_order"].(map[string]any)
			wo["lines"] = append(wo["lines"].([]any), map[string]any{"id": "3", "kind": "рекомендация", "name": "Замена жидкости ГУР", "qty": 1, "unit_price": "2 500"})
			return ev
		}
		expectResults(t, h, batch(withRecommendation(workOrder("b1", "АА-2", 1, "В работе"))), "applied")
		expectResults(t, h, batch(withRecommendation(workOrder("b2", "АА-2", 2, "Готов"))), "applied")
		if body := readyMessage(t, h, "АА-2"); !strings.Contains(body, "готов (заказ-наряд АА-2). К оплате 1 500,50 ₽, оплатить онлайн: https://hub.example.test/c/") {
			t.Errorf("lines due: %s", body)
		}
		push("c1", "АА-3", 1, "Готов", map[string]any{"amount_due": "12 500"})
		if body := readyMessage(t, h, "АА-3"); !strings.Contains(body, "К оплате 12 500,00 ₽, оплатить онлайн: https://hub.example.test/c/") {
			t.Errorf("amount due sent: %s", body)
		}
		for _, tc := range []struct {
			number string
			fields map[string]any
		}{
			{"АА-4", map[string]any{"paid": "да"}},
			{"АА-5", map[string]any{"amount_due": 0}},
			{"АА-6", map[string]any{"currency": "EUR"}}, // YooKassa takes roubles only
		} {
			push(tc.number, tc.number, 1, "Готов", tc.fields)
			if body := readyMessage(t, h, tc.number); strings.Contains(body, pay) || strings.Contains(body, "Pay ") {
				t.Errorf("%s %v: %s", tc.number, tc.fields, body)
			}
		}
		setPayments(t, h, hub.ProviderStripe)
		push("d1", "АА-7", 1, "Готов", map[string]any{"currency": "EUR", "customer": map[string]any{
			"external_id": "C-en", "name": "John", "phones": []any{"+79161230000"}, "locale": "en"}})
		if body := readyMessage(t, h, "АА-7"); !strings.Contains(body, "Pay €1,500.50 online: https://hub.example.test/c/") {
			t.Errorf("stripe, euro: %s", body)
		}
		push("d2", "АА-8", 1, "Готов", nil) // Stripe takes no roubles
		if body := readyMessage(t, h, "АА-8"); strings.Contains(body, pay) {
			t.Errorf("stripe, roubles: %s", body)
		}
	})
}

// addPayment stores a payment of the work order as the payments service
// would have.
func addPayment(t *testing.T, h *apptest.Hub, number, kind, key, status string, amount, paid int64) hub.Payment {
	t.Helper()
	w := order(t, h, number)
	th := h.Thread(t, number)
	p := hub.Payment{BranchID: w.BranchID, WorkOrderID: w.ID, ThreadID: &th.ID, Kind: kind, AmountMinor: amount,
		Currency: w.Currency, Provider: hub.ProviderYooKassa, IdempotencyKey: key, Status: status, PaidMinor: paid}
	if err := h.Store.CreatePayment(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func superseded(t *testing.T, h *apptest.Hub, id int64) bool {
	t.Helper()
	p, err := h.Store.Payment(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Superseded
}

func TestAnAmountChangeSupersedesThePendingPayment(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		setPayments(t, h, hub.ProviderYooKassa)
		expectResults(t, h, batch(workOrder("e1", "АА-1", 1, "Готов")), "applied")
		open := addPayment(t, h, "АА-1", hub.PaymentForWorkOrder, "open", hub.PaymentPending, 150050, 0)
		request := addPayment(t, h, "АА-1", hub.PaymentForRequest, "deposit", hub.PaymentPending, 500000, 0)

		// The same lines again, or only a new status: the amount stays.
		expectResults(t, h, batch(workOrder("e2", "АА-1", 2, "Готов"), withFields(workOrder("e3", "АА-1", 3, "Выполнен"), map[string]any{"lines": nil})),
			"applied", "applied")
		if superseded(t, h, open.ID) {
			t.Fatal("superseded while the amount stayed")
		}
		// A rejected event changes nothing, the payment included.
		bad := withFields(workOrder("e4", "АА-1", 4, "Готов"), map[string]any{"amount_due": "2000", "paid": "может быть"})
		expectResults(t, h, batch(bad), "rejected")
		if superseded(t, h, open.ID) {
			t.Fatal("a rejected event superseded the payment")
		}
		withFields(bad, map[string]any{"paid": false})
		expectResults(t, h, batch(bad), "applied")
		if !superseded(t, h, open.ID) {
			t.Fatal("the amount due moved to 2 000 ₽ and the pending payment of 1 500,50 ₽ stays open")
		}
		if superseded(t, h, request.ID) {
			t.Error("an advisor's request was superseded by the order's amount")
		}
		// The new amount may now be paid: a new open payment is allowed.
		addPayment(t, h, "АА-1", hub.PaymentForWorkOrder, "new", hub.PaymentPending, 200000, 0)

		// Lines changed under a payment: the approved line is now due.
		expectResults(t, h, batch(workOrder("f1", "АА-2", 1, "Готов")), "applied")
		second := addPayment(t, h, "АА-2", hub.PaymentForWorkOrder, "second", hub.PaymentPending, 150050, 0)
		lines := workOrder("f2", "АА-2", 2, "Готов")
		lines["work_order"].(map[string]any)["lines"].([]any)[0].(map[string]any)["unit_price"] = "1 600"
		expectResults(t, h, batch(lines), "applied")
		if !superseded(t, h, second.ID) {
			t.Fatal("a re-priced line left the payment of the old amount open")
		}

		// The same amount in another currency is another amount.
		third := addPayment(t, h, "АА-2", hub.PaymentForWorkOrder, "third", hub.PaymentPending, 160000, 0)
		euro := withFields(workOrder("f3", "АА-2", 3, "Готов"), map[string]any{"currency": "EUR", "lines": nil})
		expectResults(t, h, batch(euro), "applied")
		if !superseded(t, h, third.ID) {
			t.Fatal("the currency changed and the payment in roubles stays open")
		}

		// The customer approved the parts: the same lines sent again keep
		// that, and the payment of work and parts stays.
		ctx := context.Background()
		expectResults(t, h, batch(workOrder("g1", "АА-3", 1, "Готов")), "applied")
		w := order(t, h, "АА-3")
		stored, err := h.Store.Lines(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Store.DecideLines(ctx, w, h.Thread(t, "АА-3"), []store.Decision{{LineID: stored[1].ID, Decision: hub.DecisionApproved}},
			store.Evidence{By: "customer"}); err != nil {
			t.Fatal(err)
		}
		approved := addPayment(t, h, "АА-3", hub.PaymentForWorkOrder, "approved", hub.PaymentPending, 150050+680000, 0)
		expectResults(t, h, batch(workOrder("g2", "АА-3", 2, "Готов")), "applied")
		if superseded(t, h, approved.ID) {
			t.Fatal("the same lines again, the approval kept, and the payment of work and parts was superseded")
		}
	})
}

// openTasks lists the branch's open tasks of the payment kind.
func openTasks(t *testing.T, h *apptest.Hub) []store.StaffTask {
	t.Helper()
	all, err := h.Store.OpenStaffTasks(context.Background(), h.Branch.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.StaffTask
	for _, task := range all {
		if task.Kind == store.TaskPayment {
			out = append(out, task)
		}
	}
	return out
}

func TestPaidFalseAfterAnOnlinePaymentKeepsTheOrderPaidAndRaisesOneTask(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		setPayments(t, h, hub.ProviderYooKassa)
		expectResults(t, h, batch(workOrder("e1", "АА-1", 1, "Готов")), "applied")
		// No online payment: paid: false is the DMS's word.
		expectResults(t, h, batch(withFields(workOrder("e2", "АА-1", 2, "Готов"), map[string]any{"paid": true})), "applied")
		expectResults(t, h, batch(withFields(workOrder("e3", "АА-1", 3, "Готов"), map[string]any{"paid": false})), "applied")
		if order(t, h, "АА-1").Paid || len(openTasks(t, h)) != 0 {
			t.Fatal("unpaid without an online payment should be unpaid, with no task")
		}

		// The customer paid the 1 500,50 ₽ due online; the DMS then says paid, then unpaid.
		addPayment(t, h, "АА-1", hub.PaymentForWorkOrder, "p1", hub.PaymentSucceeded, 150050, 150050)
		expectResults(t, h, batch(withFields(workOrder("e4", "АА-1", 4, "Готов"), map[string]any{"paid": true})), "applied")
		expectResults(t, h, batch(
			withFields(workOrder("e5", "АА-1", 5, "Готов"), map[string]any{"paid": false}),
			withFields(workOrder("e6", "АА-1", 6, "Готов"), map[string]any{"paid": null}),
		), "applied", "applied")
		if !order(t, h, "АА-1").Paid {
			t.Fatal("the DMS revoked an online payment silently")
		}
		tasks := openTasks(t, h)
		if len(tasks) != 1 || tasks[0].ThreadID == nil || *tasks[0].ThreadID != h.Thread(t, "АА-1").ID ||
			!strings.Contains(tasks[0].Title, "АА-1") || !strings.Contains(tasks[0].Body, "1,500.50") {
			t.Fatalf("tasks = %+v, want one for the thread naming the order and the amount", tasks)
		}
		msgs, err := h.Store.Messages(ctx, h.Thread(t, "АА-1").ID)
		if err != nil {
			t.Fatal(err)
		}
		notes := 0
		for _, m := range msgs {
			if m.Direction == hub.DirectionSystem && m.Body == "Task: "+tasks[0].Title+"." {
				notes++
			}
		}
		if notes != 1 {
			t.Errorf("%d system lines for the task, want 1", notes)
		}
		// Done, the next "unpaid" raises it again.
		if ok, err := h.Store.FinishStaffTask(ctx, h.Branch.ID, tasks[0].ID, "olga"); err != nil || !ok {
			t.Fatal(ok, err)
		}
		expectResults(t, h, batch(withFields(workOrder("e7", "АА-1", 7, "Готов"), map[string]any{"paid": "нет"})), "applied")
		if len(openTasks(t, h)) != 1 || !order(t, h, "АА-1").Paid {
			t.Fatal("a new unpaid after the task was done: no new task or the order unpaid")
		}

		// More is due than was paid online (new work): unpaid stands.
		expectResults(t, h, batch(withFields(workOrder("e8", "АА-1", 8, "Готов"), map[string]any{"paid": false, "amount_due": "2 000"})), "applied")
		if order(t, h, "АА-1").Paid {
			t.Fatal("2 000 ₽ due, 1 500,50 ₽ paid online, and the order stayed paid")
		}
		if len(openTasks(t, h)) != 1 {
			t.Fatal("a task was raised for an order not paid in full")
		}

		// The lines sent again keep the customer's approval: the approved
		// parts are due too, more than was paid online.
		expectResults(t, h, batch(workOrder("g1", "АА-2", 1, "Готов")), "applied")
		w := order(t, h, "АА-2")
		lines, err := h.Store.Lines(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Store.DecideLines(ctx, w, h.Thread(t, "АА-2"), []store.Decision{{LineID: lines[1].ID, Decision: hub.DecisionApproved}},
			store.Evidence{By: "customer"}); err != nil {
			t.Fatal(err)
		}
		addPayment(t, h, "АА-2", hub.PaymentForWorkOrder, "p2", hub.PaymentSucceeded, 150050, 150050)
		expectResults(t, h, batch(withFields(workOrder("g2", "АА-2", 2, "Готов"), map[string]any{"paid": true})), "applied")
		expectResults(t, h, batch(withFields(workOrder("g3", "АА-2", 3, "Готов"), map[string]any{"paid": false})), "applied")
		if order(t, h, "АА-2").Paid {
			t.Fatal("the approved parts are due as well, and the order stayed paid on the work alone")
		}
	})
}

// The DMS says the order was paid at the counter, or cancelled: the
// customer's open link must not take the money a second time, so its
// pending payment is superseded (the payments service cancels it at the
// provider).
func TestPaidOrCancelledSupersedesThePendingPayment(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		setPayments(t, h, hub.ProviderYooKassa)
		expectResults(t, h, batch(workOrder("p1", "ПП-1", 1, "Готов")), "applied")
		open := addPayment(t, h, "ПП-1", hub.PaymentForWorkOrder, "pp-open", hub.PaymentPending, 150050, 0)
		expectResults(t, h, batch(withFields(workOrder("p2", "ПП-1", 2, "Готов"), map[string]any{"lines": nil, "paid": true})), "applied")
		if !superseded(t, h, open.ID) {
			t.Fatal("paid at the counter, and the online link stays open")
		}
		expectResults(t, h, batch(workOrder("c1", "ПП-2", 1, "Готов")), "applied")
		second := addPayment(t, h, "ПП-2", hub.PaymentForWorkOrder, "pp-second", hub.PaymentPending, 150050, 0)
		expectResults(t, h, batch(withFields(workOrder("c2", "ПП-2", 2, "Отменён"), map[string]any{"lines": nil})), "applied")
		if !superseded(t, h, second.ID) {
			t.Fatal("cancelled, and the online link stays open")
		}
	})
}

// The DMS cancels an order while the customer has an advisor's deposit
// page open at the provider: that page must not take the money either, so
// the request is superseded too (the poller cancels it at the provider).
func TestCancelledSupersedesAnOpenRequest(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		setPayments(t, h, hub.ProviderYooKassa)
		expectResults(t, h, batch(workOrder("r1", "ПП-3", 1, "Готов")), "applied")
		deposit := addPayment(t, h, "ПП-3", hub.PaymentForRequest, "pp-deposit", hub.PaymentPending, 50000, 0)
		expectResults(t, h, batch(withFields(workOrder("r2", "ПП-3", 2, "Отменён"), map[string]any{"lines": nil})), "applied")
		if !superseded(t, h, deposit.ID) {
			t.Fatal("cancelled, and the deposit's page stays open at the provider")
		}
	})
}
