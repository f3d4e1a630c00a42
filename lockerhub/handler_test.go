package lockerhub_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/lockerhub"
	"naryad/lockerwire"
)

// Every refused sync leaves nothing behind: no event, no change, no
// message, no mirror, no last sync time.
func TestSyncRefusals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		k := newKiosk(t, h, "Main")
		revoked := newKiosk(t, h, "Old")
		if err := h.Store.RevokeLockerSite(ctx, revoked.site.ID); err != nil {
			t.Fatal(err)
		}
		h.PushWorkOrder(t, "wo-1", "ЛК-101", 1, "Принят", nil)
		w := order(t, h, "ЛК-101")
		other := hub.Branch{Code: "SPB1", Name: "СПб", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := h.Store.CreateBranch(ctx, &other); err != nil {
			t.Fatal(err)
		}
		elsewhere := hub.WorkOrder{NodeID: h.Node.ID, BranchID: other.ID, Number: "СП-1", Version: 1, OpenedAt: time.Now()}
		if _, err := h.Store.SaveWorkOrder(ctx, &elsewhere); err != nil {
			t.Fatal(err)
		}
		lastSeq, err := h.Store.LastSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		before := len(thread(t, h, "ЛК-101"))

		good := event("ev-ok", lockerwire.EventKeysReceived, k.boxes[0], w.ID)
		body := func(events ...lockerwire.Event) []byte {
			// The good event first: a refusal must not keep it either.
			raw, err := json.Marshal(lockerwire.SyncRequest{Events: append([]lockerwire.Event{good}, events...), Compartments: k.holding(k.boxes[0], lockerwire.StateHeld, w.ID)})
			if err != nil {
				t.Fatal(err)
			}
			return raw
		}
		with := func(edit func(e *lockerwire.Event)) lockerwire.Event {
			e := event("ev-bad", lockerwire.EventDoorOpened, k.boxes[1], w.ID)
			edit(&e)
			return e
		}
		tooMany := make([]lockerwire.Event, lockerwire.MaxEvents)
		for i := range tooMany {
			tooMany[i] = event(fmt.Sprintf("ev-%d", i), lockerwire.EventDoorOpened, k.boxes[1], 0)
		}
		foreignBox := revoked.boxes[0]

		tests := []struct {
			name   string
			token  string
			body   []byte
			status int
			want   string
		}{
			{"no token", "", body(), http.StatusUnauthorized, "missing bearer token"},
			{"unknown token", "nope", body(), http.StatusUnauthorized, "unknown or revoked"},
			{"revoked site", revoked.token, body(), http.StatusUnauthorized, "unknown or revoked"},
			{"malformed JSON", k.token, []byte(`{"events": [`), http.StatusBadRequest, "unexpected end of JSON input"},
			{"wrong type", k.token, []byte(`{"events": {}}`), http.StatusBadRequest, "cannot unmarshal object"},
			{"too large", k.token, []byte(`{"known": "` + strings.Repeat("a", lockerhub.MaxBodyBytes) + `"}`), http.StatusRequestEntityTooLarge, "over the limit"},
			{"too many events", k.token, body(tooMany...), http.StatusBadRequest, "201 events in one request; the limit is 200"},
			{"empty id", k.token, body(with(func(e *lockerwire.Event) { e.ID = "" })), http.StatusBadRequest, `events[1] (id ""): id is empty`},
			{"long id", k.token, body(with(func(e *lockerwire.Event) { e.ID = strings.Repeat("x", 65) })), http.StatusBadRequest, "longer than 64"},
			{"unknown kind", k.token, body(with(func(e *lockerwire.Event) { e.Kind = "exploded" })), http.StatusBadRequest, `events[1] (id "ev-bad"): unknown kind "exploded"`},
			{"no time", k.token, body(with(func(e *lockerwire.Event) { e.OccurredAt = time.Time{} })), http.StatusBadRequest, "occurred_at is missing"},
			{"another locker's box", k.token, body(with(func(e *lockerwire.Event) { e.CompartmentID = foreignBox.ID })), http.StatusBadRequest, "not a compartment of this locker"},
			{"another branch's work order", k.token, body(with(func(e *lockerwire.Event) { e.WorkOrderID = elsewhere.ID })), http.StatusBadRequest, "not a work order of this locker's branch"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				k.refused(t, tt.token, tt.body, tt.status, tt.want)
			})
		}

		badState := lockerwire.SyncRequest{Events: []lockerwire.Event{good}, Compartments: []lockerwire.CompartmentState{{ID: k.boxes[0].ID, State: "melted"}}}
		raw, _ := json.Marshal(badState)
		k.refused(t, k.token, raw, http.StatusBadRequest, `unknown state "melted"`)

		if events, _ := h.Store.LockerEvents(ctx, []int64{k.site.ID, revoked.site.ID}, 10); len(events) != 0 {
			t.Fatalf("refused syncs stored events: %+v", events)
		}
		if seq, _ := h.Store.LastSeq(ctx); seq != lastSeq {
			t.Fatalf("refused syncs added changes: %d → %d", lastSeq, seq)
		}
		if after := len(thread(t, h, "ЛК-101")); after != before {
			t.Fatalf("refused syncs wrote to the thread: %d → %d messages", before, after)
		}
		boxes, _ := h.Store.LockerCompartments(ctx, k.site.ID)
		if boxes[0].State != lockerwire.StateFree {
			t.Fatalf("a refused sync was mirrored: %+v", boxes[0])
		}
		if s, _ := h.Store.LockerSite(ctx, k.site.ID); s.LastSyncAt != nil {
			t.Fatalf("a refused sync counted as a sync: %v", s.LastSyncAt)
		}

		// The same good event alone goes through.
		if resp := k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{good}}); len(resp.Accepted) != 1 {
			t.Fatalf("accepted %v", resp.Accepted)
		}
	})
}
