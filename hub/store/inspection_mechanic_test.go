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

// TestAddFreeItemOnce: fifteen taps on "add" with the same name add one
// item (a sixteenth moves no revision); another name adds another.
func TestAddFreeItemOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		insp, err := s.StartInspection(ctx, f.Thread, "Ivan")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		ids := make([]int64, 15)
		errs := make([]error, 15)
		var mu sync.Mutex
		added := 0
		for n := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				item, ok, err := s.AddFreeItemOnce(ctx, insp.ID, "Скол на стекле", "", "Ivan")
				ids[n], errs[n] = item.ID, err
				if ok {
					mu.Lock()
					added++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		for n := range ids {
			if errs[n] != nil || ids[n] != ids[0] || ids[0] == 0 {
				t.Fatalf("add %d: id %d (first %d), %v", n, ids[n], ids[0], errs[n])
			}
		}
		after, err := s.InspectionOf(ctx, f.Order.ID)
		if err != nil || added != 1 || after.Revision <= insp.Revision {
			t.Fatalf("added %d times, revision %d → %d, %v", added, insp.Revision, after.Revision, err)
		}
		// One more tap: nothing added, the revision stays.
		if _, ok, err := s.AddFreeItemOnce(ctx, insp.ID, "Скол на стекле", "", "Ivan"); ok || err != nil {
			t.Fatalf("tap 16 added %v %v", ok, err)
		}
		if again, _ := s.InspectionOf(ctx, f.Order.ID); again.Revision != after.Revision {
			t.Fatalf("a tap that added nothing moved the revision %d → %d", after.Revision, again.Revision)
		}
		other, ok, err := s.AddFreeItemOnce(ctx, insp.ID, "Вмятина", "mm", "Ivan")
		if err != nil || !ok || other.ID == ids[0] || other.Code != hub.FreeItemPrefix+"2" {
			t.Fatalf("second free item %+v %v %v", other, ok, err)
		}
	})
}

// TestStaffInspectionMediaIsBranchChecked: staff of the inspection's
// branch get the file; anyone else, or a made-up id, ErrNotFound.
func TestStaffInspectionMediaIsBranchChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		insp, err := s.StartInspection(ctx, f.Thread, "Ivan")
		if err != nil {
			t.Fatal(err)
		}
		items, err := s.InspectionItems(ctx, insp.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := hub.InspectionMedia{ItemID: items[0].ID, UploadKey: "k1", SHA256: "aa", Name: "a.jpg", ContentType: "image/jpeg", SizeBytes: 3}
		if _, err := s.AddInspectionMedia(ctx, insp.ID, &m); err != nil {
			t.Fatal(err)
		}
		got, err := s.StaffInspectionMedia(ctx, []int64{f.Branch.ID}, m.ID)
		if err != nil || got.ID != m.ID || got.SHA256 != "aa" {
			t.Fatalf("own branch: %+v %v", got, err)
		}
		for _, tc := range []struct {
			branches []int64
			id       int64
		}{{[]int64{f.Branch.ID + 1000}, m.ID}, {nil, m.ID}, {[]int64{f.Branch.ID}, m.ID + 1000}} {
			if _, err := s.StaffInspectionMedia(ctx, tc.branches, tc.id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("branches %v media %d: %v, want ErrNotFound", tc.branches, tc.id, err)
			}
		}
	})
}
