package store_test

import (
	"context"
	"errors"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// TestMarkInspectionOpenedOnlyOnceAfterSent: a visit before the send
// records nothing; the first visit after it records the time; later ones
// keep that first time.
func TestMarkInspectionOpenedOnlyOnceAfterSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		i, err := s.StartInspection(ctx, f.Thread, "Ivan")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.MarkInspectionOpened(ctx, i.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.InspectionOf(ctx, f.Order.ID); got.CustomerOpenedAt != nil {
			t.Fatalf("opened before it was sent: %v", got.CustomerOpenedAt)
		}
		if err := s.Gorm(ctx).Exec(`UPDATE inspections SET revision = 1 WHERE id = ?`, i.ID).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := s.SendInspection(ctx, i.ID, "Anna"); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkInspectionOpened(ctx, i.ID); err != nil {
			t.Fatal(err)
		}
		first, _ := s.InspectionOf(ctx, f.Order.ID)
		if first.CustomerOpenedAt == nil {
			t.Fatal("first visit after the send not recorded")
		}
		if err := s.MarkInspectionOpened(ctx, i.ID); err != nil {
			t.Fatal(err)
		}
		again, _ := s.InspectionOf(ctx, f.Order.ID)
		if again.CustomerOpenedAt == nil || !again.CustomerOpenedAt.Equal(*first.CustomerOpenedAt) {
			t.Fatalf("second visit moved the time: %v, first %v", again.CustomerOpenedAt, first.CustomerOpenedAt)
		}
	})
}

// TestCustomerInspectionMediaOnlyOfASentVisibleItemOfTheThread.
func TestCustomerInspectionMediaOnlyOfASentVisibleItemOfTheThread(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		i, err := s.StartInspection(ctx, f.Thread, "Ivan")
		if err != nil {
			t.Fatal(err)
		}
		items, err := s.InspectionItems(ctx, i.ID)
		if err != nil {
			t.Fatal(err)
		}
		red := hub.ItemRed
		if _, err := s.EditInspectionItem(ctx, i.ID, items[0].ID, store.ItemEdit{State: &red}); err != nil {
			t.Fatal(err)
		}
		m := &hub.InspectionMedia{ItemID: items[0].ID, UploadKey: "k1", SHA256: "aa", Name: "a.jpg", ContentType: "image/jpeg", SizeBytes: 1}
		if _, err := s.AddInspectionMedia(ctx, i.ID, m); err != nil {
			t.Fatal(err)
		}
		unset := &hub.InspectionMedia{ItemID: items[1].ID, UploadKey: "k2", SHA256: "bb", Name: "b.jpg", ContentType: "image/jpeg", SizeBytes: 1}
		if _, err := s.AddInspectionMedia(ctx, i.ID, unset); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CustomerInspectionMedia(ctx, f.Thread.ID, m.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("media of an unsent inspection: %v, want ErrNotFound", err)
		}
		if _, err := s.SendInspection(ctx, i.ID, "Anna"); err != nil {
			t.Fatal(err)
		}
		got, err := s.CustomerInspectionMedia(ctx, f.Thread.ID, m.ID)
		if err != nil || got.SHA256 != "aa" {
			t.Fatalf("media of a sent item: %+v, %v", got, err)
		}
		if _, err := s.CustomerInspectionMedia(ctx, f.Thread.ID+1000, m.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("media through another thread: %v, want ErrNotFound", err)
		}
		if _, err := s.CustomerInspectionMedia(ctx, f.Thread.ID, unset.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("media of an item not looked at: %v, want ErrNotFound", err)
		}
		hide := true
		if _, err := s.EditInspectionItem(ctx, i.ID, items[0].ID, store.ItemEdit{Hidden: &hide}); err != nil {
			t.Fatal(err)
		}
		// The customer keeps what was sent until the advisor sends again.
		if _, err := s.CustomerInspectionMedia(ctx, f.Thread.ID, m.ID); err != nil {
			t.Fatalf("media hidden after the send, before the next send: %v", err)
		}
		if _, err := s.SendInspection(ctx, i.ID, "Anna"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CustomerInspectionMedia(ctx, f.Thread.ID, m.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("media of a hidden item: %v, want ErrNotFound", err)
		}
	})
}
