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

// smsOnly is what an SMS pool claims.
var smsOnly = []string{hub.ChannelSMS}

func claimOne(t *testing.T, s *store.Store, lease time.Duration) hub.OutboxItem {
	t.Helper()
	items, err := s.ClaimOutbox(context.Background(), 1, lease, smsOnly)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 {
		t.Fatalf("claimed %d items, want 1", len(items))
	}
	return items[0]
}

func deliveryFailedChanges(t *testing.T, s *store.Store, branchID int64) []hub.Change {
	t.Helper()
	all, err := s.ChangesAfter(context.Background(), []int64{branchID}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []hub.Change
	for _, c := range all {
		if c.Type == hub.ChangeDeliveryFailed {
			out = append(out, c)
		}
	}
	return out
}

func TestClaimOutboxLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		msgs := f.Queue(t, s, 1)

		const lease = 300 * time.Millisecond
		first := claimOne(t, s, lease)
		if first.MessageID != msgs[0].ID || first.Recipient != f.Thread.Phone || first.LeaseUntil == nil {
			t.Fatalf("claimed %+v, want message %d to %s with a lease", first, msgs[0].ID, f.Thread.Phone)
		}
		if again, err := s.ClaimOutbox(ctx, 10, lease, smsOnly); err != nil || len(again) != 0 {
			t.Fatalf("claim while leased = %d items, %v; want none", len(again), err)
		}

		// The worker holding first "crashed": the row comes back after the lease.
		var second hub.OutboxItem
		storetest.WaitFor(t, 5*time.Second, func() bool {
			items, err := s.ClaimOutbox(ctx, 10, time.Minute, smsOnly)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) == 1 {
				second = items[0]
			}
			return len(items) > 0
		})
		if second.ID != first.ID {
			t.Fatalf("reclaimed item %d, want %d", second.ID, first.ID)
		}
		if !second.LeaseUntil.After(*first.LeaseUntil) {
			t.Fatalf("new lease %v is not after the lapsed one %v", second.LeaseUntil, first.LeaseUntil)
		}

		// The old claim can no longer write its result; the new one can.
		if err := s.MarkOutboxSent(ctx, first, accepted(first, "SM1"), hub.DeliverySent); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("mark with lapsed claim: err = %v, want ErrLeaseLost", err)
		}
		// Its attempt is kept all the same, and the new claim sees that a
		// provider accepted the message already.
		if a, found, err := s.AcceptedAttempt(ctx, second); err != nil || !found || a.ProviderID != "SM1" {
			t.Fatalf("accepted attempt after a lost lease: %+v %v %v", a, found, err)
		}
		if err := s.MarkOutboxRetry(ctx, first, 1, time.Now(), "late"); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("retry with lapsed claim: err = %v, want ErrLeaseLost", err)
		}
		if err := s.MarkOutboxSent(ctx, second, accepted(second, "SM2"), hub.DeliverySent); err != nil {
			t.Fatal(err)
		}
		if m := storetest.Message(t, s, msgs[0].ID); m.Delivery != hub.DeliverySent || m.ProviderID != "SM2" {
			t.Fatalf("message = %s %q, want sent SM2", m.Delivery, m.ProviderID)
		}
		if item := storetest.Outbox(t, s, msgs[0].ID); item.State != hub.OutboxDone || item.LeaseUntil != nil {
			t.Fatalf("outbox = %s lease %v, want done without lease", item.State, item.LeaseUntil)
		}
		if items, err := s.ClaimOutbox(ctx, 10, time.Minute, smsOnly); err != nil || len(items) != 0 {
			t.Fatalf("claim after done = %d items, %v; want none", len(items), err)
		}
	})
}

func TestClaimOutboxOnlyDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		msgs := f.Queue(t, s, 3)

		items, err := s.ClaimOutbox(ctx, 2, time.Minute, smsOnly)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 2 || items[0].MessageID != msgs[0].ID || items[1].MessageID != msgs[1].ID {
			t.Fatalf("claimed %+v, want the two oldest", items)
		}
		if err := s.MarkOutboxRetry(ctx, items[0], 1, time.Now().Add(time.Hour), "busy"); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkOutboxFailed(ctx, items[1], 1, "invalid number"); err != nil {
			t.Fatal(err)
		}
		rest, err := s.ClaimOutbox(ctx, 10, time.Minute, smsOnly)
		if err != nil {
			t.Fatal(err)
		}
		if len(rest) != 1 || rest[0].MessageID != msgs[2].ID {
			t.Fatalf("claimed %+v, want only message %d (one waits an hour, one failed)", rest, msgs[2].ID)
		}

		retried := storetest.Outbox(t, s, msgs[0].ID)
		if retried.State != hub.OutboxPending || retried.Attempts != 1 || retried.LastError != "busy" || retried.LeaseUntil != nil {
			t.Fatalf("retried item = %+v", retried)
		}
		if m := storetest.Message(t, s, msgs[0].ID); m.Delivery != hub.DeliveryQueued || m.Error != "busy" {
			t.Fatalf("retried message = %s %q, want queued with the error shown", m.Delivery, m.Error)
		}
	})
}

func TestClaimOutboxConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		f := storetest.NewFixture(t, s)
		const total = 120
		f.Queue(t, s, total)
		stores := []*store.Store{s, storetest.Open(t, b)} // a second handle stands in for a second process

		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			st := stores[i%2]
			wg.Go(func() {
				for {
					items, err := st.ClaimOutbox(context.Background(), 5, time.Minute, smsOnly)
					if err != nil {
						errs <- err
						return
					}
					if len(items) == 0 {
						return
					}
					mu.Lock()
					for _, it := range items {
						seen[it.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != total {
			t.Fatalf("claimed %d distinct items, want %d", len(seen), total)
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("item %d claimed %d times", id, n)
			}
		}
	})
}

func TestMarkOutboxFailed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		msgs := f.Queue(t, s, 1)
		item := claimOne(t, s, time.Minute)
		a := hub.DeliveryAttempt{OutboxID: item.ID, Attempt: 1, Provider: "twilio", Error: "invalid number",
			StartedAt: time.Now(), FinishedAt: time.Now()}
		if err := s.RecordDeliveryAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkOutboxFailed(ctx, item, 1, "invalid number"); err != nil {
			t.Fatal(err)
		}

		if m := storetest.Message(t, s, msgs[0].ID); m.Delivery != hub.DeliveryFailed || m.Error != "invalid number" {
			t.Fatalf("message = %s %q, want failed with the provider's error", m.Delivery, m.Error)
		}
		if got := storetest.Outbox(t, s, msgs[0].ID); got.State != hub.OutboxFailed || got.LastError != "invalid number" || got.LeaseUntil != nil {
			t.Fatalf("outbox = %+v", got)
		}
		attempts, err := s.DeliveryAttempts(ctx, item.ID)
		if err != nil || len(attempts) != 1 || attempts[0].Provider != "twilio" {
			t.Fatalf("attempts = %+v, %v", attempts, err)
		}
		changes := deliveryFailedChanges(t, s, f.Branch.ID)
		if len(changes) != 1 {
			t.Fatalf("%d delivery_failed changes, want 1", len(changes))
		}
		c := changes[0]
		if c.WorkOrderNumber != f.Order.Number || c.WorkOrderID == nil || *c.WorkOrderID != f.Order.ID {
			t.Fatalf("change work order = %v %q, want %d %q", c.WorkOrderID, c.WorkOrderNumber, f.Order.ID, f.Order.Number)
		}
		var data map[string]any
		if err := json.Unmarshal([]byte(c.Data), &data); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"message_id": float64(msgs[0].ID), "thread_id": float64(f.Thread.ID),
			"error": "invalid number", "recipient": f.Thread.Phone}
		for k, v := range want {
			if data[k] != v {
				t.Errorf("data[%s] = %v, want %v (data %s)", k, data[k], v, c.Data)
			}
		}
	})
}

func TestUpdateDeliveryByProviderID(t *testing.T) {
	tests := []struct {
		name        string
		start       string // delivery state the message reaches first
		report      string
		want        string
		wantChanges int
	}{
		{"sent to delivered", hub.DeliverySent, hub.DeliveryDelivered, hub.DeliveryDelivered, 0},
		{"sent to read", hub.DeliverySent, hub.DeliveryRead, hub.DeliveryRead, 0},
		{"delivered to read", hub.DeliveryDelivered, hub.DeliveryRead, hub.DeliveryRead, 0},
		{"sent again", hub.DeliverySent, hub.DeliverySent, hub.DeliverySent, 0},
		{"delivered never back to sent", hub.DeliveryDelivered, hub.DeliverySent, hub.DeliveryDelivered, 0},
		{"read never back to delivered", hub.DeliveryRead, hub.DeliveryDelivered, hub.DeliveryRead, 0},
		{"sent to failed", hub.DeliverySent, hub.DeliveryFailed, hub.DeliveryFailed, 1},
		{"delivered never failed", hub.DeliveryDelivered, hub.DeliveryFailed, hub.DeliveryDelivered, 0},
		{"read never failed", hub.DeliveryRead, hub.DeliveryFailed, hub.DeliveryRead, 0},
		{"failed stays failed", hub.DeliveryFailed, hub.DeliverySent, hub.DeliveryFailed, 1},
		{"failed reported twice", hub.DeliveryFailed, hub.DeliveryFailed, hub.DeliveryFailed, 1},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				msgs := f.Queue(t, s, 1)
				before := len(deliveryFailedChanges(t, s, f.Branch.ID))
				pid := fmt.Sprintf("SM%d", i)
				item := claimOne(t, s, time.Minute)
				if err := s.MarkOutboxSent(ctx, item, accepted(item, pid), hub.DeliverySent); err != nil {
					t.Fatal(err)
				}
				if tt.start != hub.DeliverySent {
					found, err := s.UpdateDeliveryByProviderID(ctx, pid, tt.start, "30003: Unreachable destination handset")
					if err != nil || !found {
						t.Fatalf("move to %s: found %v, err %v", tt.start, found, err)
					}
				}
				found, err := s.UpdateDeliveryByProviderID(ctx, pid, tt.report, "30003: Unreachable destination handset")
				if err != nil || !found {
					t.Fatalf("report %s: found %v, err %v", tt.report, found, err)
				}
				m := storetest.Message(t, s, msgs[0].ID)
				if m.Delivery != tt.want {
					t.Fatalf("delivery = %s, want %s", m.Delivery, tt.want)
				}
				if tt.want == hub.DeliveryFailed {
					if m.Error != "30003: Unreachable destination handset" {
						t.Errorf("error = %q", m.Error)
					}
					if item := storetest.Outbox(t, s, m.ID); item.State != hub.OutboxFailed {
						t.Errorf("outbox state = %s, want failed", item.State)
					}
				} else if m.Error != "" {
					t.Errorf("error = %q, want none", m.Error)
				}
				if got := len(deliveryFailedChanges(t, s, f.Branch.ID)) - before; got != tt.wantChanges {
					t.Errorf("%d delivery_failed changes appended, want %d", got, tt.wantChanges)
				}
			})
		}

		found, err := s.UpdateDeliveryByProviderID(ctx, "SM-unknown", hub.DeliveryDelivered, "")
		if err != nil || found {
			t.Fatalf("unknown provider id: found %v, err %v", found, err)
		}
		if _, err := s.UpdateDeliveryByProviderID(ctx, "SM0", "undelivered", ""); err == nil {
			t.Fatal("an unknown state was accepted")
		}
	})
}

func TestRequeueMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		msgs := f.Queue(t, s, 1)
		id := msgs[0].ID

		if err := s.RequeueMessage(ctx, id, ""); !errors.Is(err, store.ErrNotFailed) {
			t.Fatalf("requeue a queued message: err = %v, want ErrNotFailed", err)
		}
		if err := s.RequeueMessage(ctx, id+1000, ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("requeue a missing message: err = %v, want ErrNotFound", err)
		}

		item := claimOne(t, s, time.Minute)
		if err := s.MarkOutboxRetry(ctx, item, 1, time.Now(), "busy"); err != nil {
			t.Fatal(err)
		}
		item = claimOne(t, s, time.Minute)
		if err := s.MarkOutboxFailed(ctx, item, 2, "invalid number"); err != nil {
			t.Fatal(err)
		}
		// The advisor corrects the number in the DMS, then resends.
		if err := s.UpdateThreadContact(ctx, f.Thread.ID, nil, "+79169998877"); err != nil {
			t.Fatal(err)
		}
		if err := s.RequeueMessage(ctx, id, ""); err != nil {
			t.Fatal(err)
		}
		if m := storetest.Message(t, s, id); m.Delivery != hub.DeliveryQueued || m.Error != "" || m.ProviderID != "" {
			t.Fatalf("message = %+v, want queued without error", m)
		}
		again := claimOne(t, s, time.Minute)
		if again.ID != item.ID || again.Attempts != 0 || again.LastError != "" || again.Recipient != "+79169998877" {
			t.Fatalf("requeued item = %+v, want item %d, no attempts, the new number", again, item.ID)
		}
		if err := s.RequeueMessage(ctx, id, ""); !errors.Is(err, store.ErrNotFailed) {
			t.Fatalf("requeue twice: err = %v, want ErrNotFailed", err)
		}
	})
}

func TestRequeueMessageWithoutOutboxRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		var m hub.Message
		err := s.Tx(ctx, func(tx *store.Store) error {
			var err error
			m, err = tx.QueueMessage(ctx, store.Outgoing{ThreadID: f.Thread.ID, Channel: hub.ChannelSMS, Body: "Готово"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if m.Delivery != hub.DeliveryFailed {
			t.Fatalf("message without recipient is %s, want failed", m.Delivery)
		}
		if err := s.RequeueMessage(ctx, m.ID, ""); err != nil {
			t.Fatal(err)
		}
		item := claimOne(t, s, time.Minute)
		if item.MessageID != m.ID || item.Recipient != f.Thread.Phone || item.Body != "Готово" || item.Channel != hub.ChannelSMS {
			t.Fatalf("new outbox row = %+v", item)
		}
	})
}

func TestOutboxStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		pending, failed, oldest, err := s.OutboxStats(ctx)
		if err != nil || pending != 0 || failed != 0 || oldest != nil {
			t.Fatalf("empty stats = %d, %d, %v, %v", pending, failed, oldest, err)
		}
		f := storetest.NewFixture(t, s)
		msgs := f.Queue(t, s, 3)
		if err := s.MarkOutboxFailed(ctx, claimOne(t, s, time.Minute), 1, "invalid number"); err != nil {
			t.Fatal(err)
		}
		pending, failed, oldest, err = s.OutboxStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if pending != 2 || failed != 1 {
			t.Fatalf("pending %d, failed %d; want 2, 1", pending, failed)
		}
		if oldest == nil || !oldest.Equal(msgs[1].CreatedAt) {
			t.Fatalf("oldest pending = %v, want %v", oldest, msgs[1].CreatedAt)
		}
	})
}

// TestClaimOutboxOnlyItsChannels: a claim takes only items of the channels
// asked for (a pool's senders), so the SMS pool every instance runs never
// takes WhatsApp items and the other way round; no channels, nothing.
func TestClaimOutboxOnlyItsChannels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		byChannel := map[string]int64{}
		for _, ch := range []string{hub.ChannelWhatsApp, hub.ChannelSMS} {
			m, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: f.Thread.ID, Channel: ch, Recipient: f.Thread.Phone, Body: "Готово (" + ch + ")"})
			if err != nil {
				t.Fatal(err)
			}
			byChannel[ch] = m.ID
		}
		if items, err := s.ClaimOutbox(ctx, 10, time.Minute, nil); err != nil || len(items) != 0 {
			t.Fatalf("claim with no channels = %d items, %v; want none", len(items), err)
		}
		for _, ch := range []string{hub.ChannelSMS, hub.ChannelWhatsApp} {
			items, err := s.ClaimOutbox(ctx, 10, time.Minute, []string{ch})
			if err != nil {
				t.Fatal(err)
			}
			// The same number on the other channel does not hold it back.
			if len(items) != 1 || items[0].MessageID != byChannel[ch] || items[0].Channel != ch {
				t.Fatalf("%s claim = %+v, want only message %d", ch, items, byChannel[ch])
			}
		}
	})
}

func TestClaimOutboxKeepsOneRecipientsMessagesInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		var msgs []hub.Message
		for _, body := range []string{"Начали работы", "Согласуйте смету"} {
			err := s.Tx(ctx, func(tx *store.Store) error {
				m, err := tx.QueueMessage(ctx, store.Outgoing{ThreadID: f.Thread.ID, Channel: hub.ChannelSMS, Recipient: f.Thread.Phone, Body: body})
				msgs = append(msgs, m)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		first := claimOne(t, s, time.Minute)
		if first.MessageID != msgs[0].ID {
			t.Fatalf("claimed message %d first, want %d", first.MessageID, msgs[0].ID)
		}
		// The second waits while the first is being sent, and while it
		// waits for a retry.
		if items, _ := s.ClaimOutbox(ctx, 10, time.Minute, smsOnly); len(items) != 0 {
			t.Fatalf("claimed %d items while the older one is in flight", len(items))
		}
		if err := s.MarkOutboxRetry(ctx, first, 1, time.Now().Add(-time.Second), "busy"); err != nil {
			t.Fatal(err)
		}
		if again := claimOne(t, s, time.Minute); again.MessageID != msgs[0].ID {
			t.Fatalf("after a retry, claimed message %d, want %d again", again.MessageID, msgs[0].ID)
		} else if err := s.MarkOutboxSent(ctx, again, accepted(again, "SM1"), hub.DeliverySent); err != nil {
			t.Fatal(err)
		}
		if next := claimOne(t, s, time.Minute); next.MessageID != msgs[1].ID {
			t.Fatalf("claimed message %d, want %d once the first was sent", next.MessageID, msgs[1].ID)
		}
	})
}

// accepted is an attempt at item that the provider accepted under pid.
func accepted(item hub.OutboxItem, pid string) *hub.DeliveryAttempt {
	return &hub.DeliveryAttempt{OutboxID: item.ID, Attempt: item.Attempts + 1, Provider: "test", ProviderID: pid,
		StartedAt: time.Now(), FinishedAt: time.Now()}
}
