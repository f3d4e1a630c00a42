package store_test

import (
	"context"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// TestTheCustomerSeesWhatWasSent: an edit after a send (a new note, a
// hidden item, another photo) reaches the customer's copy only with the
// next send.
func TestTheCustomerSeesWhatWasSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		insp, err := s.StartInspection(ctx, f.Thread, "Ivan")
		if err != nil {
			t.Fatal(err)
		}
		items, _ := s.InspectionItems(ctx, insp.ID)
		red, note := hub.ItemRed, "Колодки 2 мм"
		if _, err := s.EditInspectionItem(ctx, insp.ID, items[5].ID, store.ItemEdit{State: &red, Note: &note, By: "Ivan"}); err != nil {
			t.Fatal(err)
		}
		if sent, media, err := s.SentInspection(ctx, insp.ID); err != nil || len(sent) != 0 || len(media) != 0 {
			t.Fatalf("before any send: %d items, %d media, %v", len(sent), len(media), err)
		}
		if _, err := s.SendInspection(ctx, insp.ID, "Anna"); err != nil {
			t.Fatal(err)
		}
		later := "Колодки 1 мм, диск с задиром"
		if _, err := s.EditInspectionItem(ctx, insp.ID, items[5].ID, store.ItemEdit{Note: &later, By: "Ivan"}); err != nil {
			t.Fatal(err)
		}
		photo := hub.InspectionMedia{ItemID: items[5].ID, UploadKey: "k", SHA256: "cd", Name: "disc.jpg", ContentType: "image/jpeg", SizeBytes: 3}
		if _, err := s.AddInspectionMedia(ctx, insp.ID, &photo); err != nil {
			t.Fatal(err)
		}
		sent, media, err := s.SentInspection(ctx, insp.ID)
		if err != nil || len(sent) != 1 || sent[0].Note != note || sent[0].ID != items[5].ID || len(media) != 0 {
			t.Fatalf("after edits, before the next send: %+v, %d media, %v", sent, len(media), err)
		}
		if _, err := s.SendInspection(ctx, insp.ID, "Anna"); err != nil {
			t.Fatal(err)
		}
		sent, media, err = s.SentInspection(ctx, insp.ID)
		if err != nil || len(sent) != 1 || sent[0].Note != later || len(media) != 1 || media[0].ID != photo.ID {
			t.Fatalf("after the second send: %+v, %+v, %v", sent, media, err)
		}
	})
}
