//go:build linux || darwin

package station_test

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/locker/kiosk"
	"naryad/lockerwire"
	"naryad/templates"
)

const (
	orderA   = "ЛК-201" // dropped off while the hub is down
	orderB   = "ЛК-202" // collected while the hub is down
	staffPIN = "4711"
)

// Issue #6's "done when": the hub stopped, a drop-off and a pickup done at
// the kiosk, the hub started again; every event arrives exactly once and
// shows in the thread, even though one answer of the hub is lost on the way
// back. Real pieces throughout: a hub serving HTTP on loopback, a station
// with the Kerong driver on a pseudo-terminal, the locker set up with the
// admin commands.
func TestKioskOfflineDropOffAndPickupReachTheHubOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		site := addLockerSite(t, h, "Yard", 1)
		addStaffPIN(t, h, "olga", staffPIN)
		hubURL, stopHub := h.ServeAt(t, "127.0.0.1:0")
		line := newHubLine(t, hubURL)
		boards, link := simulateBoards(t, 1)
		st, _ := startStation(t, link, line.URL, site.Token)
		k := &front{t: t, e: st.Engine(), boards: boards}

		// Online: both customers get drop-off codes; B's keys go in, out
		// to the workshop and back for pickup; the DMS reports B ready
		// and paid, and B gets a pickup PIN the kiosk learns.
		h.PushWorkOrder(t, "wo-a-1", orderA, 1, "Принят", nil)
		h.PushWorkOrder(t, "wo-b-1", orderB, 1, "Принят", nil)
		codeA := codeIn(t, threadOf(t, h, orderA), templates.KeyLockerDropOff)
		codeB := codeIn(t, threadOf(t, h, orderB), templates.KeyLockerDropOff)
		k.sync()
		box := k.opens("drop-off of "+orderB, func() error { return k.enter(kiosk.ModeDropOff, codeB) })
		k.shut(box, true, kiosk.ScreenDone)
		if err := k.enter(kiosk.ModeStaff, staffPIN); err != nil || k.e.Screen().Kind != kiosk.ScreenStaffMenu {
			t.Fatalf("staff PIN: %v, screen %+v", err, k.e.Screen())
		}
		held := k.box(orderB, lockerwire.StateHeld)
		box = k.opens("staff take of "+orderB, func() error { return k.e.StaffTake(ctx, held.ID) })
		k.shut(box, false, kiosk.ScreenStaffMenu)
		box = k.opens("staff return of "+orderB, func() error { return k.e.StaffReturn(ctx, orderB) })
		k.shut(box, true, kiosk.ScreenStaffMenu)
		k.e.Home()
		k.sync() // the hub now knows B's keys are back
		h.PushWorkOrder(t, "wo-b-2", orderB, 2, "Готов", map[string]any{"paid": true})
		pin := codeIn(t, threadOf(t, h, orderB), templates.KeyLockerPickupPIN)
		b := workOrder(t, h, orderB)
		k.sync()
		if !pinKnown(line, b.ID, pin) {
			t.Fatalf("the kiosk was not given the pickup PIN sent to the customer; %s", line)
		}

		// The hub goes down. The kiosk still takes A's keys and hands B's
		// over, one pulse per door.
		stopHub()
		if err := h.Server.Close(); err != nil {
			t.Fatal(err)
		}
		if err := k.e.SyncNow(ctx); err == nil {
			t.Fatal("the kiosk synced with the hub stopped")
		}
		unlocks := k.totalUnlocks()
		boxA := k.opens("offline drop-off of "+orderA, func() error { return k.enter(kiosk.ModeDropOff, codeA) })
		if s := k.shut(boxA, true, kiosk.ScreenDone); s.WorkOrderNumber != orderA {
			t.Fatalf("done screen for %q, want %s", s.WorkOrderNumber, orderA)
		}
		boxB := k.opens("offline pickup of "+orderB, func() error { return k.enter(kiosk.ModePickup, pin) })
		if s := k.shut(boxB, false, kiosk.ScreenDone); s.WorkOrderNumber != orderB {
			t.Fatalf("done screen for %q, want %s", s.WorkOrderNumber, orderB)
		}
		k.e.Home()
		if boxA == boxB {
			t.Fatalf("A's keys went into B's box %d", boxA+1)
		}

		// The hub comes back: a new instance on the same database at the
		// same URL. The answer to the first sync that carries the offline
		// events is lost on the way back, so the kiosk sends them again.
		line.loseNextAnswer()
		before := line.answers()
		restarted := h.Another(t)
		restarted.ServeAt(t, strings.TrimPrefix(hubURL, "http://"))
		waitUntil(t, 10*time.Second, line.String, func() bool { return line.caughtUp(before) })
		if line.lostAnswers() != 1 || line.sentAgain() == 0 {
			t.Fatalf("no answer was lost, or nothing was sent again; %s", line)
		}
		if got := k.totalUnlocks(); got != unlocks+2 {
			t.Fatalf("%d unlock pulses since the hub went down, want 2 (one per opening)", got-unlocks)
		}

		hubHasEachEventOnce(t, restarted, site, line.events())
		for range 3 {
			k.sync()
		}
		hubHasEachEventOnce(t, restarted, site, line.events()) // further syncs change nothing

		// The PIN is dead on both sides.
		if _, err := restarted.Store.LiveLockerCode(ctx, b.ID, hub.LockerCodePickup); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the hub still has a live pickup PIN for %s: %v", orderB, err)
		}
		if pinKnown(line, b.ID, pin) {
			t.Fatal("the hub still gives the kiosk the used pickup PIN")
		}
		unlocks = k.totalUnlocks()
		if err := k.enter(kiosk.ModePickup, pin); err != nil {
			t.Fatal(err)
		}
		if s := k.e.Screen(); s.Kind != kiosk.ScreenEntry || s.Problem != kiosk.ProblemWrongCode || k.totalUnlocks() != unlocks {
			t.Fatalf("the used PIN again: screen %s/%q, %d pulses; want it refused as a wrong code", s.Kind, s.Problem, k.totalUnlocks()-unlocks)
		}
	})
}

// hubHasEachEventOnce checks the hub holds every event the kiosk sent
// exactly once: in locker_events, in the threads (a line for staff and a
// message to the customer) and in the DMS change feed.
func hubHasEachEventOnce(t *testing.T, h *apptest.Hub, site lockerSite, sent map[string]string) {
	t.Helper()
	kinds := map[string]int{}
	for _, kind := range sent {
		kinds[kind]++
	}
	want := map[string]int{
		lockerwire.EventStateRebuilt: 1,
		lockerwire.EventDoorOpened:   5, // B in, staff out, staff back, A in, B out
		lockerwire.EventKeysReceived: 2,
		lockerwire.EventKeysTaken:    1, lockerwire.EventKeysReturned: 1, lockerwire.EventKeysCollected: 1,
	}
	if !maps.Equal(kinds, want) {
		t.Fatalf("the kiosk sent %v, want %v", kinds, want)
	}

	stored, err := h.Store.LockerEvents(t.Context(), []int64{site.ID}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(sent) {
		t.Fatalf("the hub stored %d events, the kiosk sent %d", len(stored), len(sent))
	}
	seen := map[string]bool{}
	for _, e := range stored {
		if sent[e.EventUID] != e.Kind || seen[e.EventUID] {
			t.Fatalf("stored event %s (%s): not sent so, or stored twice; sent %v", e.EventUID, e.Kind, sent)
		}
		seen[e.EventUID] = true
	}

	a := threadOf(t, h, orderA)
	if n, m := noteCount(a, "keys received from the customer"), sentCount(a, templates.KeyLockerReceived); n != 1 || m != 1 {
		t.Fatalf("%s: %d \"keys received\" lines and %d %s messages, want 1 and 1", orderA, n, m, templates.KeyLockerReceived)
	}
	b := threadOf(t, h, orderB)
	if n, m := noteCount(b, "keys collected by the customer"), sentCount(b, templates.KeyLockerCollected); n != 1 || m != 1 {
		t.Fatalf("%s: %d \"keys collected\" lines and %d %s messages, want 1 and 1", orderB, n, m, templates.KeyLockerCollected)
	}
	if n := sentCount(b, templates.KeyLockerPickupPIN); n != 1 {
		t.Fatalf("%s: %d pickup PINs sent, want 1", orderB, n)
	}

	feed := lockerFeed(t, h)
	if len(feed) != len(sent) {
		t.Fatalf("the DMS feed has %d locker events, the kiosk sent %d", len(feed), len(sent))
	}
	for id, n := range feed {
		if _, ok := sent[id]; !ok || n != 1 {
			t.Fatalf("the DMS feed has event %s %d times (sent by the kiosk: %t)", id, n, ok)
		}
	}
}

// pinKnown tells whether the hub last told the kiosk a pickup PIN for the
// work order that matches pin.
func pinKnown(line *hubLine, workOrderID int64, pin string) bool {
	w, ok := line.workOrder(workOrderID)
	return ok && w.PickupHash != "" && lockerwire.Matches(w.PickupHash, w.PickupSalt, pin)
}
