package dms_test

import (
	"context"
	"strings"
	"testing"

	"naryad/app/apptest"
)

// withMaster sets the work order's master (nil leaves it out).
func withMaster(ev map[string]any, master map[string]any) map[string]any {
	wo := ev["work_order"].(map[string]any)
	if master == nil {
		delete(wo, "master")
	} else {
		wo["master"] = master
	}
	return ev
}

func TestMasterIsStoredFromTheWorkOrder(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		master := func(t *testing.T) (string, string) {
			t.Helper()
			w, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-000123")
			if err != nil {
				t.Fatal(err)
			}
			return w.MasterName, w.MasterPhone
		}

		// The phone is read like a customer's: the branch's country, E.164.
		first := withMaster(workOrder("m1", "АА-000123", 1, "В работе"),
			map[string]any{"external_id": "E-12", "name": " Иван Кузнецов ", "phone": "8 903 111-22-33"})
		expectResults(t, h, batch(first), "applied")
		if name, phone := master(t); name != "Иван Кузнецов" || phone != "+79031112233" {
			t.Fatalf("master = %q %q", name, phone)
		}

		// A later version names another master: the stored one is replaced.
		second := withMaster(workOrder("m2", "АА-000123", 2, "В работе"),
			map[string]any{"external_id": 13, "name": "Пётр", "phone": "+7 916 555-44-33"})
		expectResults(t, h, batch(second), "applied")
		if name, phone := master(t); name != "Пётр" || phone != "+79165554433" {
			t.Fatalf("master after version 2 = %q %q", name, phone)
		}

		// A wrong number rejects the event and leaves the stored master.
		bad := withMaster(workOrder("m3", "АА-000123", 3, "Готов"), map[string]any{"name": "Иван", "phone": "12"})
		results := expectResults(t, h, batch(bad), "rejected")
		if got, _ := results[0]["error"].(string); !strings.Contains(got, `work_order.master.phone: not a valid phone number: "12"`) {
			t.Errorf("error = %q", got)
		}
		if name, phone := master(t); name != "Пётр" || phone != "+79165554433" {
			t.Fatalf("master after a rejection = %q %q", name, phone)
		}

		// A version that leaves the master out keeps the stored one; null
		// clears it.
		none := withMaster(workOrder("m4", "АА-000123", 4, "Готов"), nil)
		expectResults(t, h, batch(none), "applied")
		if name, phone := master(t); name != "Пётр" || phone != "+79165554433" {
			t.Fatalf("master after a version without one = %q %q", name, phone)
		}
		cleared := workOrder("m5", "АА-000123", 5, "Готов")
		cleared["work_order"].(map[string]any)["master"] = nil
		expectResults(t, h, batch(cleared), "applied")
		if name, phone := master(t); name != "" || phone != "" {
			t.Fatalf("master after null = %q %q", name, phone)
		}
	})
}
