package dms_test

import (
	"context"
	"strings"
	"testing"

	"naryad/app/apptest"
)

// Money that does not fit is rejected with the field's name, never stored
// wrapped around: 999 999 999 × 92 233 720 368 547 758 ₽ was stored as a
// line of −79 999 999,92 ₽, and two lines near the int64 limit as a work
// order of −0,02 ₽. Every amount is capped at 10^13 of the currency's
// minor unit (100 billion roubles); a large but real amount still applies
// exactly.
func TestMoneyOutOfRangeIsRejected(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		order := func(id string, lines ...map[string]any) map[string]any {
			e := workOrder(id, "АА-"+id, 1, "Принят")
			var ls []any
			for _, l := range lines {
				ls = append(ls, l)
			}
			e["work_order"].(map[string]any)["lines"] = ls
			return e
		}
		line := func(id string, qty any, price string, extra ...string) map[string]any {
			l := map[string]any{"id": id, "kind": "part", "name": "Деталь", "qty": qty, "unit_price": price}
			for i := 0; i+1 < len(extra); i += 2 {
				l[extra[i]] = extra[i+1]
			}
			return l
		}
		const near = "92233720368547758.07" // the int64 limit in kopecks
		results := expectResults(t, h, batch(
			order("m1", line("1", "999999999", "1000000")),
			order("m2", line("1", 1, near), line("2", 1, near)),
			order("m3", line("1", 1, "1", "total", near), line("2", 1, "1", "total", near)),
			order("m4", line("1", 1, "1", "discount", near)),
			order("m5", line("1", "2", "9 999 999 999,99")),
			order("m6", line("1", 1, "60 000 000 000"), line("2", 1, "60 000 000 000")),
		), "rejected", "rejected", "rejected", "rejected", "applied", "rejected")
		wantErr := []string{
			"work_order.lines[0].total: out of range",
			"work_order.lines[0].unit_price: out of range",
			"work_order.lines[0].total: out of range",
			"work_order.lines[0].discount: out of range",
			"", "work_order.lines: the work order's total is out of range",
		}
		for i, want := range wantErr {
			if want == "" {
				continue
			}
			if got, _ := results[i]["error"].(string); !strings.Contains(got, want) {
				t.Errorf("event %d: error %q, want it to name %q", i, got, want)
			}
		}
		w, err := h.Store.WorkOrderByNumber(context.Background(), h.Node.ID, "АА-m5")
		if err != nil {
			t.Fatal(err)
		}
		if w.TotalMinor != 1_999_999_999_998 {
			t.Errorf("total %d, want 1999999999998", w.TotalMinor)
		}
		for _, n := range []string{"АА-m1", "АА-m2", "АА-m3", "АА-m4", "АА-m6"} {
			if _, err := h.Store.WorkOrderByNumber(context.Background(), h.Node.ID, n); err == nil {
				t.Errorf("%s was stored", n)
			}
		}
	})
}
