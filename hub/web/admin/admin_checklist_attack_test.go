package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/store"
)

// Fifteen admins saving fifteen different lists at once: each save is
// whole, the stored list is one of them, never a mix.
func TestAttackChecklistSavesAtOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		path := fmt.Sprintf("/admin/branches/%d/checklist", h.Branch.ID)
		admin := signIn(t, h, "root", store.RoleAdmin)
		var wg sync.WaitGroup
		codes := make([]int, 15)
		for n := range codes {
			form := url.Values{"rows": {"3"}}
			for i := range 3 {
				form.Set(fmt.Sprintf("code-%d", i), fmt.Sprintf("c%d_%d", n, i))
				form.Set(fmt.Sprintf("ru-%d", i), fmt.Sprintf("Пункт %d", n))
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, _ := admin.Post(path, form)
				codes[n] = resp.StatusCode
			}()
		}
		wg.Wait()
		for n, c := range codes {
			if c != http.StatusSeeOther {
				t.Errorf("save %d: %d", n, c)
			}
		}
		list, err := h.Store.Checklist(t.Context(), h.Branch.ID)
		if err != nil || len(list) != 3 {
			t.Fatalf("%d items, %v", len(list), err)
		}
		for _, it := range list {
			if it.NameRu != list[0].NameRu {
				t.Fatalf("a mix of two saves: %+v", list)
			}
		}
	})
}
