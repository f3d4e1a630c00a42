package lockerhub_test

import (
	"html"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/lockerwire"
	"naryad/templates"
)

// Events the kiosk kept while the hub was unreachable reach the thread
// later: each line is dated when it happened at the locker, as the DMS
// feed's occurred_at is, not when the hub heard of it.
func TestLateEventsKeepTheirTimeInTheThread(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		k := newKiosk(t, h, "Main")
		h.PushWorkOrder(t, "wo-1", "ЛК-101", 1, "Принят", nil)
		w := order(t, h, "ЛК-101")
		box := k.boxes[0]
		at := time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Second)
		opened := event("ev-open", lockerwire.EventDoorOpened, box, w.ID)
		opened.Detail, opened.OccurredAt = "dropoff", at
		received := event("ev-keys", lockerwire.EventKeysReceived, box, w.ID)
		received.OccurredAt = at.Add(40 * time.Second)
		k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{opened, received}, Compartments: k.holding(box, lockerwire.StateHeld, w.ID)})

		var lines []hub.Message
		for _, m := range thread(t, h, "ЛК-101") {
			if m.Direction == hub.DirectionSystem && m.Author == "locker" {
				lines = append(lines, m)
			}
		}
		want := []time.Time{opened.OccurredAt, received.OccurredAt}
		if len(lines) != len(want) {
			t.Fatalf("%d locker lines, want %d", len(lines), len(want))
		}
		for i, m := range lines {
			if !m.CreatedAt.Equal(want[i]) {
				t.Errorf("line %q dated %s, want %s (when it happened at the locker)", m.Body, m.CreatedAt.UTC(), want[i])
			}
		}

		// The advisor's thread page shows the locker's time, in the branch's zone.
		const password = "advisor-pass-0123"
		if _, err := staff.AddUser(t.Context(), h.Store, staff.NewUser{Login: "olga", Name: "Ольга", Role: store.RoleAdvisor,
			Password: password, BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		advisor := h.NewClient(t).SignIn("olga", password)
		resp, page := advisor.Do(http.MethodGet, "/inbox/threads/"+strconv.FormatInt(h.Thread(t, "ЛК-101").ID, 10), nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("thread page: %d", resp.StatusCode)
		}
		page = html.UnescapeString(page)
		m := lines[1]
		i := strings.Index(page, `id="m`+strconv.FormatInt(m.ID, 10)+`"`)
		end := strings.Index(page[max(i, 0):], m.Body)
		if i < 0 || end < 0 {
			t.Fatalf("the thread page lacks the line %q", m.Body)
		}
		// The advisor's client reads English: the date as English writes it.
		shown := "<time>" + templates.DateTime("en", received.OccurredAt.In(h.Branch.Location())) + "</time>"
		if item := page[i : i+end]; !strings.Contains(item, shown) {
			t.Errorf("the thread page dates %q otherwise than %s:\n%s", m.Body, shown, item)
		}
	})
}
