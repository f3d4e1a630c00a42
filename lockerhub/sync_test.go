package lockerhub_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/lockerwire"
)

// A kiosk that lost the hub's answer sends the same batch again: the hub
// stores nothing twice, tells the customer once, and still accepts both.
func TestSyncStoresEachEventOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		k := newKiosk(t, h, "Main")
		h.PushWorkOrder(t, "wo-1", "ЛК-101", 1, "Принят", nil)
		w := order(t, h, "ЛК-101")
		box := k.boxes[2]
		req := lockerwire.SyncRequest{
			Events: []lockerwire.Event{
				event("ev-open", lockerwire.EventDoorOpened, box, w.ID),
				event("ev-keys", lockerwire.EventKeysReceived, box, w.ID),
			},
			Compartments: k.holding(box, lockerwire.StateHeld, w.ID),
		}
		req.Events[0].Detail = "dropoff"
		for range 2 {
			resp := k.sync(t, req)
			if !slices.Equal(resp.Accepted, []string{"ev-open", "ev-keys"}) {
				t.Fatalf("accepted %v", resp.Accepted)
			}
		}

		msgs := thread(t, h, "ЛК-101")
		wantNotes := []string{
			`Locker «Main», box 17: door opened for a drop-off.`,
			`Locker «Main», box 17: keys received from the customer.`,
		}
		if got := notes(msgs); !slices.Equal(got, wantNotes) {
			t.Fatalf("thread lines %q, want %q", got, wantNotes)
		}
		if got := sent(msgs); count(got, "locker.received") != 1 {
			t.Fatalf("messages to the customer %v; want one locker.received", got)
		}
		events, err := h.Store.LockerEvents(t.Context(), []int64{k.site.ID}, 10)
		if err != nil || len(events) != 2 {
			t.Fatalf("stored events %d, %v; want 2", len(events), err)
		}

		status, page := h.Get(t, "/api/dms/v1/changes?after=0")
		if status != 200 {
			t.Fatalf("changes: %d %v", status, page)
		}
		var lockerChanges []map[string]any
		for _, c := range page["changes"].([]any) {
			if c := c.(map[string]any); c["type"] == hub.ChangeLockerEvent {
				lockerChanges = append(lockerChanges, c)
			}
		}
		if len(lockerChanges) != 2 {
			t.Fatalf("locker_event changes: %v; want 2", lockerChanges)
		}
		c := lockerChanges[1]
		data := c["data"].(map[string]any)
		comp, _ := data["compartment"].(map[string]any)
		site, _ := data["site"].(map[string]any)
		if c["work_order_number"] != "ЛК-101" || data["event_id"] != "ev-keys" || data["kind"] != lockerwire.EventKeysReceived ||
			data["actor"] != "customer" || data["occurred_at"] == nil ||
			site["name"] != "Main" || site["id"] != float64(k.site.ID) ||
			comp["label"] != "17" || comp["board"] != float64(1) || comp["lock"] != float64(1) || comp["id"] != float64(box.ID) {
			raw, _ := json.Marshal(c)
			t.Fatalf("change = %s", raw)
		}

		got, err := h.Store.LockerCompartments(t.Context(), k.site.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got[2].State != lockerwire.StateHeld || got[2].WorkOrderID == nil || *got[2].WorkOrderID != w.ID || !got[2].Item {
			t.Fatalf("mirror of box 17 = %+v", got[2])
		}
		if s, _ := h.Store.LockerSite(t.Context(), k.site.ID); s.LastSyncAt == nil {
			t.Fatal("last sync not recorded")
		}
	})
}

// The customer of a new work order gets a drop-off code only when the
// branch has a locker, after the status message, and only once.
func TestDropOffCode(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		h.PushWorkOrder(t, "wo-1", "ЛК-101", 1, "Принят", nil)
		if got := sent(thread(t, h, "ЛК-101")); count(got, "locker.dropoff") != 0 {
			t.Fatalf("a branch without a locker sent %v", got)
		}

		k := newKiosk(t, h, "Main")
		h.PushWorkOrder(t, "wo-2", "ЛК-102", 1, "Принят", nil)
		h.PushWorkOrder(t, "wo-2b", "ЛК-102", 2, "В работе", nil)
		msgs := thread(t, h, "ЛК-102")
		if got, want := sent(msgs), []string{"status.received", "estimate.request", "locker.dropoff", "status.in_progress"}; !slices.Equal(got, want) {
			t.Fatalf("messages %v, want %v", got, want)
		}
		code := codeOf(t, msgs, "locker.dropoff")

		resp := k.sync(t, lockerwire.SyncRequest{})
		w := workOrderIn(t, resp, order(t, h, "ЛК-102").ID)
		if !lockerwire.Matches(w.DropOffHash, w.DropOffSalt, code) || w.PickupHash != "" {
			t.Fatalf("the kiosk cannot match the code sent: %+v", w)
		}
		if old := workOrderIn(t, resp, order(t, h, "ЛК-101").ID); old.DropOffHash != "" {
			t.Fatalf("an order from before the locker has a drop-off code: %+v", old)
		}
		// The customer may type the work order number and their phone's
		// last digits instead (PushWorkOrder's customer: +79161234567).
		if !lockerwire.Matches(w.OrderKeyHash, w.OrderKeySalt, lockerwire.OrderKey("ЛК-102", "4567")) {
			t.Fatalf("order key does not match: %+v", w)
		}
	})
}

// The Digest round trip: a kiosk that has the current state gets only what
// may change at any moment; a change anywhere sends everything again.
func TestSyncUnchanged(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		k := newKiosk(t, h, "Main")
		h.PushWorkOrder(t, "wo-1", "ЛК-101", 1, "Принят", nil)
		first := k.sync(t, lockerwire.SyncRequest{})
		if first.Unchanged || first.Digest == "" || len(first.Compartments) != 4 || len(first.WorkOrders) != 1 ||
			first.Site.Name != "Main" || first.Site.Branch != h.Branch.Name || first.Site.Locale != "ru" || first.Site.Phone != h.Branch.Phone || first.ServerTime.IsZero() {
			t.Fatalf("first answer = %+v", first)
		}
		if c := first.Compartments[2]; c.Board != 1 || c.Lock != 1 || c.Label != "17" || c.Size != lockerwire.SizeM {
			t.Fatalf("compartment = %+v", c)
		}

		again := k.sync(t, lockerwire.SyncRequest{Known: first.Digest})
		if !again.Unchanged || again.Digest != first.Digest || again.WorkOrders != nil || again.Compartments != nil || again.Staff != nil || again.Site != (lockerwire.Site{}) {
			t.Fatalf("answer to a kiosk up to date = %+v", again)
		}

		h.PushWorkOrder(t, "wo-2", "ЛК-102", 1, "Принят", nil)
		changed := k.sync(t, lockerwire.SyncRequest{Known: first.Digest})
		if changed.Unchanged || changed.Digest == first.Digest || len(changed.WorkOrders) != 2 {
			t.Fatalf("answer after a new work order = %+v", changed)
		}
	})
}

// Alarms open on an alarm event and close on the event that resolves
// them; a remote opening is done once the kiosk reports it.
func TestAlarmsAndCommands(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		k := newKiosk(t, h, "Main")
		admin := adminUser(t, h)
		cmd := hub.LockerCommand{SiteID: k.site.ID, CompartmentID: k.boxes[1].ID, Reason: "customer locked out", UserID: admin.ID, Login: admin.Login}
		if err := h.Store.CreateLockerCommand(ctx, &cmd); err != nil {
			t.Fatal(err)
		}
		resp := k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{
			event("ev-1", lockerwire.EventDoorLeftOpen, k.boxes[0], 0),
			event("ev-2", lockerwire.EventBoardOffline, k.boxes[2], 0),
		}})
		if len(resp.Commands) != 1 || resp.Commands[0].ID != cmd.ID || resp.Commands[0].By != "boss" || resp.Commands[0].Reason != cmd.Reason {
			t.Fatalf("commands = %+v", resp.Commands)
		}
		open, err := h.Store.LockerAlarms(ctx, []int64{k.site.ID}, true)
		if err != nil || len(open) != 2 {
			t.Fatalf("open alarms %+v, %v; want 2", open, err)
		}

		remote := event("ev-3", lockerwire.EventRemoteOpen, k.boxes[1], 0)
		remote.CommandID, remote.Actor = cmd.ID, "admin:boss"
		resp = k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{
			event("ev-4", lockerwire.EventDoorClosed, k.boxes[0], 0),
			remote,
			event("ev-5", lockerwire.EventBoardOnline, k.boxes[3], 0),
		}})
		if len(resp.Commands) != 0 {
			t.Fatalf("a done command is still sent: %+v", resp.Commands)
		}
		if open, _ := h.Store.LockerAlarms(ctx, []int64{k.site.ID}, true); len(open) != 0 {
			t.Fatalf("alarms still open: %+v", open)
		}
		all, _ := h.Store.LockerAlarms(ctx, []int64{k.site.ID}, false)
		for _, a := range all {
			if a.ClearedBy != "kiosk" {
				t.Fatalf("alarm cleared by %q", a.ClearedBy)
			}
		}
	})
}

func TestDescribedEventsNameTheActor(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		k := newKiosk(t, h, "Main")
		h.PushWorkOrder(t, "wo-1", "ЛК-101", 1, "Принят", nil)
		w := order(t, h, "ЛК-101")
		taken := event("ev-1", lockerwire.EventKeysTaken, k.boxes[0], w.ID)
		taken.Actor = "staff:ivanov"
		k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{taken}})
		got := notes(thread(t, h, "ЛК-101"))
		if len(got) != 1 || !strings.Contains(got[0], "keys taken out by staff (staff ivanov)") {
			t.Fatalf("thread lines %q", got)
		}
	})
}
