package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestMergeLead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newInboxWorld(t, s) // w.other is a lead of msk
		msk := []int64{w.msk.Branch.ID}
		in := hub.Message{ThreadID: w.other.ID, Direction: hub.DirectionIn, Body: "привет"}
		if err := s.AddMessage(ctx, &in); err != nil {
			t.Fatal(err)
		}
		file := hub.Attachment{MessageID: in.ID, SHA256: "ab", Name: "p.jpg", ContentType: "image/jpeg", SizeBytes: 2}
		if err := s.AddAttachment(ctx, &file); err != nil {
			t.Fatal(err)
		}
		refusals := []struct {
			name      string
			branchIDs []int64
			thread    int64
			number    string
			want      error
		}{
			{"unknown number", msk, w.other.ID, "nope", store.ErrUnknownWorkOrder},
			{"work order of another branch", msk, w.other.ID, "ЗН-0009999", store.ErrUnknownWorkOrder},
			{"not a lead", msk, w.msk.Thread.ID, w.msk.Order.Number, store.ErrNotLead},
			{"lead of another branch", []int64{w.spb.Branch.ID}, w.other.ID, "ЗН-0009999", store.ErrNotFound},
		}
		for _, r := range refusals {
			if _, err := s.MergeLead(ctx, r.branchIDs, r.thread, r.number); !errors.Is(err, r.want) {
				t.Errorf("%s: %v, want %v", r.name, err, r.want)
			}
		}
		if msgs, _ := s.Messages(ctx, w.other.ID); len(msgs) != 1 {
			t.Fatalf("a refusal moved messages: %d left", len(msgs))
		}

		done, err := s.MergeLead(ctx, msk, w.other.ID, w.msk.Order.Number)
		if err != nil || done.Target.ID != w.msk.Thread.ID || done.Moved != 1 || !done.PhoneAdded {
			t.Fatalf("merge: %+v %v", done, err)
		}
		if _, err := s.Thread(ctx, w.other.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("lead still there: %v", err)
		}
		if m, err := s.Message(ctx, in.ID); err != nil || m.ThreadID != w.msk.Thread.ID {
			t.Fatalf("moved message: %+v %v", m, err)
		}
		if a, err := s.StaffAttachment(ctx, msk, w.msk.Thread.ID, file.ID); err != nil || a.Name != "p.jpg" {
			t.Fatalf("moved file: %+v %v", a, err)
		}
		phones, err := s.CustomerPhones(ctx, *w.msk.Order.CustomerID)
		if err != nil || !slices.Contains(phones, "+48601234567") {
			t.Fatalf("customer phones: %v %v", phones, err)
		}
	})
}
