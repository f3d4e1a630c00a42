package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// TestStartInspectionOnceWithTheChecklist: fifteen mechanics opening the
// same order at once make one inspection, with one item per checklist row
// named in the branch's language.
func TestStartInspectionOnceWithTheChecklist(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		var wg sync.WaitGroup
		ids := make([]int64, 15)
		errs := make([]error, 15)
		for n := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				i, err := s.StartInspection(ctx, f.Thread, "Ivan")
				ids[n], errs[n] = i.ID, err
			}()
		}
		wg.Wait()
		for n := range ids {
			if errs[n] != nil || ids[n] != ids[0] || ids[0] == 0 {
				t.Fatalf("start %d: id %d (first %d), %v", n, ids[n], ids[0], errs[n])
			}
		}
		items, err := s.InspectionItems(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		want := hub.DefaultChecklist()
		if len(items) != len(want) {
			t.Fatalf("%d items, want %d", len(items), len(want))
		}
		if items[0].Code != want[0].Code || items[0].Name != want[0].Name(f.Branch.Locale) || items[0].Unit != "mm" {
			t.Fatalf("first item %+v", items[0])
		}
	})
}

// TestInspectionEditsMoveTheRevision: an edit, a free item and a photo
// each move the revision; an edit that changes nothing, a retried upload
// and another inspection's item do not, and the last two store nothing.
func TestInspectionEditsMoveTheRevision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		insp, err := s.StartInspection(ctx, f.Thread, "Ivan")
		if err != nil {
			t.Fatal(err)
		}
		items, _ := s.InspectionItems(ctx, insp.ID)
		revision := func() int64 {
			i, err := s.InspectionOf(ctx, f.Order.ID)
			if err != nil {
				t.Fatal(err)
			}
			return i.Revision
		}
		red, value, note := hub.ItemRed, "2.5", "Колодки стёрты"
		it, err := s.EditInspectionItem(ctx, insp.ID, items[5].ID, store.ItemEdit{State: &red, Value: &value, Note: &note, By: "Ivan"})
		if err != nil || it.State != hub.ItemRed || it.Value != "2.5" {
			t.Fatalf("edit: %+v %v", it, err)
		}
		if revision() != 1 {
			t.Fatalf("revision %d after one edit", revision())
		}
		if insp.StartedBy != "" {
			t.Fatalf("opening the inspection named %q its mechanic", insp.StartedBy)
		}
		if got, _ := s.InspectionOf(ctx, f.Order.ID); got.StartedBy != "Ivan" {
			t.Fatalf("the first to record something is its mechanic, got %q", got.StartedBy)
		}
		if _, err := s.EditInspectionItem(ctx, insp.ID, items[5].ID, store.ItemEdit{State: &red, By: "Ivan"}); err != nil || revision() != 1 {
			t.Fatalf("a no-op edit moved the revision to %d (%v)", revision(), err)
		}
		if _, err := s.EditInspectionItem(ctx, insp.ID+1000, items[5].ID, store.ItemEdit{State: &red}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an item of another inspection: %v", err)
		}
		free, err := s.AddFreeItem(ctx, insp.ID, "Сколы на капоте", "", "Ivan")
		if err != nil || free.Code != "free-1" || free.Position != len(items)+1 {
			t.Fatalf("free item %+v %v", free, err)
		}
		m := hub.InspectionMedia{ItemID: items[5].ID, UploadKey: "k1", SHA256: "ab", Name: "pads.jpg", ContentType: "image/jpeg", SizeBytes: 10}
		for n := range 3 {
			again := m
			added, err := s.AddInspectionMedia(ctx, insp.ID, &again)
			if err != nil || added != (n == 0) || again.ID == 0 {
				t.Fatalf("upload %d: added %v id %d, %v", n, added, again.ID, err)
			}
		}
		other := m
		other.ItemID = items[5].ID + 10000
		if _, err := s.AddInspectionMedia(ctx, insp.ID, &other); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("media for a foreign item: %v", err)
		}
		media, _ := s.InspectionMediaOf(ctx, insp.ID)
		if len(media) != 1 || revision() != 3 {
			t.Fatalf("%d media, revision %d", len(media), revision())
		}
		if err := s.DeleteInspectionMedia(ctx, insp.ID, media[0].ID); err != nil || revision() != 4 {
			t.Fatalf("delete: %v, revision %d", err, revision())
		}
		if err := s.DeleteInspectionMedia(ctx, insp.ID, media[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
	})
}
