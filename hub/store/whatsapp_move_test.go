package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestMoveCustomerMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newWAWorld(t, s)
		ivan := waCustomer(t, s, w.Node.ID, "C-1", "+79031112233")
		a := waOrder(t, s, w.Fixture, "ЗН-1", hub.StatusInProgress, ivan)
		b := waOrder(t, s, w.Fixture, "ЗН-2", hub.StatusInProgress, ivan)
		in, err := s.AddCustomerMessage(ctx, a, "А по второй машине что?", hub.ChannelWhatsApp, []store.InboundFile{
			{SHA256: "ab", Name: "p.jpg", ContentType: "image/jpeg", SizeBytes: 2}})
		if err != nil {
			t.Fatal(err)
		}
		note := hub.Message{ThreadID: a.ID, Direction: hub.DirectionNote, Body: "внутреннее"}
		if err := s.AddMessage(ctx, &note); err != nil {
			t.Fatal(err)
		}
		branches := []int64{w.Branch.ID}

		refused := []struct {
			name      string
			branchIDs []int64
			thread    int64
			message   int64
			number    string
			want      error
		}{
			{"a note", branches, a.ID, note.ID, "ЗН-2", store.ErrNotCustomerMessage},
			{"unknown number", branches, a.ID, in.ID, "ЗН-404", store.ErrUnknownWorkOrder},
			{"empty number", branches, a.ID, in.ID, " ", store.ErrUnknownWorkOrder},
			{"same work order", branches, a.ID, in.ID, "ЗН-1", store.ErrSameThread},
			{"another branch", []int64{w.Branch.ID + 1000}, a.ID, in.ID, "ЗН-2", store.ErrNotFound},
			{"message of another thread", branches, b.ID, in.ID, "ЗН-1", store.ErrNotFound},
		}
		for _, r := range refused {
			if _, err := s.MoveCustomerMessage(ctx, r.branchIDs, r.thread, r.message, r.number); !errors.Is(err, r.want) {
				t.Errorf("%s: %v, want %v", r.name, err, r.want)
			}
		}
		if m, _ := s.Message(ctx, in.ID); m.ThreadID != a.ID {
			t.Fatal("a refused move moved the message")
		}
		if msgs, _ := s.Messages(ctx, b.ID); len(msgs) != 0 {
			t.Fatalf("a refused move wrote to the target: %+v", msgs)
		}

		mv, err := s.MoveCustomerMessage(ctx, branches, a.ID, in.ID, " ЗН-2 ")
		if err != nil {
			t.Fatal(err)
		}
		if mv.Target.ID != b.ID || mv.Source.ID != a.ID || mv.WorkOrder.Number != "ЗН-2" || mv.Message.ThreadID != b.ID {
			t.Fatalf("move %+v", mv)
		}
		target, err := s.Messages(ctx, b.ID)
		if err != nil || len(target) != 2 || target[0].ID != in.ID || target[1].Direction != hub.DirectionSystem ||
			!strings.Contains(target[1].Body, "ЗН-1") {
			t.Fatalf("target thread %+v %v", target, err)
		}
		source, err := s.Messages(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := source[len(source)-1]
		if last.Direction != hub.DirectionSystem || !strings.Contains(last.Body, "ЗН-2") {
			t.Fatalf("no note in the source: %+v", source)
		}
		for _, m := range source {
			if m.ID == in.ID {
				t.Fatal("the message is still in the source")
			}
		}
		files, err := s.StaffAttachments(ctx, branches, b.ID)
		if err != nil || len(files) != 1 || files[0].MessageID != in.ID {
			t.Fatalf("the file did not follow: %+v %v", files, err)
		}
		waiting := countRows(t, s, "SELECT COUNT(*) FROM threads WHERE id = ? AND awaiting_since IS NOT NULL", b.ID)
		if waiting != 1 {
			t.Error("the unanswered message did not start the target's waiting clock")
		}
	})
}
