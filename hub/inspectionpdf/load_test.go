package inspectionpdf_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/inspectionpdf"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/templates"
)

// Load shows what the customer's report shows: no hidden or unchecked
// item, at most four photos an item (a thumbnail missing on disk left
// out), and each line to approve with its decision, the state of the item
// it prices, and the total after the decisions.
func TestLoadTheReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		media := hub.NewMedia(t.TempDir())
		if _, err := inspectionpdf.Load(ctx, s, media, f.Order.ID, "ru", time.UTC, time.Now()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("no inspection: %v", err)
		}
		insp, err := s.StartInspection(ctx, f.Thread, "Иван")
		if err != nil {
			t.Fatal(err)
		}
		items, _ := s.InspectionItems(ctx, insp.ID)
		red, yellow, hidden := hub.ItemRed, hub.ItemYellow, true
		edit := func(i int, e store.ItemEdit) {
			e.By = "Иван"
			if _, err := s.EditInspectionItem(ctx, insp.ID, items[i].ID, e); err != nil {
				t.Fatal(err)
			}
		}
		edit(0, store.ItemEdit{State: &red})
		edit(1, store.ItemEdit{State: &yellow, Hidden: &hidden})
		for n := range 6 {
			var jpg bytes.Buffer
			if err := jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 10+n, 10)), nil); err != nil {
				t.Fatal(err)
			}
			sha, err := media.Put(jpg.Bytes())
			if n == 0 {
				sha = "0000000000000000000000000000000000000000000000000000000000000000" // not on disk
			}
			if err != nil {
				t.Fatal(err)
			}
			m := hub.InspectionMedia{ItemID: items[0].ID, UploadKey: fmt.Sprint("k", n), SHA256: sha, Name: "p.jpg",
				ContentType: "image/jpeg", SizeBytes: int64(jpg.Len()), ThumbSHA256: sha}
			if _, err := s.AddInspectionMedia(ctx, insp.ID, &m); err != nil {
				t.Fatal(err)
			}
		}
		w := f.Order
		w.Version, w.TotalMinor, w.Currency = 2, 780000, "RUB"
		if _, err := s.SaveWorkOrder(ctx, &w); err != nil {
			t.Fatal(err)
		}
		lines := []hub.WorkOrderLine{
			{ExternalID: "1", Position: 1, Kind: hub.LineLabor, Name: "Диагностика", QtyMilli: 1000, TotalMinor: 100000},
			{ExternalID: "2", Position: 2, Kind: hub.LinePart, Name: "Колодки", QtyMilli: 1000, TotalMinor: 680000,
				NeedsApproval: true, InspectionItem: items[0].Code},
		}
		if err := s.ReplaceLines(ctx, f.Order.ID, lines); err != nil {
			t.Fatal(err)
		}
		stored, _ := s.Lines(ctx, f.Order.ID)
		if _, err := s.DecideLines(ctx, w, f.Thread, []store.Decision{{LineID: stored[1].ID, Decision: hub.DecisionDeclined}},
			store.Evidence{By: "customer", At: time.Now()}); err != nil {
			t.Fatal(err)
		}
		d, err := inspectionpdf.Load(ctx, s, media, f.Order.ID, "ru", time.UTC, time.Date(2026, 12, 7, 10, 30, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		r := d.Report
		if len(r.Items) != 1 || r.Items[0].Name != items[0].Name || len(r.Items[0].Thumbs) != 3 {
			t.Fatalf("items %d (%+v), want the red one with 3 of its 4 first photos", len(r.Items), r.Items)
		}
		if len(r.Lines) != 1 || r.Lines[0].State != hub.ItemRed || r.Lines[0].Decision != hub.DecisionDeclined || r.Mechanic != "Иван" {
			t.Fatalf("lines %+v", r.Lines)
		}
		if r.WorkOrder != f.Order.Number || r.BranchName != f.Branch.Name || r.Date == "" || r.Total != templates.MoneyText("ru", 100000, "RUB") {
			t.Fatalf("report: %q %q %q %q", r.WorkOrder, r.BranchName, r.Date, r.Total)
		}
		if _, err := inspectionpdf.Render(r); err != nil {
			t.Fatal(err)
		}
	})
}
