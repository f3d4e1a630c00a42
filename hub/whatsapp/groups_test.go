package whatsapp_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestGroupIsCreatedOnceWhenWorkStarts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newGroupRig(t, s)
		jid, ok := r.groupFor(t, nil)
		if !ok || jid.Server != "g.us" {
			t.Fatalf("GroupFor = %v %v, want a group", jid, ok)
		}
		created := r.fake.Groups()
		if len(created) != 1 {
			t.Fatalf("groups created = %d, want 1", len(created))
		}
		req := created[0]
		if req.Name != "ЗН-0001234 · А123ВС77" {
			t.Errorf("name = %q", req.Name)
		}
		if got, want := groupUsers(req.Participants), rigCustomer+","+rigAdvisor+","+rigMaster; got != want {
			t.Errorf("participants = %s, want %s (customer, advisor, master)", got, want)
		}
		g, err := s.WAGroupByThread(t.Context(), r.f.Thread.ID)
		if err != nil || g.State != hub.WAGroupActive || g.JID != jid.String() || g.AccountID != r.acc.ID || g.Name != req.Name {
			t.Fatalf("stored group = %+v %v", g, err)
		}
		notes := groupNotes(t, s, r.f.Thread.ID)
		if len(notes) != 1 || notes[0] != "WhatsApp group «ЗН-0001234 · А123ВС77» created: customer, advisor Ольга, master Иван." {
			t.Errorf("notes = %q", notes)
		}

		// Every later message goes to the same group; nothing new is made.
		again, ok := r.groupFor(t, nil)
		if !ok || again != jid {
			t.Fatalf("second GroupFor = %v %v, want %v", again, ok, jid)
		}
		r.update(t, func(w *hub.WorkOrder) { w.Status = hub.StatusReady })
		if again, ok := r.groupFor(t, nil); !ok || again != jid {
			t.Fatalf("GroupFor when ready = %v %v, want %v", again, ok, jid)
		}
		if n := len(r.fake.Groups()); n != 1 {
			t.Fatalf("groups created = %d, want still 1", n)
		}
		if n := len(groupNotes(t, s, r.f.Thread.ID)); n != 1 {
			t.Errorf("notes = %d, want still 1", n)
		}
	})
}

func TestNoGroupWhenOffLeadOrNotWorkedOn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newGroupRig(t, s)

		r.setGroups(t, false)
		if _, ok := r.groupFor(t, nil); ok {
			t.Error("branch setting off: got a group")
		}
		r.setGroups(t, true)

		lead := hub.Thread{BranchID: r.f.Branch.ID, Phone: "+79165554433", Channel: hub.ChannelWhatsApp}
		if err := s.CreateThread(t.Context(), &lead); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := r.groups.GroupFor(t.Context(), r.fake, r.acc, lead); ok || err != nil {
			t.Errorf("lead thread: %v %v, want the direct chat", ok, err)
		}

		for _, status := range []string{hub.StatusReceived, "", hub.StatusDelivered, hub.StatusCancelled} {
			r.update(t, func(w *hub.WorkOrder) { w.Status = status })
			if _, ok := r.groupFor(t, nil); ok {
				t.Errorf("status %q: got a group", status)
			}
		}
		if n := len(r.fake.Groups()); n != 0 {
			t.Fatalf("groups created = %d, want 0", n)
		}
		if _, err := s.WAGroupByThread(t.Context(), r.f.Thread.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("group row: %v, want none", err)
		}
		if notes := groupNotes(t, s, r.f.Thread.ID); len(notes) != 0 {
			t.Errorf("notes = %q, want none", notes)
		}

		// Once work starts, the group comes.
		r.update(t, func(w *hub.WorkOrder) { w.Status = hub.StatusWaitingParts })
		if _, ok := r.groupFor(t, nil); !ok {
			t.Error("waiting for parts: no group")
		}
	})
}

func TestGroupNamesAndMembers(t *testing.T) {
	cases := []struct {
		name, number, plate     string
		advisorName, advisorTel string
		masterName, masterTel   string
		wantName, wantUsers     string
		wantNotAdded            string
	}{
		{name: "long number cuts the plate", number: "ЗН-АА-0000000123", plate: "А123ВС777",
			wantName: "ЗН-АА-0000000123 · А123ВС", wantUsers: rigCustomer},
		{name: "no room for a plate", number: "ЗАКАЗ-НАРЯД-000000123", plate: "А123ВС77",
			wantName: "ЗАКАЗ-НАРЯД-000000123", wantUsers: rigCustomer},
		{name: "number over 25 keeps its end", number: "ЗАКАЗ-НАРЯД-АА-0000000000456", plate: "А123ВС77",
			wantName: "…З-НАРЯД-АА-0000000000456", wantUsers: rigCustomer},
		{name: "no vehicle", number: "АА-000124",
			wantName: "АА-000124", wantUsers: rigCustomer},
		{name: "bad and missing staff numbers", number: "АА-000125", plate: "Е001КХ99",
			advisorName: "Ольга", advisorTel: "12", masterName: "Иван",
			wantName: "АА-000125 · Е001КХ99", wantUsers: rigCustomer,
			wantNotAdded: `Not added: advisor Ольга ("12" is not a valid phone number); master Иван (no phone number).`},
		{name: "duplicates and the account's own number", number: "АА-000126", plate: "Е002КХ99",
			advisorName: "Ольга", advisorTel: rigAccountPhone, masterName: "Иван", masterTel: "8 916 123-45-67",
			wantName: "АА-000126 · Е002КХ99", wantUsers: rigCustomer,
			wantNotAdded: "Not added: advisor Ольга (the WhatsApp account's own number: in the group as its creator); master Иван (same number as the customer)."},
		{name: "advisor and master share a number", number: "АА-000127",
			advisorTel: "+" + rigAdvisor, masterName: "Иван", masterTel: "+7 (495) 123-45-68",
			wantName: "АА-000127", wantUsers: rigCustomer + "," + rigAdvisor,
			wantNotAdded: "Not added: master Иван (same number as the advisor)."},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newGroupRig(t, s)
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				ctx := t.Context()
				w := hub.WorkOrder{NodeID: r.f.Node.ID, BranchID: r.f.Branch.ID, Number: c.number, Version: 1,
					Status: hub.StatusInProgress, OpenedAt: time.Now().UTC(),
					AdvisorName: c.advisorName, AdvisorPhone: c.advisorTel, MasterName: c.masterName, MasterPhone: c.masterTel}
				if c.plate != "" {
					vid, err := s.UpsertVehicle(ctx, store.VehicleData{NodeID: r.f.Node.ID, ExternalID: c.number, Plate: c.plate})
					if err != nil {
						t.Fatal(err)
					}
					w.VehicleID = &vid
				}
				if _, err := s.SaveWorkOrder(ctx, &w); err != nil {
					t.Fatal(err)
				}
				th := hub.Thread{BranchID: r.f.Branch.ID, WorkOrderID: &w.ID, Phone: "+" + rigCustomer, Channel: hub.ChannelWhatsApp}
				if err := s.CreateThread(ctx, &th); err != nil {
					t.Fatal(err)
				}
				if _, ok, err := r.groups.GroupFor(ctx, r.fake, r.acc, th); !ok || err != nil {
					t.Fatalf("GroupFor = %v %v", ok, err)
				}
				all := r.fake.Groups()
				if len(all) != i+1 {
					t.Fatalf("groups created = %d, want %d", len(all), i+1)
				}
				req := all[i]
				if req.Name != c.wantName || len([]rune(req.Name)) > 25 {
					t.Errorf("name = %q (%d runes), want %q", req.Name, len([]rune(req.Name)), c.wantName)
				}
				if got := groupUsers(req.Participants); got != c.wantUsers {
					t.Errorf("participants = %s, want %s", got, c.wantUsers)
				}
				notes := groupNotes(t, s, th.ID)
				if len(notes) != 1 {
					t.Fatalf("notes = %q", notes)
				}
				hasNotAdded := strings.Contains(notes[0], "Not added")
				if c.wantNotAdded == "" && hasNotAdded || c.wantNotAdded != "" && !strings.HasSuffix(notes[0], " "+c.wantNotAdded) {
					t.Errorf("note = %q, want it to end with %q", notes[0], c.wantNotAdded)
				}
			})
		}
	})
}

func TestFailedGroupIsNeverRetried(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newGroupRig(t, s)
		cli := &groupRefusingClient{Fake: r.fake, createErr: whatsmeow.ErrIQRateOverLimit}
		if _, ok := r.groupFor(t, cli); ok {
			t.Fatal("failed creation: got a group")
		}
		g, err := s.WAGroupByThread(t.Context(), r.f.Thread.ID)
		if err != nil || g.State != hub.WAGroupFailed || g.JID != "" || !strings.Contains(g.LastError, "rate-overlimit") {
			t.Fatalf("group row = %+v %v, want failed with the error", g, err)
		}
		notes := groupNotes(t, s, r.f.Thread.ID)
		if len(notes) != 1 || !strings.Contains(notes[0], "could not be created") || !strings.Contains(notes[0], "rate-overlimit") {
			t.Fatalf("notes = %q", notes)
		}

		// WhatsApp would accept it now, but the thread stays in the direct chat.
		cli.mu.Lock()
		cli.createErr = nil
		cli.mu.Unlock()
		for range 2 {
			if _, ok := r.groupFor(t, cli); ok {
				t.Fatal("after a failure: got a group")
			}
		}
		if creates, _ := cli.counts(); creates != 1 {
			t.Errorf("CreateGroup called %d times, want 1", creates)
		}
		if n := len(groupNotes(t, s, r.f.Thread.ID)); n != 1 {
			t.Errorf("notes = %d, want 1", n)
		}
	})
}

func TestGroupWaitsForAConnection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newGroupRig(t, s)
		r.fake.Disconnect()
		_, ok, err := r.groups.GroupFor(t.Context(), r.fake, r.acc, r.f.Thread)
		if ok || !errors.Is(err, whatsmeow.ErrNotConnected) {
			t.Fatalf("disconnected: %v %v, want ErrNotConnected", ok, err)
		}
		if _, err := s.WAGroupByThread(t.Context(), r.f.Thread.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("group row: %v, want none (nothing was tried)", err)
		}
		if err := r.fake.Connect(); err != nil {
			t.Fatal(err)
		}
		if _, ok := r.groupFor(t, nil); !ok {
			t.Fatal("connected again: no group")
		}
	})
}

func TestAbandonedClaimFailsAfterATimeout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newGroupRig(t, s)
		// Another creator claimed the thread and has not stored a JID yet.
		claim := hub.WAGroup{ThreadID: r.f.Thread.ID, AccountID: r.acc.ID, Name: "ЗН-0001234 · А123ВС77"}
		if claimed, err := s.ClaimWAGroup(t.Context(), &claim); err != nil || !claimed {
			t.Fatalf("claim: %v %v", claimed, err)
		}
		if _, ok := r.groupFor(t, nil); ok {
			t.Fatal("claim in progress: got a group")
		}
		if g, _ := s.WAGroupByThread(t.Context(), r.f.Thread.ID); g.State != hub.WAGroupActive {
			t.Fatalf("fresh claim was touched: %+v", g)
		}

		// The creator died: long after, the claim is failed, not retried.
		r.clock.Set(claim.CreatedAt.Add(10 * time.Minute))
		if _, ok := r.groupFor(t, nil); ok {
			t.Fatal("abandoned claim: got a group")
		}
		g, err := s.WAGroupByThread(t.Context(), r.f.Thread.ID)
		if err != nil || g.State != hub.WAGroupFailed || !strings.Contains(g.LastError, "interrupted") {
			t.Fatalf("abandoned claim = %+v %v, want failed", g, err)
		}
		if notes := groupNotes(t, s, r.f.Thread.ID); len(notes) != 1 || !strings.Contains(notes[0], "could not be created") {
			t.Errorf("notes = %q", notes)
		}
		if n := len(r.fake.Groups()); n != 0 {
			t.Errorf("groups created = %d, want 0", n)
		}
	})
}

func TestGroupOfAnotherAccountIsNotUsed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newGroupRig(t, s)
		if _, ok := r.groupFor(t, nil); !ok {
			t.Fatal("no group")
		}
		other := hub.WAAccount{BranchID: r.f.Branch.ID, Name: "msk-second"}
		if err := s.CreateWAAccount(t.Context(), &other); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := r.groups.GroupFor(t.Context(), r.fake, other, r.f.Thread); ok || err != nil {
			t.Fatalf("thread on another account: %v %v, want the direct chat", ok, err)
		}
		if n := len(r.fake.Groups()); n != 1 {
			t.Errorf("groups created = %d, want 1", n)
		}
	})
}

func TestConcurrentCallersCreateOneGroup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newGroupRig(t, s)
		const callers = 3
		cli := newGroupBarrierClient(r.fake, callers)
		type answer struct {
			jid string
			ok  bool
			err error
		}
		answers := make(chan answer, callers)
		for range callers {
			go func() {
				jid, ok, err := r.groups.GroupFor(t.Context(), cli, r.acc, r.f.Thread)
				answers <- answer{jid.String(), ok, err}
			}()
		}
		var jids []string
		for range callers {
			a := <-answers
			if a.err != nil {
				t.Fatalf("GroupFor: %v", a.err)
			}
			if a.ok {
				jids = append(jids, a.jid)
			}
		}
		if n := len(r.fake.Groups()); n != 1 {
			t.Fatalf("groups created = %d, want 1", n)
		}
		g := groupState(t, s, r.f.Thread.ID)
		if len(jids) == 0 {
			t.Fatal("no caller got the group")
		}
		for _, j := range jids {
			if j != g.JID {
				t.Errorf("a caller got %s, the stored group is %s", j, g.JID)
			}
		}
		if n := len(groupNotes(t, s, r.f.Thread.ID)); n != 1 {
			t.Errorf("notes = %d, want 1", n)
		}
	})
}

func TestMemberWhatsAppDidNotAddIsNamed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newGroupRig(t, s)
		cli := &groupRefusingClient{Fake: r.fake, invite: rigMaster}
		if _, ok := r.groupFor(t, cli); !ok {
			t.Fatal("no group")
		}
		notes := groupNotes(t, s, r.f.Thread.ID)
		want := "WhatsApp group «ЗН-0001234 · А123ВС77» created: customer, advisor Ольга. " +
			"Not added: master Иван (their privacy settings require an invitation)."
		if len(notes) != 1 || notes[0] != want {
			t.Errorf("notes = %q, want %q", notes, want)
		}
	})
}
