package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// TestSetChecklistReplacesWhole: fifteen saves at once leave exactly one
// of them (never a mix); a refused list stores nothing; an empty list puts
// the branch back on the default.
func TestSetChecklistReplacesWhole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		var wg sync.WaitGroup
		errs := make([]error, 15)
		for n := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				list := make([]hub.ChecklistItem, n+1)
				for i := range list {
					list[i] = hub.ChecklistItem{Code: fmt.Sprintf("item_%d", i), NameRu: fmt.Sprintf("Пункт %d из %d", i, n+1)}
				}
				errs[n] = s.SetChecklist(ctx, f.Branch.ID, list)
			}()
		}
		wg.Wait()
		for n, err := range errs {
			if err != nil {
				t.Fatalf("save %d: %v", n, err)
			}
		}
		got, err := s.Checklist(ctx, f.Branch.ID)
		if err != nil || len(got) == 0 || got[0].ID == 0 {
			t.Fatalf("stored %+v %v", got, err)
		}
		for i, it := range got {
			if want := fmt.Sprintf("Пункт %d из %d", i, len(got)); it.NameRu != want || it.Position != i+1 || it.NameEn != want {
				t.Fatalf("a mix of saves: item %d is %+v, want %q", i, it, want)
			}
		}
		for name, list := range map[string][]hub.ChecklistItem{
			"code":  {{Code: "Tyre", NameRu: "x"}},
			"twice": {{Code: "a", NameRu: "x"}, {Code: "a", NameRu: "y"}},
			"no ru": {{Code: "a", NameEn: "x"}},
			"utf-8": {{Code: "a", NameRu: "\xff"}},
			"unit":  {{Code: "a", NameRu: "x", Unit: "millimetres of tread"}},
		} {
			if err := s.SetChecklist(ctx, f.Branch.ID, list); !errors.Is(err, store.ErrChecklist) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if again, _ := s.Checklist(ctx, f.Branch.ID); len(again) != len(got) {
			t.Fatalf("a refused list changed the stored one: %d items, was %d", len(again), len(got))
		}
		if err := s.SetChecklist(ctx, f.Branch.ID, nil); err != nil {
			t.Fatal(err)
		}
		if def, _ := s.Checklist(ctx, f.Branch.ID); len(def) != len(hub.DefaultChecklist()) || def[0].ID != 0 {
			t.Fatalf("after an empty save: %d items", len(def))
		}
	})
}
