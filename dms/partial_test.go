package dms_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// A work_order event that leaves parts out (the demo's "push an event"
// curl: a number, a status and the customer) keeps what is stored for
// them: the vehicle, the promised time, the advisor, the lines with the
// customer's decisions and the total. Only the status moves.
func TestWorkOrderPartsLeftOutAreKept(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		full := workOrder("e1", "АА-1", 1, "В работе")
		full["work_order"].(map[string]any)["promised_at"] = "2026-11-24T18:00:00"
		full["work_order"].(map[string]any)["master"] = map[string]any{"name": "Иван Кузнецов", "phone": "8 903 111-22-33"}
		full["work_order"].(map[string]any)["paid"] = true
		expectResults(t, h, batch(full), "applied")
		before, _ := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-1")
		decide(t, h, before, "2", hub.DecisionApproved)

		demo := map[string]any{"id": "try-1", "type": "work_order", "occurred_at": "2026-11-23T12:00:00",
			"work_order": map[string]any{"number": "АА-1", "version": 10, "branch": "MSK1", "status": "Готов",
				"customer": map[string]any{"external_id": "C-АА-1", "name": "Иван Петров", "phones": []any{"+79161234567"}}}}
		expectResults(t, h, batch(demo), "applied")

		after, _ := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-1")
		if after.Status != hub.StatusReady || after.Version != 10 {
			t.Errorf("status %q version %d, want ready 10", after.Status, after.Version)
		}
		if after.VehicleID == nil || *after.VehicleID != *before.VehicleID {
			t.Errorf("vehicle %v, want %v kept", after.VehicleID, before.VehicleID)
		}
		if after.PromisedAt == nil || !after.PromisedAt.Equal(*before.PromisedAt) {
			t.Errorf("promised_at %v, want %v kept", after.PromisedAt, before.PromisedAt)
		}
		if after.AdvisorName != "Ольга" || after.MasterPhone != "+79031112233" || !after.Paid || after.Currency != "RUB" {
			t.Errorf("advisor %q master %q paid %v currency %q: not kept", after.AdvisorName, after.MasterPhone, after.Paid, after.Currency)
		}
		if after.TotalMinor != before.TotalMinor || after.TotalMinor == 0 {
			t.Errorf("total %d, want %d kept", after.TotalMinor, before.TotalMinor)
		}
		lines, _ := h.Store.Lines(ctx, after.ID)
		if len(lines) != 2 || lines[1].Decision != hub.DecisionApproved {
			t.Errorf("lines = %+v, want both with the decision kept", lines)
		}
		// The status message, with the stored car in it; no new estimate request.
		if got := strings.Join(outgoing(t, h, "АА-1"), ","); got != "status.in_progress,estimate.request,status.ready" {
			t.Errorf("outgoing = %s", got)
		}
		th := h.Thread(t, "АА-1")
		msgs, _ := h.Store.Messages(ctx, th.ID)
		if last := msgs[len(msgs)-1]; !strings.Contains(last.Body, "Škoda Octavia") {
			t.Errorf("status message %q lacks the stored vehicle", last.Body)
		}

		// Without the customer, the thread keeps its recipient.
		status := map[string]any{"id": "e3", "type": "work_order", "occurred_at": "2026-11-23T13:00:00",
			"work_order": map[string]any{"number": "АА-1", "version": 11, "branch": "MSK1", "status": "Выдан"}}
		expectResults(t, h, batch(status), "applied")
		if th := h.Thread(t, "АА-1"); th.Phone != "+79161234567" || th.CustomerID == nil {
			t.Errorf("thread contact %q %v, want kept", th.Phone, th.CustomerID)
		}
		msgs, _ = h.Store.Messages(ctx, th.ID)
		if last := msgs[len(msgs)-1]; last.TemplateKey != "status.delivered" {
			t.Errorf("last message %q, want status.delivered", last.TemplateKey)
		}
		item, err := h.Store.OutboxByMessage(ctx, msgs[len(msgs)-1].ID)
		if err != nil || item.Recipient != "+79161234567" {
			t.Errorf("outbox %+v %v, want the stored number", item, err)
		}
	})
}

// An explicit null (or [] for lines) clears a part: that is how the DMS
// says a work order no longer has a vehicle, a promised time or lines.
func TestWorkOrderNullAndEmptyListClear(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		full := workOrder("e1", "АА-1", 1, "В работе")
		full["work_order"].(map[string]any)["promised_at"] = "2026-11-24T18:00:00"
		expectResults(t, h, batch(full), "applied")

		clear := map[string]any{"id": "e2", "type": "work_order", "occurred_at": "2026-11-23T12:00:00",
			"work_order": map[string]any{"number": "АА-1", "version": 2, "branch": "MSK1",
				"vehicle": nil, "promised_at": nil, "advisor": nil, "customer": nil, "lines": []any{}}}
		expectResults(t, h, batch(clear), "applied")
		w, _ := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-1")
		if w.VehicleID != nil || w.PromisedAt != nil || w.AdvisorName != "" || w.CustomerID != nil || w.TotalMinor != 0 {
			t.Errorf("work order = %+v, want vehicle, promised_at, advisor, customer and total cleared", w)
		}
		if w.Status != hub.StatusInProgress {
			t.Errorf("status %q: a status left out is kept", w.Status)
		}
		if lines, _ := h.Store.Lines(ctx, w.ID); len(lines) != 0 {
			t.Errorf("lines = %+v, want none", lines)
		}
		if th := h.Thread(t, "АА-1"); th.Phone != "" {
			t.Errorf("thread phone %q, want none with the customer cleared", th.Phone)
		}

		// Lines sent again are new lines: the customer is asked about them.
		again := workOrder("e3", "АА-1", 3, "В работе")
		expectResults(t, h, batch(again), "applied")
		if got := strings.Join(outgoing(t, h, "АА-1"), ","); got != "status.in_progress,estimate.request,estimate.request" {
			t.Errorf("outgoing = %s", got)
		}
	})
}

// Money in lines is read in the work order's currency: when an update
// leaves the currency out, the stored one counts, not the branch's.
func TestWorkOrderLinesReadInTheStoredCurrency(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		first := workOrder("e1", "АА-1", 1, "В работе")
		first["work_order"].(map[string]any)["currency"] = "JPY" // no minor unit
		first["work_order"].(map[string]any)["lines"] = []any{
			map[string]any{"id": "1", "kind": "labor", "name": "Замена масла", "qty": 1, "unit_price": "1500"}}
		expectResults(t, h, batch(first), "applied")

		cents := map[string]any{"id": "e2", "type": "work_order", "occurred_at": "2026-11-23T12:00:00",
			"work_order": map[string]any{"number": "АА-1", "version": 2, "branch": "MSK1",
				"lines": []any{map[string]any{"id": "1", "kind": "labor", "name": "Замена масла", "qty": 1, "unit_price": "1500.50"}}}}
		results := expectResults(t, h, batch(cents), "rejected")
		if got := results[0]["error"].(string); !strings.HasPrefix(got, `work_order.lines[0].unit_price: more than 0 decimal places: "1500.50"`) {
			t.Errorf("error = %q", got)
		}
		whole := cents
		whole["id"] = "e3"
		whole["work_order"].(map[string]any)["lines"].([]any)[0].(map[string]any)["unit_price"] = "1800"
		expectResults(t, h, batch(whole), "applied")
		w, _ := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-1")
		if w.Currency != "JPY" || w.TotalMinor != 1800 {
			t.Errorf("currency %q total %d, want JPY 1800", w.Currency, w.TotalMinor)
		}
	})
}

// decide records the customer's decision on a line, as their page does.
func decide(t *testing.T, h *apptest.Hub, w hub.WorkOrder, lineID, decision string) {
	t.Helper()
	ctx := context.Background()
	lines, err := h.Store.Lines(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	th, err := h.Store.ThreadByWorkOrder(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.ExternalID == lineID {
			_, err := h.Store.DecideLines(ctx, w, th, []store.Decision{{LineID: l.ID, Decision: decision}},
				store.Evidence{By: "customer", At: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no line %q", lineID)
}
