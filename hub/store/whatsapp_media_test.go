package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/templates"
)

// waPhoto stores a customer's WhatsApp photo message whose file is still
// to download.
func waPhoto(t *testing.T, s *store.Store, w waWorld, waID string) (hub.Message, store.WAMedia) {
	t.Helper()
	ctx := context.Background()
	var m hub.Message
	job := store.WAMedia{AccountID: w.acc.ID, WAID: waID, Info: []byte(`{"ID":"` + waID + `"}`), Proto: []byte{1, 2, 3}}
	err := s.Tx(ctx, func(tx *store.Store) error {
		var err error
		m, err = tx.AddWAInbound(ctx, store.WAInbound{AccountID: w.acc.ID, Chat: "c", WAID: waID, Thread: w.Thread,
			Direction: hub.DirectionIn, Body: "царапина", Author: "customer", FilesPending: true})
		if err != nil {
			return err
		}
		job.MessageID = m.ID
		return tx.QueueWAMedia(ctx, &job)
	})
	if err != nil {
		t.Fatal(err)
	}
	return m, job
}

func TestWAMediaLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newWAWorld(t, s)
		m, job := waPhoto(t, s, w, "P1")
		now := time.Now()

		due, err := s.DueWAMedia(ctx, now.Add(time.Second), 10)
		if err != nil || len(due) != 1 || due[0].ID != job.ID || string(due[0].Proto) != "\x01\x02\x03" || due[0].WAID != "P1" {
			t.Fatalf("due %+v %v", due, err)
		}
		if got, err := s.WAMediaByWAID(ctx, w.acc.ID, "P1"); err != nil || got.ID != job.ID {
			t.Fatalf("by id %+v %v", got, err)
		}
		if _, err := s.WAMediaByWAID(ctx, w.acc.ID+1, "P1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another account's: %v", err)
		}

		if err := s.PostponeWAMedia(ctx, job.ID, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if due, _ := s.DueWAMedia(ctx, now.Add(time.Second), 10); len(due) != 0 {
			t.Fatalf("postponed file is due: %+v", due)
		}
		if err := s.FailWAMediaAttempt(ctx, job.ID, "timeout", now.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkWAMediaRetryAsked(ctx, job.ID, now, now.Add(3*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.SetWAMediaProto(ctx, job.ID, []byte{9}, now.Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		due, err = s.DueWAMedia(ctx, now, 10)
		if err != nil || len(due) != 1 {
			t.Fatalf("due after a new path: %+v %v", due, err)
		}
		got := due[0]
		if got.Attempts != 1 || got.RetryAskedAt == nil || string(got.Proto) != "\x09" || got.LastError == "" {
			t.Fatalf("row %+v", got)
		}

		evBefore, err := s.ThreadEventsAfter(ctx, w.Thread.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		file := &store.InboundFile{SHA256: "abc", Name: "photo-P1.jpg", ContentType: "image/jpeg", SizeBytes: 3}
		done, err := s.FinishWAMedia(ctx, job.ID, file, nil)
		if err != nil || !done {
			t.Fatalf("finish: %v %v", done, err)
		}
		// A second worker finishing the same file stores nothing.
		if done, err := s.FinishWAMedia(ctx, job.ID, file, nil); err != nil || done {
			t.Fatalf("second finish: %v %v", done, err)
		}
		files, err := s.Attachments(ctx, m.ID)
		if err != nil || len(files) != 1 || files[0].Name != "photo-P1.jpg" {
			t.Fatalf("attachments %+v %v", files, err)
		}
		if due, _ := s.DueWAMedia(ctx, now.Add(time.Hour), 10); len(due) != 0 {
			t.Fatalf("finished file still due: %+v", due)
		}
		evAfter, err := s.ThreadEventsAfter(ctx, w.Thread.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		last := evAfter[len(evAfter)-1]
		if len(evAfter) != len(evBefore)+1 || last.Kind != hub.EventDelivery || last.MessageID == nil || *last.MessageID != m.ID {
			t.Fatalf("no live event for the new file: %+v", evAfter)
		}
		changes := changesOf(t, s, w.Branch.ID, hub.ChangeCustomerMessage)
		if len(changes) != 1 {
			t.Fatalf("customer_message changes %+v", changes)
		}
		var data struct {
			MessageID   int64  `json:"message_id"`
			Text        string `json:"text"`
			Channel     string `json:"channel"`
			Attachments []struct {
				Name   string `json:"name"`
				SHA256 string `json:"sha256"`
			} `json:"attachments"`
		}
		if err := json.Unmarshal([]byte(changes[0].Data), &data); err != nil {
			t.Fatal(err)
		}
		if data.MessageID != m.ID || data.Text != "царапина" || data.Channel != "whatsapp" || len(data.Attachments) != 1 ||
			data.Attachments[0].SHA256 != "abc" {
			t.Fatalf("change %+v", data)
		}
	})
}

func TestFinishWAMediaGivenUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newWAWorld(t, s)
		m, job := waPhoto(t, s, w, "P2")
		note := hub.SystemLine(0, "naryad", templates.SysMediaGone, map[string]string{"file": "A photo"})
		if done, err := s.FinishWAMedia(ctx, job.ID, nil, &note); err != nil || !done {
			t.Fatalf("give up: %v %v", done, err)
		}
		if files, _ := s.Attachments(ctx, m.ID); len(files) != 0 {
			t.Fatalf("attachments of a file given up: %+v", files)
		}
		msgs, err := s.Messages(ctx, w.Thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := msgs[len(msgs)-1]
		if last.Direction != hub.DirectionSystem || last.TextKey != templates.SysMediaGone ||
			last.Body != "A photo sent over WhatsApp could not be downloaded: it is no longer on the sender's phone." {
			t.Fatalf("no note: %+v", last)
		}
		changes := changesOf(t, s, w.Branch.ID, hub.ChangeCustomerMessage)
		if len(changes) != 1 {
			t.Fatalf("the DMS does not hear of the message: %+v", changes)
		}
	})
}
