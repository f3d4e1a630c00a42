package dms_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// withInspectionItems is a work order whose second line prices the
// inspection item code (and a third a code the hub has never heard of).
func withInspectionItems(id string, version int, code string) map[string]any {
	ev := workOrder(id, "АА-7", version, "В работе")
	lines := ev["work_order"].(map[string]any)["lines"].([]any)
	lines[1].(map[string]any)["inspection_item"] = code
	lines = append(lines, map[string]any{"id": "3", "kind": "работа", "name": "Своё", "qty": 1, "unit_price": 100,
		"inspection_item": "no_such_item_here"})
	ev["work_order"].(map[string]any)["lines"] = lines
	return ev
}

// TestLinesCarryTheirInspectionItem: a line's inspection_item is stored
// (an unknown code too), changed by a newer version, and a code with a
// control character or over 64 bytes rejects the event with the field
// named, storing nothing.
func TestLinesCarryTheirInspectionItem(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		expectResults(t, h, batch(withInspectionItems("e1", 1, " pads_front ")), "applied")
		w, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-7")
		if err != nil {
			t.Fatal(err)
		}
		lines, _ := h.Store.Lines(ctx, w.ID)
		if len(lines) != 3 || lines[0].InspectionItem != "" || lines[1].InspectionItem != "pads_front" ||
			lines[2].InspectionItem != "no_such_item_here" {
			t.Fatalf("lines %+v", lines)
		}
		expectResults(t, h, batch(withInspectionItems("e2", 2, "discs_front")), "applied")
		if lines, _ = h.Store.Lines(ctx, w.ID); lines[1].InspectionItem != "discs_front" {
			t.Fatalf("after version 2: %q", lines[1].InspectionItem)
		}
		for code, want := range map[string]string{
			"pads\x00front":         "work_order.lines[1].inspection_item: contains the control character U+0000",
			strings.Repeat("x", 65): "work_order.lines[1].inspection_item: longer than 64 bytes (65)",
		} {
			results := expectResults(t, h, batch(withInspectionItems("bad-"+code[:2], 3, code)), "rejected")
			if got, _ := results[0]["error"].(string); !strings.HasPrefix(got, want) {
				t.Errorf("code %q: error %q, want %q…", code, got, want)
			}
		}
		if lines, _ = h.Store.Lines(ctx, w.ID); lines[1].InspectionItem != "discs_front" {
			t.Fatalf("a rejected event changed the line: %q", lines[1].InspectionItem)
		}
	})
}

// TestDMSFetchesInspectionMedia: the files an inspection change names are
// served to the node of the branch, not a hidden item's, not to another
// branch's node.
func TestDMSFetchesInspectionMedia(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		h.PushWorkOrder(t, "e1", "АА-1", 1, "Принят", nil)
		w, _ := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-1")
		th, _ := h.Store.ThreadByWorkOrder(ctx, w.ID)
		media := hub.NewMedia(filepath.Join(h.Config.DataDir, "media"))
		photo, hidden := []byte("\xff\xd8\xff\xe0 brake pads"), []byte("\xff\xd8\xff\xe0 hidden")
		photoSum, _ := media.Put(photo)
		hiddenSum, _ := media.Put(hidden)
		insp, err := h.Store.StartInspection(ctx, th, "Иван")
		if err != nil {
			t.Fatal(err)
		}
		items, _ := h.Store.InspectionItems(ctx, insp.ID)
		red, yes := hub.ItemRed, true
		for _, n := range []int{0, 1} {
			if _, err := h.Store.EditInspectionItem(ctx, insp.ID, items[n].ID, store.ItemEdit{State: &red, By: "Иван"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := h.Store.EditInspectionItem(ctx, insp.ID, items[1].ID, store.ItemEdit{Hidden: &yes, By: "Анна"}); err != nil {
			t.Fatal(err)
		}
		for _, m := range []hub.InspectionMedia{
			{ItemID: items[0].ID, UploadKey: "k1", SHA256: photoSum, Name: "pads.jpg", ContentType: "image/jpeg", SizeBytes: int64(len(photo))},
			{ItemID: items[1].ID, UploadKey: "k2", SHA256: hiddenSum, Name: "h.jpg", ContentType: "image/jpeg", SizeBytes: int64(len(hidden))},
		} {
			if _, err := h.Store.AddInspectionMedia(ctx, insp.ID, &m); err != nil {
				t.Fatal(err)
			}
		}
		data, err := h.Store.SendInspection(ctx, insp.ID, "Анна")
		if err != nil || len(data.Items) != 1 || len(data.Items[0].Files) != 1 {
			t.Fatalf("send: %+v %v", data, err)
		}
		get := func(token, path string) (int, []byte) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp := h.Do(t, req)
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, body
		}
		if status, body := get(h.Token, data.Items[0].Files[0].URL); status != 200 || string(body) != string(photo) {
			t.Fatalf("the change's file: status %d, %d bytes", status, len(body))
		}
		if status, _ := get(h.Token, hub.DMSFileURL(hiddenSum)); status != 404 {
			t.Errorf("a hidden item's file: status %d, want 404", status)
		}
		other := hub.Branch{Code: "SPB1", Name: "СПб", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := h.Store.CreateBranch(ctx, &other); err != nil {
			t.Fatal(err)
		}
		spbToken, _, err := h.Store.CreateNodeWithToken(ctx, "1c-spb", "SPB1")
		if err != nil {
			t.Fatal(err)
		}
		if status, _ := get(spbToken, data.Items[0].Files[0].URL); status != 404 {
			t.Errorf("another branch's node: status %d, want 404", status)
		}
		// The change itself is in the node's feed, under the work order.
		status, feed := get(h.Token, "/api/dms/v1/changes?after=0")
		if status != 200 || !strings.Contains(string(feed), `"type":"inspection"`) || !strings.Contains(string(feed), `"work_order_number":"АА-1"`) {
			t.Errorf("feed: %d %s", status, feed)
		}
	})
}
