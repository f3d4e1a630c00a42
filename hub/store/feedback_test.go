package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// feedbackOrder stores a work order of a new customer with its thread, in
// a status, handed over at a moment (nil: not handed over).
func feedbackOrder(t *testing.T, s *store.Store, f storetest.Fixture, n int, status string, handed *time.Time) (hub.WorkOrder, hub.Thread) {
	t.Helper()
	ctx := t.Context()
	phone := fmt.Sprintf("+7916555%04d", n)
	cust, err := s.UpsertCustomer(ctx, store.CustomerData{NodeID: f.Node.ID, ExternalID: fmt.Sprint("F", n), Name: "Иван", Phones: []string{phone}})
	if err != nil {
		t.Fatal(err)
	}
	w := hub.WorkOrder{NodeID: f.Node.ID, BranchID: f.Branch.ID, Number: fmt.Sprint("FB-", n), Version: 1,
		CustomerID: &cust, Status: status, HandedOverAt: handed, OpenedAt: time.Now().UTC()}
	if _, err := s.SaveWorkOrder(ctx, &w); err != nil {
		t.Fatal(err)
	}
	th := hub.Thread{BranchID: f.Branch.ID, WorkOrderID: &w.ID, CustomerID: &cust, Phone: phone, Channel: hub.ChannelSMS}
	if err := s.CreateThread(ctx, &th); err != nil {
		t.Fatal(err)
	}
	return w, th
}

// The orders to ask are the delivered ones handed over in the window, with
// a customer, not scored yet.
func TestFeedbackToAsk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		from := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
		before := time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC)
		at := func(d time.Time) *time.Time { return &d }
		inWindow, _ := feedbackOrder(t, s, f, 1, hub.StatusDelivered, at(from))
		feedbackOrder(t, s, f, 2, hub.StatusDelivered, at(from.Add(-time.Second)))  // too old
		feedbackOrder(t, s, f, 3, hub.StatusDelivered, at(before))                  // today
		feedbackOrder(t, s, f, 4, hub.StatusInProgress, at(before.Add(-time.Hour))) // reopened
		feedbackOrder(t, s, f, 5, hub.StatusDelivered, nil)                         // no hand-over
		scored, scoredThread := feedbackOrder(t, s, f, 6, hub.StatusDelivered, at(before.Add(-time.Hour)))
		reply, err := s.AddCustomerMessage(ctx, scoredThread, "10", "web", nil)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := s.RecordFeedback(ctx, scored, reply, 10); err != nil || !ok {
			t.Fatalf("record feedback: %v %v", ok, err)
		}

		got, err := s.FeedbackToAsk(ctx, f.Branch.ID, from, before)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].WorkOrderID != inWindow.ID || got[0].WorkOrderNumber != "FB-1" ||
			got[0].CustomerID != *inWindow.CustomerID || got[0].ThreadID == 0 || !got[0].HandedOverAt.Equal(from) {
			t.Fatalf("to ask %+v, want only FB-1", got)
		}
	})
}

// A work order awaits a score once its customer was asked and until the
// first score; a second one changes nothing.
func TestRecordFeedbackFirstReplyCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		handed := time.Now().UTC().Add(-24 * time.Hour)
		w, th := feedbackOrder(t, s, f, 1, hub.StatusDelivered, &handed)
		subject := fmt.Sprint("work_order:", w.ID)
		awaiting := func() bool {
			t.Helper()
			_, ok, err := s.AwaitingScore(ctx, w.ID, "feedback", subject)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if awaiting() {
			t.Fatal("awaiting a score before the customer was asked")
		}
		_, claimed, err := s.ClaimReminder(ctx, store.LedgerEntry{
			LedgerKey: store.LedgerKey{CustomerID: *w.CustomerID, Rule: "feedback", Subject: subject, Occasion: "ask"},
			BranchID:  f.Branch.ID, DueAt: handed, LocalDate: "2026-05-11",
		})
		if err != nil || !claimed {
			t.Fatalf("claim: %v %v", claimed, err)
		}
		if !awaiting() {
			t.Fatal("not awaiting a score after the customer was asked")
		}
		last, err := s.LastSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}

		first, _ := s.AddCustomerMessage(ctx, th, "8/10", "web", nil)
		if ok, err := s.RecordFeedback(ctx, w, first, 8); err != nil || !ok {
			t.Fatalf("first score: %v %v", ok, err)
		}
		second, _ := s.AddCustomerMessage(ctx, th, "2", "web", nil)
		if ok, err := s.RecordFeedback(ctx, w, second, 2); err != nil || ok {
			t.Fatalf("second score recorded=%v err=%v, want it ignored", ok, err)
		}
		if awaiting() {
			t.Fatal("still awaiting a score after one was given")
		}
		got, err := s.FeedbackScoreOf(ctx, w.ID)
		if err != nil || got.Score != 8 || got.MessageID != first.ID || got.ThreadID != th.ID || got.BranchID != f.Branch.ID {
			t.Fatalf("score %+v %v, want 8 from the first reply", got, err)
		}
		if _, err := s.FeedbackScoreOf(ctx, f.Order.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("score of an unscored order: %v, want ErrNotFound", err)
		}

		changes, err := s.ChangesAfter(ctx, []int64{f.Branch.ID}, last, 100)
		if err != nil {
			t.Fatal(err)
		}
		var feedback []hub.Change
		for _, c := range changes {
			if c.Type == hub.ChangeFeedback {
				feedback = append(feedback, c)
			}
		}
		if len(feedback) != 1 || feedback[0].WorkOrderNumber != w.Number || *feedback[0].WorkOrderID != w.ID {
			t.Fatalf("feedback changes %+v, want one for %s", feedback, w.Number)
		}
		var data map[string]any
		if err := json.Unmarshal([]byte(feedback[0].Data), &data); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"work_order_id": float64(w.ID), "work_order_number": w.Number, "score": float64(8),
			"message_id": float64(first.ID), "text": "8/10"}
		for k, v := range want {
			if data[k] != v {
				t.Errorf("change data %s = %v, want %v", k, data[k], v)
			}
		}
		msgs, err := s.Messages(ctx, th.ID)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, m := range msgs {
			if m.Direction == hub.DirectionSystem {
				lines = append(lines, m.Body)
			}
		}
		if len(lines) != 1 || lines[0] != "Feedback score: 8/10" {
			t.Fatalf("system lines %q, want one for the first score", lines)
		}
	})
}
