package dms_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// The file endpoint serves what an inspection change named: not the
// photos of an inspection never sent, nor those of an item the mechanic
// did not mark (the change leaves it out), even to the branch's own node.
func TestAttackDMSFilesOfUnsentInspection(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		h.PushWorkOrder(t, "e1", "АА-1", 1, "Принят", nil)
		w, _ := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-1")
		th, _ := h.Store.ThreadByWorkOrder(ctx, w.ID)
		media := hub.NewMedia(filepath.Join(h.Config.DataDir, "media"))
		insp, err := h.Store.StartInspection(ctx, th, "Иван")
		if err != nil {
			t.Fatal(err)
		}
		items, _ := h.Store.InspectionItems(ctx, insp.ID)
		red := hub.ItemRed
		if _, err := h.Store.EditInspectionItem(ctx, insp.ID, items[0].ID, store.ItemEdit{State: &red, By: "Иван"}); err != nil {
			t.Fatal(err)
		}
		var sums []string
		for n, item := range []int64{items[0].ID, items[1].ID} { // red; not marked
			body := []byte{0xff, 0xd8, 0xff, 0xe0, byte(n)}
			sum, _ := media.Put(body)
			sums = append(sums, sum)
			m := hub.InspectionMedia{ItemID: item, UploadKey: "k" + sum[:4], SHA256: sum, Name: "p.jpg", ContentType: "image/jpeg", SizeBytes: 5}
			if _, err := h.Store.AddInspectionMedia(ctx, insp.ID, &m); err != nil {
				t.Fatal(err)
			}
		}
		get := func(sum string) int {
			req := httptest.NewRequest(http.MethodGet, hub.DMSFileURL(sum), nil)
			req.Header.Set("Authorization", "Bearer "+h.Token)
			resp := h.Do(t, req)
			resp.Body.Close()
			return resp.StatusCode
		}
		if status := get(sums[0]); status != http.StatusNotFound {
			t.Errorf("a photo of an inspection never sent: %d, want 404", status)
		}
		if _, err := h.Store.SendInspection(ctx, insp.ID, "Анна"); err != nil {
			t.Fatal(err)
		}
		if status := get(sums[0]); status != http.StatusOK {
			t.Errorf("the sent red item's photo: %d, want 200", status)
		}
		if status := get(sums[1]); status != http.StatusNotFound {
			t.Errorf("a photo of an item left out of the change: %d, want 404", status)
		}
	})
}
