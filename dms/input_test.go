package dms_test

import (
	"context"
	"strings"
	"testing"

	"naryad/app/apptest"
)

// One oversized field rejects its own event, naming the field, and the rest
// of the batch applies: an oversized value never fails the whole batch
// (which 1C would re-send for ever).
func TestOversizedFieldsRejectOnlyTheirEvent(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		longNumber := workOrder("b1", strings.Repeat("9", 17<<10), 1, "Принят")
		longLine := workOrder("b2", "АА-2", 1, "Принят")
		longLine["work_order"].(map[string]any)["lines"].([]any)[1].(map[string]any)["name"] = strings.Repeat("Колодки ", 1000)
		longText := map[string]any{"id": "b3", "type": "message", "occurred_at": "2026-11-23T10:00:00",
			"message": map[string]any{"work_order_number": "АА-1", "text": strings.Repeat("Добрый день! ", 1400)}}
		longMake := map[string]any{"id": "b4", "type": "vehicle", "occurred_at": "2026-11-23T10:00:00",
			"vehicle": map[string]any{"external_id": "V-9", "make": strings.Repeat("Ш", 10<<10), "model": "Octavia"}}
		longName := map[string]any{"id": "b5", "type": "customer", "occurred_at": "2026-11-23T10:00:00",
			"customer": map[string]any{"external_id": "C-9", "name": strings.Repeat("ООО «Вектор» ", 80_000)}}
		fine := map[string]any{"id": "m1", "type": "message", "occurred_at": "2026-11-23T10:00:00",
			"message": map[string]any{"work_order_number": "АА-1", "text": "Колодки приедут завтра."}}

		results := expectResults(t, h, batch(workOrder("e1", "АА-1", 1, "Принят"), longNumber, longLine, longText, longMake, longName, fine),
			"applied", "rejected", "rejected", "rejected", "rejected", "rejected", "applied")
		want := []string{
			"work_order.number: longer than 200 bytes",
			"work_order.lines[1].name: longer than 1000 bytes",
			"message.text: longer than 8192 bytes",
			"vehicle.make: longer than 200 bytes",
			"customer.name: longer than 500 bytes",
		}
		for i, w := range want {
			got, _ := results[i+1]["error"].(string)
			if !strings.HasPrefix(got, w) {
				t.Errorf("event %d error = %.200q, want it to start with %q", i+1, got, w)
			}
			if len(got) > 400 {
				t.Errorf("event %d error is %d bytes: the value is echoed back", i+1, len(got))
			}
		}
		if got := outgoing(t, h, "АА-1"); strings.Join(got, ",") != "status.received,estimate.request,message.advisor" {
			t.Errorf("outgoing = %v", got)
		}
	})
}

// NUL and other control characters, and text that is not UTF-8, get the
// same answer on SQLite and PostgreSQL: the event is rejected naming the
// field, never a 500 for the batch.
func TestControlCharactersAreRejectedByField(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		nulName := workOrder("b1", "АА-2", 1, "Принят")
		nulName["work_order"].(map[string]any)["customer"].(map[string]any)["name"] = "Иван\x00Петров"
		nulNumber := workOrder("b2", "АА-\x003", 1, "Принят")
		nulID := workOrder("b3\x00", "АА-4", 1, "Принят")
		nulLine := workOrder("b4", "АА-5", 1, "Принят")
		nulLine["work_order"].(map[string]any)["lines"].([]any)[0].(map[string]any)["id"] = "1\x00"
		bellPlate := map[string]any{"id": "b5", "type": "vehicle", "occurred_at": "2026-11-23T10:00:00",
			"vehicle": map[string]any{"external_id": "V-1", "plate": "А123\aВС77"}}
		tabInName := map[string]any{"id": "b6", "type": "customer", "occurred_at": "2026-11-23T10:00:00",
			"customer": map[string]any{"external_id": "C-1", "name": "Иван\tПетров"}}
		// A message is multi-line text: tabs and line breaks are fine there.
		multiLine := map[string]any{"id": "m1", "type": "message", "occurred_at": "2026-11-23T10:00:00",
			"message": map[string]any{"work_order_number": "АА-1", "text": "Добрый день!\r\n\tКолодки приедут завтра."}}

		results := expectResults(t, h, batch(workOrder("e1", "АА-1", 1, "Принят"), nulName, nulNumber, nulID, nulLine, bellPlate, tabInName, multiLine),
			"applied", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "applied")
		want := []string{
			"work_order.customer.name: contains the control character U+0000",
			"work_order.number: contains the control character U+0000",
			"id: contains the control character U+0000",
			"work_order.lines[0].id: contains the control character U+0000",
			"vehicle.plate: contains the control character U+0007",
			"customer.name: contains the control character U+0009",
		}
		for i, w := range want {
			if got, _ := results[i+1]["error"].(string); !strings.HasPrefix(got, w) {
				t.Errorf("event %d error = %q, want it to start with %q", i+1, got, w)
			}
		}
		var n int64
		h.Store.Gorm(ctx).Table("customers").Count(&n)
		if n != 1 {
			t.Errorf("%d customers stored, want only the applied work order's", n)
		}
	})
}

// A body that is not UTF-8 (a 1C job writing Windows-1251) is refused as a
// whole with a 400 that says so; nothing of it is stored.
func TestBodyThatIsNotUTF8IsRefused(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		body := batch(workOrder("e1", "АА-1", 1, "Принят"))
		cp1251 := []byte(strings.Replace(string(body), "Иван Петров", "\xc8\xe2\xe0\xed \xcf\xe5\xf2\xf0\xee\xe2", 1))
		status, reply := h.PostEvents(t, h.Token, cp1251)
		if msg, _ := reply["error"].(string); status != 400 || !strings.Contains(msg, "not valid UTF-8") {
			t.Fatalf("status %d %v, want 400 naming UTF-8", status, reply)
		}
		var n int64
		h.Store.Gorm(context.Background()).Table("work_orders").Count(&n)
		if n != 0 {
			t.Errorf("%d work orders stored from a refused body", n)
		}
	})
}

// An event id must be a string or a number: an object or a boolean is
// rejected (answered with an empty id, in its place in the batch) instead
// of stored under its JSON text.
func TestEventIDMustBeAStringOrNumber(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		object := workOrder("x", "АА-2", 1, "Принят")
		object["id"] = map[string]any{"a": 1}
		boolean := workOrder("x", "АА-3", 1, "Принят")
		boolean["id"] = true
		array := map[string]any{"id": []any{1}, "type": "customer", "occurred_at": "2026-11-23T10:00:00",
			"customer": map[string]any{"external_id": "C-1"}}
		number := workOrder("x", "АА-4", 1, "Принят")
		number["id"] = 42
		results := expectResults(t, h, batch(object, boolean, array, number), "rejected", "rejected", "rejected", "applied")
		for i, kind := range []string{"an object", "a boolean", "an array"} {
			want := "id: expected a string or a number, got " + kind
			if results[i]["id"] != "" || !strings.HasPrefix(results[i]["error"].(string), want) {
				t.Errorf("event %d = %v, want id \"\" and %q", i, results[i], want)
			}
		}
		if results[3]["id"] != "42" {
			t.Errorf("numeric id answered as %v", results[3]["id"])
		}
		// The same holds for the ids inside an event.
		e := map[string]any{"id": "c1", "type": "customer", "occurred_at": "2026-11-23T10:00:00",
			"customer": map[string]any{"external_id": false}}
		results = expectResults(t, h, batch(e), "rejected")
		if got := results[0]["error"].(string); !strings.HasPrefix(got, "customer.external_id: expected a string or a number, got a boolean") {
			t.Errorf("error = %q", got)
		}
	})
}
