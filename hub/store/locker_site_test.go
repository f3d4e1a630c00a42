package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/lockerwire"
)

// newLockerSite stores a site of the branch with boards×16 compartments
// labelled 1…16×boards.
func newLockerSite(t *testing.T, s *store.Store, branchID int64, name string, boards int) (hub.LockerSite, []hub.LockerCompartment) {
	t.Helper()
	site := hub.LockerSite{BranchID: branchID, Name: name, TokenHash: "hash-" + name + fmt.Sprint(branchID)}
	var comps []hub.LockerCompartment
	// Stored in reverse so the listing order is the store's doing.
	for b := boards - 1; b >= 0; b-- {
		for l := 16; l >= 1; l-- {
			comps = append(comps, hub.LockerCompartment{Board: b, Lock: l, Label: fmt.Sprint(b*16 + l)})
		}
	}
	if err := s.CreateLockerSite(t.Context(), &site, comps); err != nil {
		t.Fatal(err)
	}
	return site, comps
}

func TestLockerSites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		site, comps := newLockerSite(t, s, f.Branch.ID, "Main", 2)
		if site.ID == 0 || site.CreatedAt.IsZero() || comps[0].ID == 0 {
			t.Fatalf("ids not filled: %+v %+v", site, comps[0])
		}

		got, err := s.LockerSiteByTokenHash(ctx, site.TokenHash)
		if err != nil || got.ID != site.ID || got.Name != "Main" || got.BranchID != f.Branch.ID {
			t.Fatalf("by token: %+v %v", got, err)
		}
		if _, err := s.LockerSiteByTokenHash(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}

		list, err := s.LockerCompartments(ctx, site.ID)
		if err != nil || len(list) != 32 {
			t.Fatalf("compartments: %d %v", len(list), err)
		}
		for i, c := range list {
			if c.Board != i/16 || c.Lock != i%16+1 || c.Label != fmt.Sprint(i+1) {
				t.Fatalf("compartment %d out of order: board %d lock %d label %s", i, c.Board, c.Lock, c.Label)
			}
			if c.State != lockerwire.StateFree || c.Size != "M" || !c.DoorClosed || c.Item || c.WorkOrderID != nil || c.StateSince.IsZero() || c.UpdatedAt.IsZero() {
				t.Fatalf("compartment %d not a fresh free box: %+v", i, c)
			}
		}

		dup := hub.LockerSite{BranchID: f.Branch.ID, Name: "Main", TokenHash: "other"}
		if err := s.CreateLockerSite(ctx, &dup, []hub.LockerCompartment{{Board: 0, Lock: 1, Label: "1"}}); err == nil {
			t.Fatal("second site with the same name at the branch accepted")
		}
		bad := hub.LockerSite{BranchID: f.Branch.ID, Name: "Bad", TokenHash: "bad"}
		if err := s.CreateLockerSite(ctx, &bad, []hub.LockerCompartment{{Board: 0, Lock: 17, Label: "17"}}); err == nil {
			t.Fatal("lock 17 accepted")
		}

		other := hub.Branch{Code: "spb1", Name: "Питер", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := s.CreateBranch(ctx, &other); err != nil {
			t.Fatal(err)
		}
		otherSite, _ := newLockerSite(t, s, other.ID, "Spb", 1)
		sites, err := s.LockerSites(ctx, []int64{f.Branch.ID})
		if err != nil || len(sites) != 1 || sites[0].ID != site.ID {
			t.Fatalf("sites of msk1 (the failed ones must have left nothing): %+v %v", sites, err)
		}
		if all, err := s.LockerSites(ctx, []int64{f.Branch.ID, other.ID}); err != nil || len(all) != 2 {
			t.Fatalf("sites of both branches: %+v %v", all, err)
		}
		if none, err := s.LockerSites(ctx, nil); err != nil || len(none) != 0 {
			t.Fatalf("no branches must list no sites: %+v %v", none, err)
		}

		if err := s.RevokeLockerSite(ctx, otherSite.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeLockerSite(ctx, otherSite.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoking twice: %v", err)
		}
		if _, err := s.LockerSiteByTokenHash(ctx, otherSite.TokenHash); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoked token still works: %v", err)
		}
		if sites, _ := s.LockerSites(ctx, []int64{other.ID}); len(sites) != 0 {
			t.Fatalf("revoked site listed: %+v", sites)
		}
		if got, err := s.LockerSite(ctx, otherSite.ID); err != nil || got.RevokedAt == nil {
			t.Fatalf("revoked site by id: %+v %v", got, err)
		}
	})
}

func TestLockerStaffPINs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		other := hub.Branch{Code: "spb1", Name: "Питер", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := s.CreateBranch(ctx, &other); err != nil {
			t.Fatal(err)
		}
		user := func(login string, branch int64) store.User {
			u := store.User{Login: login, Name: "N " + login, Role: store.RoleMechanic, PasswordHash: "x"}
			if err := s.CreateUser(ctx, &u, []int64{branch}); err != nil {
				t.Fatal(err)
			}
			return u
		}
		bob, ann, gone, far := user("bob", f.Branch.ID), user("ann", f.Branch.ID), user("gone", f.Branch.ID), user("far", other.ID)
		user("nopin", f.Branch.ID)
		for _, u := range []store.User{bob, ann, gone, far} {
			if err := s.SetLockerStaffPIN(ctx, u.ID, "salt1", "hash1"); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetLockerStaffPIN(ctx, bob.ID, "salt2", "hash2"); err != nil {
			t.Fatal(err)
		}
		if err := s.Gorm(ctx).Model(&store.User{}).Where("id = ?", gone.ID).Update("disabled_at", time.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
		rows, err := s.LockerStaffPINs(ctx, f.Branch.ID)
		want := []store.LockerStaffPINRow{
			{UserID: ann.ID, Login: "ann", Name: "N ann", Salt: "salt1", Hash: "hash1"},
			{UserID: bob.ID, Login: "bob", Name: "N bob", Salt: "salt2", Hash: "hash2"},
		}
		if err != nil || fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Fatalf("pins %+v %v, want %+v", rows, err, want)
		}
	})
}

func TestLockerCommands(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		admin := store.User{Login: "boss", Role: store.RoleAdmin, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &admin, []int64{f.Branch.ID}); err != nil {
			t.Fatal(err)
		}
		site, comps := newLockerSite(t, s, f.Branch.ID, "Main", 1)
		otherSite, otherComps := newLockerSite(t, s, f.Branch.ID, "Yard", 1)

		foreign := hub.LockerCommand{SiteID: site.ID, CompartmentID: otherComps[0].ID, Reason: "x", UserID: admin.ID, Login: admin.Login}
		if err := s.CreateLockerCommand(ctx, &foreign); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("command for another site's compartment: %v", err)
		}
		var made []int64
		for i, reason := range []string{"customer lost PIN", "sensor check"} {
			c := hub.LockerCommand{SiteID: site.ID, CompartmentID: comps[i].ID, Reason: reason, UserID: admin.ID, Login: admin.Login}
			if err := s.CreateLockerCommand(ctx, &c); err != nil || c.ID == 0 || c.CreatedAt.IsZero() {
				t.Fatalf("create: %+v %v", c, err)
			}
			made = append(made, c.ID)
		}
		if err := s.Gorm(ctx).Model(&hub.LockerCommand{}).Where("id = ?", made[1]).Update("done_at", time.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
		pending, err := s.PendingLockerCommands(ctx, site.ID)
		if err != nil || len(pending) != 1 || pending[0].ID != made[0] || pending[0].Reason != "customer lost PIN" || pending[0].Login != "boss" {
			t.Fatalf("pending: %+v %v", pending, err)
		}
		if p, _ := s.PendingLockerCommands(ctx, otherSite.ID); len(p) != 0 {
			t.Fatalf("other site has commands: %+v", p)
		}
	})
}

func TestLockerAlarmsAndEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		site, comps := newLockerSite(t, s, f.Branch.ID, "Main", 1)
		otherSite, _ := newLockerSite(t, s, f.Branch.ID, "Yard", 1)
		t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		event := func(siteID int64, uid, kind string, at time.Time) hub.LockerEvent {
			e := hub.LockerEvent{SiteID: siteID, EventUID: uid, Kind: kind, OccurredAt: at, ReceivedAt: at, CompartmentID: &comps[0].ID, WorkOrderID: &f.Order.ID}
			if siteID != site.ID {
				e.CompartmentID = nil
			}
			if err := s.Gorm(ctx).Create(&e).Error; err != nil {
				t.Fatal(err)
			}
			return e
		}
		// Stored out of time order: the listing sorts by when it happened.
		e2 := event(site.ID, "e2", lockerwire.EventItemLeft, t0.Add(2*time.Minute))
		e1 := event(site.ID, "e1", lockerwire.EventKeysReceived, t0.Add(time.Minute))
		e3 := event(otherSite.ID, "e3", lockerwire.EventBoardOffline, t0.Add(3*time.Minute))
		alarm := func(e hub.LockerEvent) hub.LockerAlarm {
			a := hub.LockerAlarm{SiteID: e.SiteID, EventID: e.ID, CompartmentID: e.CompartmentID, Kind: e.Kind, RaisedAt: e.OccurredAt}
			if err := s.Gorm(ctx).Create(&a).Error; err != nil {
				t.Fatal(err)
			}
			return a
		}
		a2, a3 := alarm(e2), alarm(e3)

		events, err := s.LockerEvents(ctx, []int64{site.ID}, 100)
		if err != nil || len(events) != 2 || events[0].ID != e2.ID || events[1].ID != e1.ID {
			t.Fatalf("events of main: %+v %v", events, err)
		}
		if events, _ := s.LockerEvents(ctx, []int64{site.ID, otherSite.ID}, 2); len(events) != 2 || events[0].ID != e3.ID {
			t.Fatalf("limit 2 over both sites: %+v", events)
		}

		open, err := s.LockerAlarms(ctx, []int64{site.ID, otherSite.ID}, true)
		if err != nil || len(open) != 2 || open[0].ID != a3.ID || open[1].ID != a2.ID {
			t.Fatalf("open alarms: %+v %v", open, err)
		}
		if err := s.ClearLockerAlarm(ctx, a2.ID, "anna"); err != nil {
			t.Fatal(err)
		}
		if err := s.ClearLockerAlarm(ctx, a2.ID, "bob"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("clearing twice: %v", err)
		}
		if open, _ := s.LockerAlarms(ctx, []int64{site.ID}, true); len(open) != 0 {
			t.Fatalf("cleared alarm still open: %+v", open)
		}
		all, err := s.LockerAlarms(ctx, []int64{site.ID}, false)
		if err != nil || len(all) != 1 || all[0].ClearedAt == nil || all[0].ClearedBy != "anna" {
			t.Fatalf("cleared alarm: %+v %v", all, err)
		}
		if got, err := s.LockerAlarm(ctx, a3.ID); err != nil || got.Kind != lockerwire.EventBoardOffline {
			t.Fatalf("alarm by id: %+v %v", got, err)
		}
		if none, err := s.LockerAlarms(ctx, nil, true); err != nil || len(none) != 0 {
			t.Fatalf("alarms of no site: %+v %v", none, err)
		}
	})
}
