package demo_test

import (
	"context"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/app/demo"
	"naryad/hub"
	"naryad/hub/store/storetest"
)

// After the demo loads, each demo branch is in the directory with its
// city and takes maintenance bookings: there are free slots within the
// coming month (this month's may all be past on its last evening).
func TestDemoBranchesCanBeBooked(t *testing.T) {
	h := apptest.Start(t, storetest.SQLite(t))
	now := time.Now()
	load(t, h, now)
	ctx := context.Background()
	dir, err := h.Store.BranchDirectory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{demo.BranchCode, demo.PolishBranchCode} {
		var found *hub.DirectoryBranch
		for i := range dir {
			if dir[i].Code == code {
				found = &dir[i]
			}
		}
		if found == nil || found.City == "" || found.Address == "" || len(found.Kinds) == 0 {
			t.Fatalf("branch %s in the directory: %+v", code, found)
		}
		cat, err := h.Store.ServiceCatalogue(ctx, found.ID)
		if err != nil || len(cat) == 0 {
			t.Fatalf("catalogue of %s: %v, %v", code, cat, err)
		}
		free := 0
		for _, month := range []time.Time{now, now.AddDate(0, 1, 0)} {
			slots, err := h.Store.FreeSlots(ctx, found.ID, hub.KindMaintenance, month, now)
			if err != nil {
				t.Fatal(err)
			}
			free += len(slots)
		}
		if free == 0 {
			t.Errorf("branch %s has no maintenance slots this month or next", code)
		}
	}
}
