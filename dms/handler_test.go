package dms_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
)

// workOrder builds a work_order event as 1C sends it; edit the map to vary.
func workOrder(id, number string, version int, status string) map[string]any {
	return map[string]any{
		"id": id, "type": "work_order", "occurred_at": "2026-11-23T10:00:00",
		"work_order": map[string]any{
			"number": number, "version": version, "branch": "MSK1", "status": status,
			"customer": map[string]any{"external_id": "C-" + number, "name": "Иван Петров", "phones": []any{"8 (916) 123-45-67"}},
			"vehicle":  map[string]any{"external_id": "V-" + number, "vin": "XW8ZZZ1ZZKG000001", "plate": "а123вс 77", "make": "Škoda", "model": "Octavia", "year": "2019", "mileage_km": "95 000"},
			"advisor":  map[string]any{"external_id": "E-7", "name": "Ольга"},
			"currency": "RUB", "paid": false,
			"lines": []any{
				map[string]any{"id": "1", "kind": "работа", "name": "Замена масла", "qty": "1", "unit_price": "1 500,50"},
				map[string]any{"id": "2", "kind": "part", "name": "Колодки", "qty": 2, "unit_price": 3400, "needs_approval": true},
			},
		},
	}
}

func batch(events ...map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"events": events})
	if err != nil {
		panic(err)
	}
	return b
}

func expectResults(t *testing.T, h *apptest.Hub, body []byte, want ...string) []map[string]any {
	t.Helper()
	status, reply := h.PostEvents(t, h.Token, body)
	if status != 200 {
		t.Fatalf("status %d: %v", status, reply)
	}
	results := apptest.Results(t, reply)
	if len(results) != len(want) {
		t.Fatalf("got %d results, want %d: %v", len(results), len(want), results)
	}
	for i, r := range results {
		if r["result"] != want[i] {
			t.Fatalf("result %d = %v (%v), want %s", i, r["result"], r["error"], want[i])
		}
	}
	return results
}

// outgoing lists the thread's outgoing messages' template keys in order.
func outgoing(t *testing.T, h *apptest.Hub, number string) []string {
	t.Helper()
	ctx := context.Background()
	w, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	th, err := h.Store.ThreadByWorkOrder(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := h.Store.Messages(ctx, th.ID)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range msgs {
		if m.Direction == hub.DirectionOut {
			keys = append(keys, m.TemplateKey)
		}
	}
	return keys
}

func TestAppliedWorkOrderIsStoredWithThreadAndMessages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		expectResults(t, h, batch(workOrder("e1", "АА-000123", 1, "В работе")), "applied")

		w, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-000123")
		if err != nil {
			t.Fatal(err)
		}
		if w.Status != hub.StatusInProgress || w.RawStatus != "В работе" || w.Version != 1 {
			t.Errorf("status %q raw %q version %d", w.Status, w.RawStatus, w.Version)
		}
		// "1 500,50" × 1 + 3400 × 2, in kopecks.
		if w.TotalMinor != 150050+680000 {
			t.Errorf("total = %d, want %d", w.TotalMinor, 150050+680000)
		}
		// 10:00 without offset is Moscow time: 07:00 UTC.
		if want := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC); !w.OpenedAt.Equal(want) {
			t.Errorf("opened_at = %v, want %v", w.OpenedAt, want)
		}
		lines, err := h.Store.Lines(ctx, w.ID)
		if err != nil || len(lines) != 2 {
			t.Fatalf("lines = %v, %v", lines, err)
		}
		if lines[0].Kind != hub.LineLabor || lines[0].UnitPriceMinor != 150050 || lines[0].QtyMilli != 1000 {
			t.Errorf("line 1 = %+v", lines[0])
		}
		if !lines[1].NeedsApproval || lines[1].TotalMinor != 680000 {
			t.Errorf("line 2 = %+v", lines[1])
		}
		phones, err := h.Store.CustomerPhones(ctx, *w.CustomerID)
		if err != nil || len(phones) != 1 || phones[0] != "+79161234567" {
			t.Errorf("phones = %v, %v", phones, err)
		}
		v, err := h.Store.Vehicle(ctx, *w.VehicleID)
		if err != nil || v.Plate != "А123ВС77" || v.Year != 2019 {
			t.Errorf("vehicle = %+v, %v", v, err)
		}
		var readings int64
		h.Store.Gorm(ctx).Table("mileage_readings").Where("vehicle_id = ? AND mileage_km = 95000", v.ID).Count(&readings)
		if readings != 1 {
			t.Errorf("mileage readings = %d, want 1", readings)
		}
		if got := outgoing(t, h, "АА-000123"); strings.Join(got, ",") != "status.in_progress,estimate.request" {
			t.Errorf("outgoing = %v", got)
		}
		th, _ := h.Store.ThreadByWorkOrder(ctx, w.ID)
		msgs, _ := h.Store.Messages(ctx, th.ID)
		if !strings.Contains(msgs[0].Body, "https://hub.example.test/c/") || msgs[0].Delivery != hub.DeliveryQueued {
			t.Errorf("status message = %+v", msgs[0])
		}
		if last := msgs[len(msgs)-1].CreatedAt; !th.LastActivityAt.Equal(last) {
			t.Errorf("thread activity %v, want the last message's time %v", th.LastActivityAt, last)
		}
		steps, err := h.Store.StatusHistory(ctx, w.ID)
		if err != nil || len(steps) != 1 || steps[0].Status != hub.StatusInProgress {
			t.Errorf("status history = %+v, %v", steps, err)
		}
		item, err := h.Store.OutboxByMessage(ctx, msgs[0].ID)
		if err != nil || item.Recipient != "+79161234567" || item.State != hub.OutboxPending {
			t.Errorf("outbox = %+v, %v", item, err)
		}
	})
}

func TestDuplicateAndStaleHaveNoSideEffects(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		first := batch(workOrder("e1", "АА-1", 2, "Принят"), workOrder("e2", "АА-1", 3, "В работе"))
		expectResults(t, h, first, "applied", "applied")
		expectResults(t, h, first, "duplicate", "duplicate")

		older := workOrder("e3", "АА-1", 2, "Готов")
		same := workOrder("e4", "АА-1", 3, "Готов")
		expectResults(t, h, batch(older, same), "stale", "stale")
		// A stale event's id is taken: sending it again is a duplicate.
		expectResults(t, h, batch(older), "duplicate")

		w, _ := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-1")
		if w.Version != 3 || w.Status != hub.StatusInProgress {
			t.Errorf("work order at version %d status %s, want 3 in_progress", w.Version, w.Status)
		}
		want := "status.received,estimate.request,status.in_progress"
		if got := strings.Join(outgoing(t, h, "АА-1"), ","); got != want {
			t.Errorf("outgoing = %s, want %s", got, want)
		}
	})
}

func TestRejectedEventInTheMiddleLeavesNothingAndOthersApply(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		bad := workOrder("e2", "АА-2", 1, "Принят")
		lines := bad["work_order"].(map[string]any)["lines"].([]any)
		lines = append(lines, map[string]any{"id": "3", "kind": "part", "name": "Фильтр", "qty": "abc", "unit_price": "10"})
		bad["work_order"].(map[string]any)["lines"] = lines

		results := expectResults(t, h, batch(workOrder("e1", "АА-1", 1, "Принят"), bad, workOrder("e3", "АА-3", 1, "Принят")),
			"applied", "rejected", "applied")
		if results[1]["id"] != "e2" || results[1]["error"] != `work_order.lines[2].qty: not a number: "abc"` {
			t.Errorf("rejection = %v", results[1])
		}
		if _, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-2"); err == nil {
			t.Error("the rejected work order was stored")
		}
		var customers int64
		h.Store.Gorm(ctx).Table("customers").Where("external_id = ?", "C-АА-2").Count(&customers)
		if customers != 0 {
			t.Error("the rejected event's customer was stored")
		}
		// Fixed, the same id is accepted: a rejection does not take the id.
		lines[2].(map[string]any)["qty"] = "1"
		expectResults(t, h, batch(bad), "applied")
	})
}

func TestRejectionsNameEveryField(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		unknownBranch := workOrder("b1", "АА-1", 1, "Принят")
		unknownBranch["work_order"].(map[string]any)["branch"] = "NOPE"
		badPhone := workOrder("b2", "АА-2", 1, "Принят")
		badPhone["work_order"].(map[string]any)["customer"].(map[string]any)["phones"] = []any{"12"}
		badTime := workOrder("b3", "АА-3", 1, "Принят")
		badTime["occurred_at"] = "вчера"
		noVersion := workOrder("b4", "АА-4", 1, "Принят")
		delete(noVersion["work_order"].(map[string]any), "version")
		unknownType := map[string]any{"id": "b5", "type": "invoice", "occurred_at": "2026-11-23T10:00:00"}
		unknownWO := map[string]any{"id": "b6", "type": "message", "occurred_at": "2026-11-23T10:00:00",
			"message": map[string]any{"work_order_number": "НЕТ-1", "text": "Добрый день"}}
		tooPrecise := workOrder("b7", "АА-7", 1, "Принят")
		tooPrecise["work_order"].(map[string]any)["lines"].([]any)[0].(map[string]any)["unit_price"] = "10.005"

		results := expectResults(t, h, batch(unknownBranch, badPhone, badTime, noVersion, unknownType, unknownWO, tooPrecise),
			"rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected")
		want := []string{
			`work_order.branch: unknown branch "NOPE"`,
			`work_order.customer.phones[0]: not a valid phone number: "12"`,
			`occurred_at: not an ISO 8601 time: "вчера"`,
			`work_order.version: not a number: ""`,
			`type: unknown event type "invoice"`,
			`message.work_order_number: unknown work order "НЕТ-1"`,
			`work_order.lines[0].unit_price: more than 2 decimal places: "10.005"`,
		}
		for i, w := range want {
			if got, _ := results[i]["error"].(string); !strings.HasPrefix(got, w) {
				t.Errorf("event %d error = %q, want it to start with %q", i, got, w)
			}
		}
		var n int64
		h.Store.Gorm(context.Background()).Table("inbound_events").Count(&n)
		if n != 0 {
			t.Errorf("%d rejected events left claims behind", n)
		}
	})
}

func TestBOMStringNumbersAndOffsets(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		e := workOrder("e1", "АА-9", 7, "Готов")
		e["work_order"].(map[string]any)["version"] = "7"
		e["occurred_at"] = "2026-11-23T10:00:00+01:00"
		e["work_order"].(map[string]any)["promised_at"] = "2026-11-24 18:30:00"
		body := append([]byte{0xEF, 0xBB, 0xBF}, batch(e)...)
		expectResults(t, h, body, "applied")
		w, _ := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-9")
		if w.Version != 7 {
			t.Errorf("version = %d, want 7", w.Version)
		}
		if want := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC); !w.OpenedAt.Equal(want) {
			t.Errorf("opened_at = %v, want %v (offset respected)", w.OpenedAt, want)
		}
		if want := time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC); w.PromisedAt == nil || !w.PromisedAt.Equal(want) {
			t.Errorf("promised_at = %v, want %v (Moscow local time)", w.PromisedAt, want)
		}
	})
}

func TestRequestErrors(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		cases := []struct {
			name   string
			token  string
			body   []byte
			status int
		}{
			{"no token", "", batch(workOrder("e1", "АА-1", 1, "Принят")), 401},
			{"unknown token", "nrd_nope", batch(workOrder("e1", "АА-1", 1, "Принят")), 401},
			{"not json", h.Token, []byte("<xml/>"), 400},
			{"no events array", h.Token, []byte(`{"evts": []}`), 400},
			{"events not an array", h.Token, []byte(`{"events": {}}`), 400},
			{"too many events", h.Token, tooMany(1001), 413},
			{"body over the limit", h.Token, append(batch(workOrder("e1", "АА-1", 1, "Принят")), bytes.Repeat([]byte(" "), h.Config.DMSMaxBodyBytes)...), 413},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				status, reply := h.PostEvents(t, c.token, c.body)
				if status != c.status {
					t.Fatalf("status = %d, want %d (%v)", status, c.status, reply)
				}
				if msg, _ := reply["error"].(string); msg == "" {
					t.Errorf("reply has no error text: %v", reply)
				}
			})
		}
		var n int64
		h.Store.Gorm(context.Background()).Table("work_orders").Count(&n)
		if n != 0 {
			t.Errorf("%d work orders stored by refused requests", n)
		}
	})
}

func tooMany(n int) []byte {
	events := make([]map[string]any, n)
	for i := range events {
		events[i] = map[string]any{"id": fmt.Sprint(i), "type": "customer", "occurred_at": "2026-11-23T10:00:00",
			"customer": map[string]any{"external_id": fmt.Sprint(i)}}
	}
	return batch(events...)
}

func TestUnknownStatusIsNotedAndSendsNothing(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		e := workOrder("e1", "АА-5", 1, "На мойке")
		e["work_order"].(map[string]any)["lines"] = []any{}
		expectResults(t, h, batch(e), "applied")
		if got := outgoing(t, h, "АА-5"); len(got) != 0 {
			t.Errorf("outgoing = %v, want none", got)
		}
		w, _ := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-5")
		th, _ := h.Store.ThreadByWorkOrder(ctx, w.ID)
		msgs, _ := h.Store.Messages(ctx, th.ID)
		if len(msgs) != 1 || msgs[0].Direction != hub.DirectionSystem || !strings.Contains(msgs[0].Body, "На мойке") {
			t.Errorf("messages = %+v", msgs)
		}
		if w.RawStatus != "На мойке" || w.Status != "" {
			t.Errorf("raw %q canonical %q", w.RawStatus, w.Status)
		}
	})
}

func TestEstimateRequestOnlyForNewOrRepricedLines(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		expectResults(t, h, batch(workOrder("e1", "АА-6", 1, "В работе")), "applied")
		// Same lines, new version: nothing new to ask.
		expectResults(t, h, batch(workOrder("e2", "АА-6", 2, "В работе")), "applied")
		// Re-priced line: ask again.
		e := workOrder("e3", "АА-6", 3, "В работе")
		e["work_order"].(map[string]any)["lines"].([]any)[1].(map[string]any)["unit_price"] = "3600"
		expectResults(t, h, batch(e), "applied")
		want := "status.in_progress,estimate.request,estimate.request"
		if got := strings.Join(outgoing(t, h, "АА-6"), ","); got != want {
			t.Errorf("outgoing = %s, want %s", got, want)
		}
	})
}

// Concurrent batches (two 1C jobs, or a retry overlapping a slow request)
// must all apply: on SQLite this needs IMMEDIATE transactions, or a
// transaction that read first fails with SQLITE_BUSY when it writes.
func TestConcurrentBatchesAllApply(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		const batches = 8
		errs := make(chan string, batches)
		for i := range batches {
			go func() {
				var events []map[string]any
				for j := range 10 {
					events = append(events, workOrder(fmt.Sprintf("c%d-%d", i, j), fmt.Sprintf("АА-%d-%d", i, j), 1, "Принят"))
				}
				status, reply := h.PostEvents(t, h.Token, batch(events...))
				if status != 200 {
					errs <- fmt.Sprintf("batch %d: %d %v", i, status, reply)
					return
				}
				errs <- ""
			}()
		}
		for range batches {
			if e := <-errs; e != "" {
				t.Error(e)
			}
		}
	})
}

// Batches of one node that touch the same work orders, customers and
// vehicles in opposite orders (a retry overlapping a slow request, two 1C
// jobs) must all be answered 200: on PostgreSQL they deadlocked and all but
// one failed with 500 "send it again".
func TestConcurrentBatchesOnTheSameRecordsAllApply(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		const batches, orders = 8, 40
		errs := make(chan string, batches)
		for i := range batches {
			go func() {
				var events []map[string]any
				for k := range orders {
					j := k
					if i%2 == 1 {
						j = orders - 1 - k
					}
					e := workOrder(fmt.Sprintf("o%d-%d", i, j), fmt.Sprintf("АА-%d", j), i+1, "Принят")
					wo := e["work_order"].(map[string]any)
					wo["customer"].(map[string]any)["external_id"] = fmt.Sprintf("C-%d", j%3)
					wo["vehicle"].(map[string]any)["external_id"] = fmt.Sprintf("V-%d", j%3)
					events = append(events, e)
				}
				status, reply := h.PostEvents(t, h.Token, batch(events...))
				if status != 200 {
					errs <- fmt.Sprintf("batch %d: %d %v", i, status, reply)
					return
				}
				errs <- ""
			}()
		}
		for range batches {
			if e := <-errs; e != "" {
				t.Error(e)
			}
		}
	})
}

func TestBranchStatusMappingAndTemplateOverride(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		if err := h.Store.SetStatusMapping(ctx, &h.Branch.ID, "На мойке", hub.StatusReady); err != nil {
			t.Fatal(err)
		}
		if err := h.Store.SaveTemplateOverride(ctx, h.Branch.ID, "status.ready", "ru", "Машина помыта и готова: {{.WorkOrderNumber}} {{.Link}}"); err != nil {
			t.Fatal(err)
		}
		e := workOrder("e1", "АА-8", 1, "на  мойке")
		e["work_order"].(map[string]any)["lines"] = []any{}
		expectResults(t, h, batch(e), "applied")
		w, _ := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-8")
		th, _ := h.Store.ThreadByWorkOrder(ctx, w.ID)
		msgs, _ := h.Store.Messages(ctx, th.ID)
		if w.Status != hub.StatusReady || len(msgs) != 1 || !strings.HasPrefix(msgs[0].Body, "Машина помыта и готова: АА-8 https://") {
			t.Fatalf("status %q, messages %+v", w.Status, msgs)
		}
	})
}

func TestRevokedTokenIsRefused(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		if n, err := h.Store.RevokeNode(context.Background(), h.Node.Name); err != nil || n != 1 {
			t.Fatalf("revoke: %d, %v", n, err)
		}
		if status, reply := h.PostEvents(t, h.Token, batch(workOrder("e1", "АА-1", 1, "Принят"))); status != 401 {
			t.Fatalf("revoked token: status %d %v, want 401", status, reply)
		}
	})
}

func TestCustomerPhonesAreReplacedByTheLatestDocument(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		first := workOrder("e1", "АА-3", 1, "Принят")
		first["work_order"].(map[string]any)["customer"].(map[string]any)["phones"] = []any{"+79161234567", "+79031112233"}
		second := workOrder("e2", "АА-3", 2, "Принят")
		second["work_order"].(map[string]any)["customer"].(map[string]any)["phones"] = []any{"+79031112233", "+48601234567"}
		expectResults(t, h, batch(first, second), "applied", "applied")
		w, _ := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-3")
		phones, err := h.Store.CustomerPhones(ctx, *w.CustomerID)
		if err != nil || strings.Join(phones, ",") != "+79031112233,+48601234567" {
			t.Fatalf("phones = %v, %v", phones, err)
		}
	})
}
