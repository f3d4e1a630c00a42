package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// inboxWorld is two branches with one work-order thread each and a lead.
type inboxWorld struct {
	msk, spb   storetest.Fixture
	other      hub.Thread // a second thread in msk, no work order
	customerID int64
}

func newInboxWorld(t *testing.T, s *store.Store) inboxWorld {
	t.Helper()
	ctx := context.Background()
	w := inboxWorld{msk: storetest.NewFixture(t, s)}
	spb := hub.Branch{Code: "spb1", Name: "Питер", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
	if err := s.CreateBranch(ctx, &spb); err != nil {
		t.Fatal(err)
	}
	w.spb = storetest.Fixture{Branch: spb, Node: w.msk.Node}
	cid, err := s.UpsertCustomer(ctx, store.CustomerData{NodeID: w.msk.Node.ID, ExternalID: "c1", Name: "Иванов Пётр", Phones: []string{"+79161234567"}})
	if err != nil {
		t.Fatal(err)
	}
	w.customerID = cid
	vid, err := s.UpsertVehicle(ctx, store.VehicleData{NodeID: w.msk.Node.ID, ExternalID: "v1", CustomerID: &cid, VIN: "XTA21099012345678", Plate: "А123ВС77"})
	if err != nil {
		t.Fatal(err)
	}
	w.msk.Order.CustomerID, w.msk.Order.VehicleID, w.msk.Order.Version = &cid, &vid, 2
	if _, err := s.SaveWorkOrder(ctx, &w.msk.Order); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateThreadContact(ctx, w.msk.Thread.ID, &cid, "+79161234567"); err != nil {
		t.Fatal(err)
	}
	// The same customer's car also has a thread in spb: search must not leak it.
	order := hub.WorkOrder{NodeID: w.msk.Node.ID, BranchID: spb.ID, Number: "ЗН-0009999", Version: 1, CustomerID: &cid, VehicleID: &vid, OpenedAt: time.Now().UTC()}
	if _, err := s.SaveWorkOrder(ctx, &order); err != nil {
		t.Fatal(err)
	}
	w.spb.Thread = hub.Thread{BranchID: spb.ID, WorkOrderID: &order.ID, CustomerID: &cid, Phone: "+79161234567", Channel: hub.ChannelSMS}
	if err := s.CreateThread(ctx, &w.spb.Thread); err != nil {
		t.Fatal(err)
	}
	w.other = hub.Thread{BranchID: w.msk.Branch.ID, Phone: "+48601234567", Channel: hub.ChannelSMS}
	if err := s.CreateThread(ctx, &w.other); err != nil {
		t.Fatal(err)
	}
	return w
}

func inboxIDs(t *testing.T, s *store.Store, q store.InboxQuery) []int64 {
	t.Helper()
	rows, err := s.InboxThreads(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}

func TestInboxScopingAndSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newInboxWorld(t, s)
		msk := []int64{w.msk.Branch.ID}
		if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: msk}); !slices.Equal(got, []int64{w.other.ID, w.msk.Thread.ID}) {
			t.Fatalf("list of msk: %v", got)
		}
		if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: nil}); len(got) != 0 {
			t.Fatalf("no branches listed %v", got)
		}
		for _, q := range []string{"+7 916 123-45-67", "8 (916) 123 45 67", "9161234567", "79161234", "а123вс", "A123BC77", "a123 bc",
			"xta2109901", "XTA21099012345678", "ЗН-0001234", "зн-000", "Иванов", "иванов п", "ИВАНОВ"} {
			if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: msk, Search: q}); !slices.Equal(got, []int64{w.msk.Thread.ID}) {
				t.Errorf("search %q in msk: %v, want [%d]", q, got, w.msk.Thread.ID)
			}
		}
		if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: msk, Search: "+48 601 234 567"}); !slices.Equal(got, []int64{w.other.ID}) {
			t.Errorf("search polish number: %v", got)
		}
		for _, q := range []string{"Петров", "ЗН-0009999", "+79160000000"} {
			if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: msk, Search: q}); len(got) != 0 {
				t.Errorf("search %q found %v", q, got)
			}
		}
		if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: []int64{w.spb.Branch.ID}, Search: "иванов"}); !slices.Equal(got, []int64{w.spb.Thread.ID}) {
			t.Errorf("search in spb: %v", got)
		}
		if _, err := s.ThreadForStaff(context.Background(), msk, w.spb.Thread.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("other branch's thread by id: %v", err)
		}
		if th, err := s.ThreadForStaff(context.Background(), msk, w.msk.Thread.ID); err != nil || th.ID != w.msk.Thread.ID {
			t.Fatalf("own thread by id: %v %v", th, err)
		}
	})
}

func TestInboxFiltersUnreadAndPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newInboxWorld(t, s)
		u := store.User{Login: "anna", Role: store.RoleAdvisor, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &u, []int64{w.msk.Branch.ID}); err != nil {
			t.Fatal(err)
		}
		user := u.ID
		msk := []int64{w.msk.Branch.ID}
		in := func(th hub.Thread, body string) hub.Message {
			m := hub.Message{ThreadID: th.ID, Direction: hub.DirectionIn, Body: body, Author: "customer"}
			if err := s.AddMessage(ctx, &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		first := in(w.msk.Thread, "Добрый день")
		in(w.msk.Thread, "Когда готово?")
		in(w.other, "Hello")
		// An automatic notification is not an answer; a person's reply is.
		if err := s.AddMessage(ctx, &hub.Message{ThreadID: w.other.ID, Direction: hub.DirectionOut, TemplateKey: "status", Body: "auto"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: w.msk.Thread.ID, Channel: hub.ChannelSMS, Recipient: "+79161234567", Body: "Через час", Author: "Анна"}); err != nil {
			t.Fatal(err)
		}
		in(w.msk.Thread, "Спасибо")
		if err := s.AssignThread(ctx, w.msk.Thread.ID, &user); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkThreadRead(ctx, user, w.msk.Thread.ID, first.ID); err != nil {
			t.Fatal(err)
		}
		rows, err := s.InboxThreads(ctx, store.InboxQuery{UserID: user, BranchIDs: msk})
		if err != nil || len(rows) != 2 {
			t.Fatalf("rows %+v %v", rows, err)
		}
		top := rows[0]
		if top.ID != w.msk.Thread.ID || top.LastMessage != "Спасибо" || top.Unread != 2 || top.AwaitingSince == nil ||
			top.CustomerName != "Иванов Пётр" || top.Plate != "А123ВС77" || top.WorkOrderNumber != "ЗН-0001234" ||
			top.AssigneeName != "anna" || top.FirstResponseMinutes != 5 {
			t.Fatalf("top row %+v", top)
		}
		if rows[1].Unread != 1 || rows[1].AwaitingSince == nil {
			t.Fatalf("other row %+v", rows[1])
		}
		if _, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: w.other.ID, Channel: hub.ChannelSMS, Recipient: "+48601234567", Body: "Hi", Author: "Анна"}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetThreadState(ctx, w.spb.Thread.ID, hub.ThreadResolved); err != nil {
			t.Fatal(err)
		}
		cases := map[string][]int64{
			store.FilterActive:          {w.other.ID, w.msk.Thread.ID},
			store.FilterMine:            {w.msk.Thread.ID},
			store.FilterUnassigned:      {w.other.ID},
			store.FilterWaitingUs:       {w.msk.Thread.ID},
			store.FilterWaitingCustomer: {w.other.ID},
			store.FilterResolved:        nil,
		}
		for f, want := range cases {
			if got := inboxIDs(t, s, store.InboxQuery{UserID: user, BranchIDs: msk, Filter: f}); !slices.Equal(got, want) {
				t.Errorf("filter %q: %v, want %v", f, got, want)
			}
		}
		if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: []int64{w.spb.Branch.ID}, Filter: store.FilterResolved}); !slices.Equal(got, []int64{w.spb.Thread.ID}) {
			t.Errorf("resolved in spb: %v", got)
		}
		page, _ := s.InboxThreads(ctx, store.InboxQuery{BranchIDs: msk, Limit: 1})
		c := page[0].Cursor()
		if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: msk, Limit: 1, Before: &c}); !slices.Equal(got, []int64{w.msk.Thread.ID}) {
			t.Errorf("second page: %v (first %d)", got, page[0].ID)
		}
		if _, err := s.InboxThreads(ctx, store.InboxQuery{BranchIDs: msk, Filter: "bogus"}); err == nil {
			t.Error("unknown filter accepted")
		}
	})
}
