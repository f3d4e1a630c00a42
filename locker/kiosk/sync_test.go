package kiosk_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"naryad/locker/kiosk"
	"naryad/lockerwire"
)

// The hub down through a drop-off and a pickup, then back, losing one
// answer on the way: every event arrives, and none is stored twice.
func TestEventsQueuedOfflineArriveExactlyOnce(t *testing.T) {
	r := newRig(t)
	r.open()
	r.hub.set(func(h *fakeHub) { h.fail = true })
	r.run()
	lock := r.keysReady()
	r.submit(kiosk.ModePickup, kiosk.Entry{Code: pickupPIN101})
	r.closeDoor(lock, false)
	r.waitScreen(kiosk.ScreenDone)
	r.stop() // from here on, only this test syncs
	if err := r.e.SyncNow(t.Context()); err == nil {
		t.Fatal("sync with the hub down succeeded")
	}
	if len(r.hub.events()) != 0 {
		t.Fatal("the hub got events while down")
	}
	queued := len(r.hub.lastRequest().Events)

	r.hub.set(func(h *fakeHub) { h.fail, h.loseAnswer = false, true })
	if err := r.e.SyncNow(t.Context()); err == nil {
		t.Fatal("lost answer not reported")
	}
	r.sync() // the same batch again: the hub answers it once more
	r.sync()
	if n := len(r.hub.lastRequest().Events); n != 0 {
		t.Fatalf("%d events re-sent after the hub accepted them", n)
	}
	// Run's state_rebuilt may come before or after the first drop-off.
	got := slices.DeleteFunc(r.hub.kinds(), func(k string) bool { return k == lockerwire.EventStateRebuilt })
	want := []string{lockerwire.EventDoorOpened, lockerwire.EventKeysReceived, lockerwire.EventDoorOpened,
		lockerwire.EventKeysTaken, lockerwire.EventDoorOpened, lockerwire.EventKeysReturned, lockerwire.EventDoorOpened, lockerwire.EventKeysCollected}
	if !slices.Equal(got, want) || len(got)+1 != queued || count(r.hub.kinds(), lockerwire.EventStateRebuilt) != 1 {
		t.Fatalf("hub holds %v (%d queued), want %v and state_rebuilt", r.hub.kinds(), queued, want)
	}
	want = append(want, lockerwire.EventStateRebuilt)
	r.hub.mu.Lock()
	deliveries := r.hub.deliveries
	r.hub.mu.Unlock()
	if deliveries != 2*len(want) {
		t.Fatalf("%d deliveries, want each event twice (the lost answer)", deliveries)
	}
}

// Events the hub does not list in Accepted are sent again, oldest first.
func TestUnacceptedEventsAreSentAgain(t *testing.T) {
	r := newRig(t)
	r.open()
	r.hub.set(func(h *fakeHub) { h.fail = true })
	r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode101}) // door_opened
	for range 5 {
		r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: "000000"}) // then pin_lockout
	}
	r.hub.set(func(h *fakeHub) { h.fail, h.acceptMax = false, 1 })
	r.sync()
	if got := r.hub.kinds(); !slices.Equal(got, []string{lockerwire.EventDoorOpened}) {
		t.Fatalf("one accepted of two: %v", got)
	}
	if n := len(r.hub.lastRequest().Events); n != 2 {
		t.Fatalf("first request carried %d events", n)
	}
	r.sync()
	r.sync()
	if got := r.hub.kinds(); !slices.Equal(got, []string{lockerwire.EventDoorOpened, lockerwire.EventPINLockout}) {
		t.Fatalf("in the end: %v", got)
	}
	if n := len(r.hub.lastRequest().Events); n != 0 {
		t.Fatalf("%d events left", n)
	}
}

// A remote opening is carried out once, even when the hub sends it again
// before it hears of it, and across a restart.
func TestRemoteCommandRunsOnce(t *testing.T) {
	r := newRig(t)
	r.hub.state.Commands = []lockerwire.Command{{ID: 7, CompartmentID: 12, Reason: "customer at the desk", By: "anna", At: time.Now()}}
	r.open() // syncs once: the command runs
	if r.unlocks(1) != 1 {
		t.Fatalf("%d unlocks", r.unlocks(1))
	}
	r.hub.set(func(h *fakeHub) { h.loseAnswer = true })
	r.e.SyncNow(t.Context())
	r.sync()
	r.restart()
	r.sync()
	if r.unlocks(1) != 1 {
		t.Fatalf("command ran %d times", r.unlocks(1))
	}
	var remote []lockerwire.Event
	for _, ev := range r.hub.events() {
		if ev.Kind == lockerwire.EventRemoteOpen {
			remote = append(remote, ev)
		}
	}
	if len(remote) != 1 || remote[0].CommandID != 7 || remote[0].Actor != "admin:anna" || remote[0].CompartmentID != 12 {
		t.Fatalf("remote_open events %+v", remote)
	}
	// The box, empty before, closes empty: free again.
	r.run()
	r.closeDoor(1, false)
	r.waitFor("box 12 free", func() bool { return r.box(12).State == lockerwire.StateFree })
}

// A command whose pulse fails is tried again on the hub's next re-send.
func TestRemoteCommandRetriedAfterBoardFailure(t *testing.T) {
	r := newRig(t)
	r.open()
	r.sim.SetOffline(0, true)
	r.hub.set(func(h *fakeHub) {
		h.state.Commands = []lockerwire.Command{{ID: 8, CompartmentID: 11, Reason: "check", By: "anna"}}
	})
	if err := r.e.SyncNow(t.Context()); err == nil {
		t.Fatal("failed remote open not reported")
	}
	if count(r.hub.kinds(), lockerwire.EventRemoteOpen) != 0 {
		t.Fatalf("events %v", r.hub.kinds())
	}
	r.sim.SetOffline(0, false)
	r.sync()
	r.sync()
	if r.unlocks(0) != 1 || count(r.hub.kinds(), lockerwire.EventRemoteOpen) != 1 {
		t.Fatalf("unlocks %d, events %v", r.unlocks(0), r.hub.kinds())
	}
}

// The caches follow the hub: a new staff PIN works after a sync; Known
// lets the hub leave unchanged data out.
func TestCachesFollowTheHub(t *testing.T) {
	r := newRig(t)
	r.open()
	r.sync()
	if r.hub.lastRequest().Known == "" {
		t.Fatal("Known not sent")
	}
	wantScreen(t, r.submit(kiosk.ModeStaff, kiosk.Entry{Code: "5555"}), kiosk.ScreenEntry, kiosk.ProblemWrongCode)
	r.hub.set(func(h *fakeHub) {
		h.state.Staff = append(h.state.Staff, lockerwire.StaffPIN{UserID: 6, Login: "olga", PINSalt: "s6", PINHash: lockerwire.Hash("s6", "5555")})
	})
	r.sync()
	s := r.submit(kiosk.ModeStaff, kiosk.Entry{Code: "5555"})
	if s.Kind != kiosk.ScreenStaffMenu || s.StaffName != "olga" {
		t.Fatalf("new staff PIN: %+v", s)
	}
	site, err := r.e.Site(t.Context())
	if err != nil || site.Name != "Locker A" {
		t.Fatalf("site %+v, %v", site, err)
	}
}

func TestHTTPHub(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != lockerwire.SyncPath || req.Method != http.MethodPost || req.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"unknown kiosk token"}`))
			return
		}
		var in lockerwire.SyncRequest
		if err := json.NewDecoder(req.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		json.NewEncoder(w).Encode(lockerwire.SyncResponse{Accepted: []string{in.Events[0].ID}, Digest: "d1"})
	}))
	defer srv.Close()
	resp, err := kiosk.NewHTTPHub(srv.URL+"/", "tok", nil).Sync(t.Context(), lockerwire.SyncRequest{Events: []lockerwire.Event{{ID: "e1"}}})
	if err != nil || resp.Digest != "d1" || !slices.Equal(resp.Accepted, []string{"e1"}) {
		t.Fatalf("sync: %+v, %v", resp, err)
	}
	_, err = kiosk.NewHTTPHub(srv.URL, "bad", nil).Sync(t.Context(), lockerwire.SyncRequest{})
	if err == nil || !strings.Contains(err.Error(), "unknown kiosk token") {
		t.Fatalf("refused sync: %v", err)
	}
}

// The kiosk keeps the branch's time zone from the hub's answer, so its
// screens show branch times even after a restart while the hub is away.
func TestSiteTimeZoneSurvivesARestartOffline(t *testing.T) {
	r := newRig(t)
	r.hub.set(func(h *fakeHub) { h.state.Site.TimeZone = "Asia/Kamchatka" })
	r.open()
	r.hub.set(func(h *fakeHub) { h.fail = true })
	r.restart()
	if err := r.e.SyncNow(t.Context()); err == nil {
		t.Fatal("sync with the hub down succeeded")
	}
	site, err := r.e.Site(t.Context())
	if err != nil || site.TimeZone != "Asia/Kamchatka" {
		t.Fatalf("site after a restart offline: %+v, %v; want time zone Asia/Kamchatka", site, err)
	}
}
