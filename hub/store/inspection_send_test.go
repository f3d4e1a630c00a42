package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// sendWorld is an inspection with a red item with a photo, a yellow one,
// a green one, a hidden red one with a photo and items not looked at.
type sendWorld struct {
	f                 storetest.Fixture
	insp              hub.Inspection
	items             []hub.InspectionItem
	redSHA, hiddenSHA string
}

func newSendWorld(t *testing.T, s *store.Store) sendWorld {
	t.Helper()
	ctx := context.Background()
	w := sendWorld{f: storetest.NewFixture(t, s), redSHA: sha('a'), hiddenSHA: sha('b')}
	var err error
	if w.insp, err = s.StartInspection(ctx, w.f.Thread, "Иван"); err != nil {
		t.Fatal(err)
	}
	w.items, _ = s.InspectionItems(ctx, w.insp.ID)
	edit := func(n int, state, value, note string, hidden bool) {
		if _, err := s.EditInspectionItem(ctx, w.insp.ID, w.items[n].ID,
			store.ItemEdit{State: &state, Value: &value, Note: &note, Hidden: &hidden, By: "Иван"}); err != nil {
			t.Fatal(err)
		}
	}
	edit(0, hub.ItemRed, "1.2", "Протектор стёрт", false)
	edit(1, hub.ItemYellow, "", "", false)
	edit(2, hub.ItemGreen, "", "", false)
	edit(3, hub.ItemRed, "", "не показывать", true)
	for i, m := range []hub.InspectionMedia{
		{ItemID: w.items[0].ID, UploadKey: "k1", SHA256: w.redSHA, Name: "tyre.jpg", ContentType: "image/jpeg", SizeBytes: 10},
		{ItemID: w.items[3].ID, UploadKey: "k2", SHA256: w.hiddenSHA, Name: "hidden.jpg", ContentType: "image/jpeg", SizeBytes: 11},
	} {
		if _, err := s.AddInspectionMedia(ctx, w.insp.ID, &m); err != nil {
			t.Fatalf("media %d: %v", i, err)
		}
	}
	return w
}

func sha(c byte) string {
	b := make([]byte, 64)
	for i := range b {
		b[i] = c
	}
	return string(b)
}

func inspectionChanges(t *testing.T, s *store.Store, branchID int64) []hub.Change {
	t.Helper()
	all, err := s.ChangesAfter(context.Background(), []int64{branchID}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []hub.Change
	for _, c := range all {
		if c.Type == hub.ChangeInspection {
			out = append(out, c)
		}
	}
	return out
}

// TestSendInspectionOnce: fifteen sends at once append one change with
// the items looked at and not hidden, their files by URL; the rest are
// refused as unchanged. The thread gets one system line and an order
// event; an edit makes the next send go out with the new revision.
func TestSendInspectionOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newSendWorld(t, s)
		var wg sync.WaitGroup
		errs := make([]error, 15)
		for n := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[n] = s.SendInspection(ctx, w.insp.ID, "Анна")
			}()
		}
		wg.Wait()
		sent := 0
		for n, err := range errs {
			switch {
			case err == nil:
				sent++
			case !errors.Is(err, store.ErrInspectionUnchanged):
				t.Fatalf("send %d: %v", n, err)
			}
		}
		changes := inspectionChanges(t, s, w.f.Branch.ID)
		if sent != 1 || len(changes) != 1 {
			t.Fatalf("%d sends succeeded, %d changes; want one each", sent, len(changes))
		}
		c := changes[0]
		if c.WorkOrderNumber != w.f.Order.Number || c.WorkOrderID == nil || *c.WorkOrderID != w.f.Order.ID {
			t.Errorf("change names work order %v %q", c.WorkOrderID, c.WorkOrderNumber)
		}
		var d hub.InspectionData
		if err := json.Unmarshal([]byte(c.Data), &d); err != nil {
			t.Fatal(err)
		}
		insp, _ := s.InspectionOf(ctx, w.f.Order.ID)
		if d.InspectionID != insp.ID || d.Revision != insp.Revision || insp.SentRevision != insp.Revision ||
			d.SentBy != "Анна" || d.Mechanic != "Иван" || insp.SentBy != "Анна" || insp.SentAt == nil || d.SentAt.IsZero() {
			t.Fatalf("data %+v, inspection %+v", d, insp)
		}
		if len(d.Items) != 3 || d.Items[0].Code != w.items[0].Code || d.Items[0].State != hub.ItemRed ||
			d.Items[0].Value != "1.2" || d.Items[0].Note != "Протектор стёрт" || d.Items[1].State != hub.ItemYellow || d.Items[2].State != hub.ItemGreen {
			t.Fatalf("items %+v", d.Items)
		}
		if f := d.Items[0].Files; len(f) != 1 || f[0].SHA256 != w.redSHA || f[0].URL != "/api/dms/v1/files/"+w.redSHA || f[0].Name != "tyre.jpg" {
			t.Fatalf("files %+v", f)
		}
		msgs, _ := s.Messages(ctx, w.f.Thread.ID)
		if len(msgs) != 1 || msgs[0].Direction != hub.DirectionSystem {
			t.Fatalf("thread lines %+v", msgs)
		}
		events, _ := s.ThreadEventsAfter(ctx, w.f.Thread.ID, 0, 100)
		orderEvents := 0
		for _, e := range events {
			if e.Kind == hub.EventOrder {
				orderEvents++
			}
		}
		if orderEvents != 1 {
			t.Fatalf("%d order events, want 1", orderEvents)
		}

		// An edit: sent again, with the newer revision.
		note := "Протектор 1 мм"
		if _, err := s.EditInspectionItem(ctx, w.insp.ID, w.items[0].ID, store.ItemEdit{Note: &note, By: "Анна"}); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.InspectionOf(ctx, w.f.Order.ID); !again.Unsent() {
			t.Fatal("an edit after the send is not unsent")
		}
		d2, err := s.SendInspection(ctx, w.insp.ID, "Анна")
		if err != nil || d2.Revision <= d.Revision || d2.Items[0].Note != note {
			t.Fatalf("second send: %+v %v", d2, err)
		}
		if n := len(inspectionChanges(t, s, w.f.Branch.ID)); n != 2 {
			t.Fatalf("%d changes after the second send", n)
		}
		if _, err := s.SendInspection(ctx, w.insp.ID+1000, "Анна"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an unknown inspection: %v", err)
		}
	})
}

// TestBranchFileServesInspectionMedia: the DMS may fetch a photo of an
// item that is not hidden at its own branches, not a hidden item's, not
// another branch's.
func TestBranchFileServesInspectionMedia(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newSendWorld(t, s)
		mine := []int64{w.f.Branch.ID}
		// Not before it is sent: no change named it yet.
		if _, err := s.BranchFile(ctx, mine, w.redSHA); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unsent inspection's photo: %v", err)
		}
		if _, err := s.SendInspection(ctx, w.insp.ID, "Анна"); err != nil {
			t.Fatal(err)
		}
		a, err := s.BranchFile(ctx, mine, w.redSHA)
		if err != nil || a.Name != "tyre.jpg" || a.ContentType != "image/jpeg" || a.SizeBytes != 10 || a.SHA256 != w.redSHA {
			t.Fatalf("red item's photo: %+v %v", a, err)
		}
		if _, err := s.BranchFile(ctx, mine, w.hiddenSHA); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("hidden item's photo: %v", err)
		}
		if _, err := s.BranchFile(ctx, []int64{w.f.Branch.ID + 1000}, w.redSHA); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another branch: %v", err)
		}
	})
}

// TestOpenDeclinedWork lists the vehicle's open declined work of other
// work orders, newest first; closed rows and other vehicles' are left out.
func TestOpenDeclinedWork(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		car, err := s.UpsertVehicle(ctx, store.VehicleData{NodeID: f.Node.ID, ExternalID: "v1", VIN: "XTA21099000000001"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.UpsertVehicle(ctx, store.VehicleData{NodeID: f.Node.ID, ExternalID: "v2"})
		if err != nil {
			t.Fatal(err)
		}
		older := hub.WorkOrder{NodeID: f.Node.ID, BranchID: f.Branch.ID, Number: "ЗН-1", Version: 1, OpenedAt: time.Now().UTC()}
		if _, err := s.SaveWorkOrder(ctx, &older); err != nil {
			t.Fatal(err)
		}
		day := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		closed := day
		rows := []hub.DeclinedWork{
			{VehicleID: car, WorkOrderID: older.ID, ItemCode: "pads_front", Name: "Колодки", State: hub.ItemRed, DeclinedAt: day},
			{VehicleID: car, WorkOrderID: older.ID, ItemCode: "wipers", Name: "Щётки", State: hub.ItemYellow, DeclinedAt: day.Add(time.Hour)},
			{VehicleID: car, WorkOrderID: older.ID, ItemCode: "battery", Name: "АКБ", State: hub.ItemRed, DeclinedAt: day, ClosedAt: &closed},
			{VehicleID: car, WorkOrderID: f.Order.ID, ItemCode: "tyres", Name: "Шины", State: hub.ItemRed, DeclinedAt: day},
			{VehicleID: other, WorkOrderID: older.ID, ItemCode: "oil", Name: "Масло", State: hub.ItemRed, DeclinedAt: day},
		}
		for i := range rows {
			rows[i].BranchID, rows[i].OfferAfter = f.Branch.ID, day.AddDate(0, 3, 0)
		}
		if err := s.Gorm(ctx).Create(&rows).Error; err != nil {
			t.Fatal(err)
		}
		got, err := s.OpenDeclinedWork(ctx, car, f.Order.ID)
		if err != nil || len(got) != 2 || got[0].ItemCode != "wipers" || got[1].ItemCode != "pads_front" {
			t.Fatalf("open declined work %+v %v", got, err)
		}
	})
}
