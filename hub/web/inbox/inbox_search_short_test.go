package inbox_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// A search of one or two characters searches nothing: the page shows the
// whole list and says that search needs at least three characters, in the
// user's language; three characters search without the note.
func TestInboxSaysASearchIsTooShort(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		if _, err := staff.AddUser(context.Background(), h.Store, staff.NewUser{Login: "anna", Name: "Анна", Role: store.RoleAdvisor,
			Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		h.PushWorkOrder(t, "e1", "АА-1", 1, "Принят", nil)
		advisor := h.NewClient(t).SignIn("anna", "s3cret-pass-word")
		const note = `<p class="hint" role="status">`
		for q, want := range map[string]bool{"А": true, " аа ": true, "АА-1": false, "": false} {
			resp, page := advisor.Do(http.MethodGet, "/inbox?q="+url.QueryEscape(q), nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("q=%q: status %d", q, resp.StatusCode)
			}
			if got := strings.Contains(page, note); got != want {
				t.Errorf("q=%q: note shown %v, want %v", q, got, want)
			}
			if !strings.Contains(page, `data-thread=`) {
				t.Errorf("q=%q: the thread is not listed", q)
			}
		}
	})
}
