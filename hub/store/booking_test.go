package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// bookingNow is Monday 4 March 2030, 08:00 in Moscow; bookingSlot is
// Tuesday 10:00 there.
var (
	msk         = mustZone("Europe/Moscow")
	bookingNow  = time.Date(2030, 3, 4, 8, 0, 0, 0, msk)
	bookingSlot = time.Date(2030, 3, 5, 10, 0, 0, 0, msk)
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// bookingBranch is the fixture's branch open Mon–Fri 09:00–18:00, booking
// maintenance in 60-minute slots of perSlot places, with one service.
func bookingBranch(t *testing.T, s *store.Store, perSlot int) storetest.Fixture {
	t.Helper()
	ctx := context.Background()
	f := storetest.NewFixture(t, s)
	if err := s.Gorm(ctx).Exec(`UPDATE branches SET working_hours = ? WHERE id = ?`, "Пн-Пт 09:00-18:00", f.Branch.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.SetCapacity(ctx, f.Branch.ID, hub.KindMaintenance, 60, perSlot); err != nil {
		t.Fatal(err)
	}
	svc := hub.Service{BranchID: f.Branch.ID, Code: "to-15", Kind: hub.KindMaintenance, NameRU: "ТО-15 000 км", NameEN: "15,000 km service", Minutes: 90}
	if err := s.SaveService(ctx, &svc); err != nil {
		t.Fatal(err)
	}
	return f
}

func bookingRequest(f storetest.Fixture, key string, at time.Time) store.BookingRequest {
	return store.BookingRequest{AccountID: 7, Phone: "+79161234567", BranchID: f.Branch.ID, VehicleText: "Kia Rio",
		Kind: hub.KindMaintenance, Services: []string{"to-15"}, Note: "Стучит подвеска", StartsAt: at, Locale: "ru", RequestKey: key}
}

func TestParallelBookingsOfASlotTakeExactlyItsCapacity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		f := bookingBranch(t, s, 2)
		var wg sync.WaitGroup
		errs := make([]error, 50)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := bookingRequest(f, fmt.Sprintf("k%d", i), bookingSlot)
				r.AccountID = int64(100 + i)
				_, errs[i] = s.CreateBooking(context.Background(), r, bookingNow)
			}()
		}
		wg.Wait()
		ok, full := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, store.ErrSlotFull):
				full++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 2 || full != 48 {
			t.Fatalf("%d booked, %d full; want 2 and 48", ok, full)
		}
		if n := countRows(t, s, "SELECT COUNT(*) FROM bookings"); n != 2 {
			t.Fatalf("%d bookings stored, want 2", n)
		}
		if n := len(changesOf(t, s, f.Branch.ID, hub.ChangeServiceRequest)); n != 2 {
			t.Fatalf("%d service_request changes, want 2", n)
		}
		slots, err := s.FreeSlots(context.Background(), f.Branch.ID, hub.KindMaintenance, bookingSlot, bookingNow)
		if err != nil {
			t.Fatal(err)
		}
		for _, sl := range slots {
			if sl.Start.Equal(bookingSlot) && sl.Free != 0 {
				t.Fatalf("the full slot shows %d free", sl.Free)
			}
		}
	})
}

func TestBookingRefusesBadTimesAndStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := bookingBranch(t, s, 2)
		if err := s.AddHoliday(ctx, f.Branch.ID, "2030-03-06", "Праздник"); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			at   time.Time
			want error
		}{
			{"past", bookingNow.Add(-time.Hour), store.ErrBookingPast},
			{"sooner than the lead", bookingNow.Add(30 * time.Minute), store.ErrBookingTooSoon},
			{"before opening", time.Date(2030, 3, 5, 8, 0, 0, 0, msk), store.ErrBookingOutsideHours},
			{"off the grid", time.Date(2030, 3, 5, 10, 30, 0, 0, msk), store.ErrBookingOutsideHours},
			{"the last hour ends at closing, the next would not", time.Date(2030, 3, 5, 18, 0, 0, 0, msk), store.ErrBookingOutsideHours},
			{"saturday", time.Date(2030, 3, 9, 10, 0, 0, 0, msk), store.ErrBookingOutsideHours},
			{"holiday", time.Date(2030, 3, 6, 10, 0, 0, 0, msk), store.ErrBookingHoliday},
			{"beyond the horizon", time.Date(2030, 6, 4, 10, 0, 0, 0, msk), store.ErrBookingTooFar},
		}
		for _, c := range cases {
			_, err := s.CreateBooking(ctx, bookingRequest(f, c.name, c.at), bookingNow)
			if !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		}
		r := bookingRequest(f, "unknown", bookingSlot)
		r.Services = []string{"no-such"}
		if _, err := s.CreateBooking(ctx, r, bookingNow); !errors.Is(err, store.ErrUnknownService) {
			t.Errorf("unknown service: %v", err)
		}
		r = bookingRequest(f, "tyres", bookingSlot)
		r.Kind = hub.KindTyres
		if _, err := s.CreateBooking(ctx, r, bookingNow); !errors.Is(err, store.ErrNoCapacity) {
			t.Errorf("kind without capacity: %v", err)
		}
		r = bookingRequest(f, "phone", bookingSlot)
		r.Phone = "8 916 123-45-67"
		if _, err := s.CreateBooking(ctx, r, bookingNow); err == nil {
			t.Errorf("a number not in E.164 was taken")
		} else if fe, ok := store.IsInvalidField(err); !ok || fe.Field != "phone" {
			t.Errorf("bad phone: %v", err)
		}
		for _, table := range []string{"bookings", "booking_slots"} {
			if n := countRows(t, s, "SELECT COUNT(*) FROM "+table); n != 0 {
				t.Errorf("%d rows in %s after refusals", n, table)
			}
		}
		if n := len(changesOf(t, s, f.Branch.ID, hub.ChangeServiceRequest)); n != 0 {
			t.Errorf("%d changes after refusals", n)
		}
	})
}

func TestBookingOpensAnInboxThreadAndTellsTheDMS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := bookingBranch(t, s, 2)
		cid, err := s.UpsertCustomer(ctx, store.CustomerData{NodeID: f.Node.ID, ExternalID: "000123", Name: "Ирина", Phones: []string{"+79161234567"}})
		if err != nil {
			t.Fatal(err)
		}
		vid, err := s.UpsertVehicle(ctx, store.VehicleData{NodeID: f.Node.ID, ExternalID: "V-000456", CustomerID: &cid, Make: "Kia", Model: "Rio", Plate: "А123ВС77"})
		if err != nil {
			t.Fatal(err)
		}
		r := bookingRequest(f, "form-1", bookingSlot)
		r.VehicleID, r.VehicleText = &vid, ""
		b, err := s.CreateBooking(ctx, r, bookingNow)
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.CreateBooking(ctx, r, bookingNow)
		if err != nil || again.ID != b.ID {
			t.Fatalf("the same form again: %+v, %v; want booking %d", again, err, b.ID)
		}
		if b.State != hub.BookingRequested || b.ThreadID == nil || b.CustomerID == nil || *b.CustomerID != cid || b.VehicleText != "Kia Rio А123ВС77" {
			t.Fatalf("booking %+v", b)
		}
		threads, err := s.InboxThreads(ctx, store.InboxQuery{BranchIDs: []int64{f.Branch.ID}})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, th := range threads {
			found = found || th.ID == *b.ThreadID
		}
		if !found {
			t.Fatalf("booking thread %d not in the inbox %+v", *b.ThreadID, threads)
		}
		msgs, err := s.Messages(ctx, *b.ThreadID)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 || msgs[0].Text("ru") != "Запись на ТО 05.03.2030 10:00: ТО-15 000 км, Kia Rio А123ВС77. Комментарий: Стучит подвеска" {
			t.Fatalf("thread lines %+v", msgs)
		}
		changes := changesOf(t, s, f.Branch.ID, hub.ChangeServiceRequest)
		if len(changes) != 1 {
			t.Fatalf("%d changes", len(changes))
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(changes[0].Data), &got); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"booking_id": float64(b.ID), "thread_id": float64(*b.ThreadID), "state": "requested",
			"branch_code": "msk1", "phone": "+79161234567", "customer_external_id": "000123", "vehicle_external_id": "V-000456",
			"vehicle_text": "Kia Rio А123ВС77", "kind": "maintenance",
			"services": []any{map[string]any{"code": "to-15", "name": "ТО-15 000 км"}},
			"note":     "Стучит подвеска", "starts_at": "2030-03-05T07:00:00Z", "ends_at": "2030-03-05T08:00:00Z"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("change data\n got %v\nwant %v", got, want)
		}
		mine, err := s.BookingsOfAccount(ctx, 7)
		if err != nil || len(mine) != 1 || mine[0].ID != b.ID || len(mine[0].Services) != 1 {
			t.Fatalf("bookings of the account: %+v, %v", mine, err)
		}
	})
}

func TestCustomerCancelsAndMovesUntilTheBranchsLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := bookingBranch(t, s, 1)
		b, err := s.CreateBooking(ctx, bookingRequest(f, "a", bookingSlot), bookingNow)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CancelBooking(ctx, b.ID, 8, bookingNow); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another account cancelled: %v", err)
		}
		if _, err := s.CancelBooking(ctx, b.ID, 7, bookingSlot.Add(-time.Hour)); !errors.Is(err, store.ErrTooLateToChange) {
			t.Fatalf("an hour before (limit 2 h): %v", err)
		}
		eleven := bookingSlot.Add(time.Hour)
		other := bookingRequest(f, "b", eleven)
		other.AccountID = 9
		if _, err := s.CreateBooking(ctx, other, bookingNow); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MoveBooking(ctx, b.ID, 7, eleven, bookingNow); !errors.Is(err, store.ErrSlotFull) {
			t.Fatalf("moved into a full slot: %v", err)
		}
		noon := bookingSlot.Add(2 * time.Hour)
		moved, err := s.MoveBooking(ctx, b.ID, 7, noon, bookingNow)
		if err != nil || !moved.StartsAt.Equal(noon) || moved.State != hub.BookingRequested {
			t.Fatalf("move: %+v, %v", moved, err)
		}
		// The old slot is free again: someone else takes it.
		third := bookingRequest(f, "c", bookingSlot)
		third.AccountID = 10
		if _, err := s.CreateBooking(ctx, third, bookingNow); err != nil {
			t.Fatalf("the slot left behind: %v", err)
		}
		cancelled, err := s.CancelBooking(ctx, b.ID, 7, bookingNow)
		if err != nil || cancelled.State != hub.BookingCancelled {
			t.Fatalf("cancel: %+v, %v", cancelled, err)
		}
		if _, err := s.CancelBooking(ctx, b.ID, 7, bookingNow); !errors.Is(err, store.ErrBookingClosed) {
			t.Fatalf("cancelled twice: %v", err)
		}
		var states []string
		for _, c := range changesOf(t, s, f.Branch.ID, hub.ChangeServiceRequest) {
			var d hub.ServiceRequestData
			if err := json.Unmarshal([]byte(c.Data), &d); err != nil {
				t.Fatal(err)
			}
			if d.BookingID == b.ID {
				states = append(states, d.State+" "+d.StartsAt.In(msk).Format("15:04"))
			}
		}
		if fmt.Sprint(states) != "[requested 10:00 requested 12:00 cancelled 12:00]" {
			t.Fatalf("changes of the booking: %v", states)
		}
		slots, err := s.FreeSlots(ctx, f.Branch.ID, hub.KindMaintenance, bookingSlot, bookingNow)
		if err != nil {
			t.Fatal(err)
		}
		for _, sl := range slots {
			if sl.Start.Equal(noon) && sl.Free != 1 {
				t.Fatalf("the cancelled slot shows %d free", sl.Free)
			}
		}
	})
}

func TestDMSDecisionsOnABooking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := bookingBranch(t, s, 1)
		b, err := s.CreateBooking(ctx, bookingRequest(f, "a", bookingSlot), bookingNow)
		if err != nil {
			t.Fatal(err)
		}
		got, changed, err := s.ApplyBookingDecision(ctx, b.ID, hub.BookingConfirmed, time.Time{}, "", bookingNow)
		if err != nil || !changed || got.State != hub.BookingConfirmed {
			t.Fatalf("confirm: %+v %v %v", got, changed, err)
		}
		if _, changed, err = s.ApplyBookingDecision(ctx, b.ID, hub.BookingConfirmed, time.Time{}, "", bookingNow); err != nil || changed {
			t.Fatalf("the same confirmation again: changed %v, %v", changed, err)
		}
		// Another customer fills 11:00; the DMS moves there anyway.
		eleven := bookingSlot.Add(time.Hour)
		other := bookingRequest(f, "b", eleven)
		other.AccountID = 9
		if _, err := s.CreateBooking(ctx, other, bookingNow); err != nil {
			t.Fatal(err)
		}
		got, changed, err = s.ApplyBookingDecision(ctx, b.ID, hub.BookingMoved, eleven, "Мастер свободен в 11", bookingNow)
		if err != nil || !changed || !got.StartsAt.Equal(eleven) || got.DMSNote != "Мастер свободен в 11" {
			t.Fatalf("move: %+v %v %v", got, changed, err)
		}
		got, changed, err = s.ApplyBookingDecision(ctx, b.ID, hub.BookingDeclined, time.Time{}, "", bookingNow)
		if err != nil || !changed || got.State != hub.BookingDeclined {
			t.Fatalf("decline: %+v %v %v", got, changed, err)
		}
		if _, _, err := s.ApplyBookingDecision(ctx, b.ID, "maybe", time.Time{}, "", bookingNow); err == nil {
			t.Fatal("an unknown state was applied")
		}
		slots, err := s.FreeSlots(ctx, f.Branch.ID, hub.KindMaintenance, bookingSlot, bookingNow)
		if err != nil {
			t.Fatal(err)
		}
		free := map[string]int{}
		for _, sl := range slots {
			free[sl.Start.In(msk).Format("02 15:04")] = sl.Free
		}
		if free["05 10:00"] != 1 || free["05 11:00"] != 0 {
			t.Fatalf("after decline: 10:00 has %d free (want 1), 11:00 %d (want 0: the other booking)", free["05 10:00"], free["05 11:00"])
		}
		msgs, err := s.Messages(ctx, *b.ThreadID)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, m := range msgs {
			lines = append(lines, m.Text("en"))
		}
		want := "[Booking for maintenance 05.03.2030 10:00: ТО-15 000 км, Kia Rio. Note: Стучит подвеска Booking for 05.03.2030 10:00 confirmed Booking moved to 05.03.2030 11:00: Мастер свободен в 11 Booking for 05.03.2030 11:00 declined]"
		if fmt.Sprint(lines) != want {
			t.Fatalf("lines\n got %v\nwant %s", lines, want)
		}
	})
}

func TestFreeSlotsOfAMonth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := bookingBranch(t, s, 2)
		if err := s.AddHoliday(ctx, f.Branch.ID, "2030-03-08", "8 марта"); err != nil {
			t.Fatal(err)
		}
		slots, err := s.FreeSlots(ctx, f.Branch.ID, hub.KindMaintenance, bookingNow, bookingNow)
		if err != nil {
			t.Fatal(err)
		}
		// March 2030 from Monday 4th 09:00 (the lead of 60 min passes 08:00):
		// 20 working days left, the 8th a holiday: 19 days × 9 slots.
		if len(slots) != 19*9 {
			t.Fatalf("%d slots, want %d", len(slots), 19*9)
		}
		first := slots[0]
		if !first.Start.Equal(time.Date(2030, 3, 4, 9, 0, 0, 0, msk)) || first.End.Sub(first.Start) != time.Hour || first.Free != 2 {
			t.Fatalf("first slot %+v", first)
		}
		for _, sl := range slots {
			if sl.Start.In(msk).Day() == 8 {
				t.Fatalf("a slot on the holiday: %v", sl.Start)
			}
		}
		if _, err := s.FreeSlots(ctx, f.Branch.ID, hub.KindTyres, bookingNow, bookingNow); !errors.Is(err, store.ErrNoCapacity) {
			t.Fatalf("tyres without capacity: %v", err)
		}
		if err := s.RemoveHoliday(ctx, f.Branch.ID, "2030-03-08"); err != nil {
			t.Fatal(err)
		}
		if slots, _ = s.FreeSlots(ctx, f.Branch.ID, hub.KindMaintenance, bookingNow, bookingNow); len(slots) != 20*9 {
			t.Fatalf("%d slots with the holiday removed", len(slots))
		}
	})
}

func TestBookingSettingsAreValidated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		id := f.Branch.ID
		bad := map[string]error{
			"minutes":  s.SaveService(ctx, &hub.Service{BranchID: id, Code: "x", Kind: hub.KindTyres, NameEN: "X", Minutes: 4}),
			"code":     s.SaveService(ctx, &hub.Service{BranchID: id, Code: "Bad Code", Kind: hub.KindTyres, NameEN: "X", Minutes: 30}),
			"kind":     s.SaveService(ctx, &hub.Service{BranchID: id, Code: "x", Kind: "wash", NameEN: "X", Minutes: 30}),
			"name":     s.SaveService(ctx, &hub.Service{BranchID: id, Code: "x", Kind: hub.KindTyres, Minutes: 30}),
			"per_slot": s.SetCapacity(ctx, id, hub.KindTyres, 30, 51),
			"day":      s.AddHoliday(ctx, id, "2030-02-30", ""),
			"horizon":  s.SetBranchBooking(ctx, id, hub.BranchBooking{HorizonDays: 0}),
		}
		for what, err := range bad {
			if _, ok := store.IsInvalidField(err); !ok {
				t.Errorf("%s: %v, want an invalid field", what, err)
			}
		}
		if cat, _ := s.ServiceCatalogue(ctx, id); len(cat) != 0 {
			t.Fatalf("catalogue after refusals: %+v", cat)
		}
		err := s.SetBranchBooking(ctx, id, hub.BranchBooking{City: " Москва ", Address: "ул. Тверская, 1", Brands: []string{"Kia, Hyundai", "Skoda"},
			CancelHours: 4, HorizonDays: 30, LeadMinutes: 120})
		if err != nil {
			t.Fatal(err)
		}
		svc := hub.Service{BranchID: id, Code: "tyres-r16", Kind: hub.KindTyres, NamePL: "Opony R16", Minutes: 40}
		if err := s.SaveService(ctx, &svc); err != nil {
			t.Fatal(err)
		}
		if err := s.DeactivateService(ctx, id, "tyres-r16"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetCapacity(ctx, id, hub.KindTyres, 30, 3); err != nil {
			t.Fatal(err)
		}
		dir, err := s.BranchDirectory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(dir) != 1 || dir[0].City != "Москва" || fmt.Sprint(dir[0].Brands) != "[Kia Hyundai Skoda]" || dir[0].CancelHours != 4 ||
			fmt.Sprint(dir[0].Kinds) != "[tyres]" {
			t.Fatalf("directory %+v", dir)
		}
		cat, err := s.ServiceCatalogue(ctx, id)
		if err != nil || len(cat) != 1 || cat[0].Active || cat[0].Name("ru") != "Opony R16" {
			t.Fatalf("catalogue %+v, %v", cat, err)
		}
	})
}
