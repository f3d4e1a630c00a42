package dms_test

import (
	"context"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

func appendChange(t *testing.T, h *apptest.Hub, branchID int64, data hub.ChangeData) {
	t.Helper()
	ctx := context.Background()
	err := h.Store.Tx(ctx, func(tx *store.Store) error {
		return tx.AppendChange(ctx, &hub.Change{BranchID: branchID, WorkOrderNumber: "АА-1"}, data)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestChangeFeedPagesScopesAndAcknowledges(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		other := hub.Branch{Code: "SPB1", Name: "СПб", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := h.Store.CreateBranch(ctx, &other); err != nil {
			t.Fatal(err)
		}
		appendChange(t, h, h.Branch.ID, hub.CustomerMessageData{Text: "Когда будет готово?"}) // 1
		appendChange(t, h, other.ID, hub.LeadData{Text: "Здравствуйте"})                      // 2
		appendChange(t, h, h.Branch.ID, hub.LineDecisionData{Name: "Замена колодок"})         // 3

		// A node of every branch sees all three, two at a time.
		status, page := h.Get(t, "/api/dms/v1/changes?after=0&limit=2")
		if status != 200 || len(page["changes"].([]any)) != 2 || page["last_seq"] != float64(2) {
			t.Fatalf("first page = %d %v", status, page)
		}
		first := page["changes"].([]any)[0].(map[string]any)
		if first["seq"] != float64(1) || first["type"] != "customer_message" || first["work_order_number"] != "АА-1" ||
			first["data"].(map[string]any)["text"] != "Когда будет готово?" {
			t.Errorf("first change = %v", first)
		}
		_, page = h.Get(t, "/api/dms/v1/changes?after=2&limit=2")
		if len(page["changes"].([]any)) != 1 || page["last_seq"] != float64(3) {
			t.Fatalf("second page = %v", page)
		}

		// A node of SPB1 sees only its change, and a short page moves it
		// past the others.
		token, node, err := h.Store.CreateNodeWithToken(ctx, "1c-spb", "SPB1")
		if err != nil {
			t.Fatal(err)
		}
		h.Token = token
		_, page = h.Get(t, "/api/dms/v1/changes?after=0")
		changes := page["changes"].([]any)
		if len(changes) != 1 || changes[0].(map[string]any)["seq"] != float64(2) || page["last_seq"] != float64(3) {
			t.Fatalf("SPB1 page = %v", page)
		}
		// Asking after=3 acknowledges 3.
		h.Get(t, "/api/dms/v1/changes?after=3")
		var acked int64
		h.Store.Gorm(ctx).Table("dms_nodes").Where("id = ?", node.ID).Select("acked_seq").Scan(&acked)
		if acked != 3 {
			t.Errorf("acked_seq = %d, want 3", acked)
		}

		for _, bad := range []string{"after=-1", "after=x", "limit=0", "limit=1001", "limit=x"} {
			if status, reply := h.Get(t, "/api/dms/v1/changes?"+bad); status != 400 || reply["error"] == nil {
				t.Errorf("%s: status %d %v, want 400 with an error", bad, status, reply)
			}
		}
	})
}
