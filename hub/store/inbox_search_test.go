package store_test

import (
	"context"
	"slices"
	"testing"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// Substrings of every key find the thread (msk: ЗН-0001234, А123ВС77, VIN
// XTA21099012345678, Иванов Пётр +79161234567; other: +48601234567), and
// nothing that does not hold the substring is returned.
func TestInboxSearchFindsSubstrings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newInboxWorld(t, s)
		msk := []int64{w.msk.Branch.ID}
		mine, other, both := []int64{w.msk.Thread.ID}, []int64{w.other.ID}, []int64{w.other.ID, w.msk.Thread.ID}
		for q, want := range map[string][]int64{
			"0001234":      mine,  // the middle of a work-order number
			"н-00012":      mine,  // …in any case, Cyrillic
			"23вс":         mine,  // the middle of a plate, Cyrillic typed in lower case
			"23 BC 7":      mine,  // …Latin look-alikes, spaces
			"345678":       mine,  // a VIN's last six
			"2109901":      mine,  // …and its middle
			"вано":         mine,  // a part of a name
			"ОВ ПЁ":        mine,  // across words, upper case with Ё
			"(916) 123-45": mine,  // a phone's middle in a national format
			"1234567":      both,  // a run of digits both phones hold
			"601 234":      other, // a Polish number's middle
			"+48 601":      other,
			"Ив":           both, // short: no search, the whole list
			"ЗН":           both,
		} {
			if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: msk, Search: q}); !slices.Equal(got, want) {
				t.Errorf("search %q: %v, want %v", q, got, want)
			}
		}
		for _, q := range []string{"1235", "вс78", "1_34", "12%4", "ванов_", "Смирнов", "zzz"} {
			if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: msk, Search: q}); len(got) != 0 {
				t.Errorf("search %q found %v, want nothing", q, got)
			}
		}
		// The same customer and car have a thread in spb: found there only.
		if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: []int64{w.spb.Branch.ID}, Search: "23вс"}); !slices.Equal(got, []int64{w.spb.Thread.ID}) {
			t.Errorf("search in spb: %v", got)
		}
	})
}

// Search combines with the filters and pages like the plain list.
func TestInboxSearchWithFiltersAndPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newInboxWorld(t, s)
		msk := []int64{w.msk.Branch.ID}
		first := inboxIDs(t, s, store.InboxQuery{BranchIDs: msk, Search: "1234567", Limit: 1})
		if !slices.Equal(first, []int64{w.other.ID}) {
			t.Fatalf("first page: %v", first)
		}
		rows, err := s.InboxThreads(context.Background(), store.InboxQuery{BranchIDs: msk, Search: "1234567", Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		cursor := rows[0].Cursor()
		if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: msk, Search: "1234567", Limit: 1, Before: &cursor}); !slices.Equal(got, []int64{w.msk.Thread.ID}) {
			t.Errorf("second page: %v", got)
		}
		if err := s.SetThreadState(context.Background(), w.msk.Thread.ID, "resolved"); err != nil {
			t.Fatal(err)
		}
		if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: msk, Search: "1234567"}); !slices.Equal(got, []int64{w.other.ID}) {
			t.Errorf("active filter: %v", got)
		}
		if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: msk, Search: "1234567", Filter: store.FilterResolved}); !slices.Equal(got, []int64{w.msk.Thread.ID}) {
			t.Errorf("resolved filter: %v", got)
		}
	})
}

// A renamed customer, a corrected plate and a changed phone are found by
// their new values at once, and no longer by the old ones.
func TestInboxSearchFollowsEdits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newInboxWorld(t, s)
		msk := []int64{w.msk.Branch.ID}
		if _, err := s.UpsertCustomer(ctx, store.CustomerData{NodeID: w.msk.Node.ID, ExternalID: "c1", Name: "Смирнова Анна", Phones: []string{"+79035550011"}}); err != nil {
			t.Fatal(err)
		}
		cid := w.customerID
		if _, err := s.UpsertVehicle(ctx, store.VehicleData{NodeID: w.msk.Node.ID, ExternalID: "v1", CustomerID: &cid, VIN: "XTA21099012345678", Plate: "В777ОР77"}); err != nil {
			t.Fatal(err)
		}
		mine := []int64{w.msk.Thread.ID}
		for _, q := range []string{"мирнова", "777ор", "B777OP", "5550011"} {
			if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: msk, Search: q}); !slices.Equal(got, mine) {
				t.Errorf("search %q after the edit: %v, want %v", q, got, mine)
			}
		}
		for _, q := range []string{"вано", "23вс"} {
			if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: msk, Search: q}); len(got) != 0 {
				t.Errorf("search %q after the edit found %v", q, got)
			}
		}
	})
}
