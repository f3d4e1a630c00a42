package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// Staff get the inspection PDF of their branch's thread once an inspection
// exists (sent or not, in their language); another branch's thread, an
// order without an inspection and a made-up thread are 404.
func TestStaffInspectionPDF(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		anna := w.signIn(t, "anna")
		ctx := context.Background()
		get := func(th int64) (*http.Response, string) {
			return anna.Do(http.MethodGet, fmt.Sprintf("/inbox/threads/%d/inspection.pdf", th), nil)
		}
		if resp, _ := get(w.a.ID); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("no inspection: %d", resp.StatusCode)
		}
		insp, err := h.Store.StartInspection(ctx, w.a, "Иван")
		if err != nil {
			t.Fatal(err)
		}
		items, err := h.Store.InspectionItems(ctx, insp.ID)
		if err != nil {
			t.Fatal(err)
		}
		yellow, note := hub.ItemYellow, "Протектор \x01 4 мм"
		if _, err := h.Store.EditInspectionItem(ctx, insp.ID, items[0].ID, store.ItemEdit{State: &yellow, Note: &note, By: "Иван"}); err != nil {
			t.Fatal(err)
		}
		resp, body := get(w.a.ID)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "%PDF-") || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("own branch: %d %q %.40q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if _, err := h.Store.StartInspection(ctx, w.b, "Олег"); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{w.b.ID, 999999} {
			if resp, _ := get(id); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("thread %d of another branch or none: %d", id, resp.StatusCode)
			}
		}
		if resp, _ := w.h.NewClient(t).Do(http.MethodGet, fmt.Sprintf("/inbox/threads/%d/inspection.pdf", w.a.ID), nil); resp.StatusCode == http.StatusOK {
			t.Fatal("served without sign-in")
		}
	})
}
