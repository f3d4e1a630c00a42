package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// Fixture is a branch with one DMS node, one work order and its thread:
// the least a test of messages, the outbox or live events needs.
type Fixture struct {
	Branch hub.Branch
	Node   hub.DMSNode
	Order  hub.WorkOrder
	Thread hub.Thread
}

// NewFixture stores a Fixture (branch msk1, Europe/Moscow, a thread whose
// customer is +79161234567).
func NewFixture(t testing.TB, s *store.Store) Fixture {
	t.Helper()
	ctx := context.Background()
	f := Fixture{Branch: hub.Branch{Code: "msk1", Name: "Москва", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}}
	if err := s.CreateBranch(ctx, &f.Branch); err != nil {
		t.Fatal(err)
	}
	f.Node = hub.DMSNode{Name: "alfa", TokenHash: "hash-" + randomHex(8)}
	if err := s.CreateNode(ctx, &f.Node); err != nil {
		t.Fatal(err)
	}
	f.Order = hub.WorkOrder{NodeID: f.Node.ID, BranchID: f.Branch.ID, Number: "ЗН-0001234", Version: 1, OpenedAt: time.Now().UTC()}
	if _, err := s.SaveWorkOrder(ctx, &f.Order); err != nil {
		t.Fatal(err)
	}
	f.Thread = hub.Thread{BranchID: f.Branch.ID, WorkOrderID: &f.Order.ID, Phone: "+79161234567", Channel: hub.ChannelSMS}
	if err := s.CreateThread(ctx, &f.Thread); err != nil {
		t.Fatal(err)
	}
	return f
}

// Queue writes n outgoing messages to the thread in one transaction. Each
// goes to its own number (the first to the thread's), so the outbox's
// one-message-at-a-time-per-number rule does not serialise tests that are
// about claiming and retrying.
func (f Fixture) Queue(t testing.TB, s *store.Store, n int) []hub.Message {
	t.Helper()
	out := make([]hub.Message, 0, n)
	err := s.Tx(context.Background(), func(tx *store.Store) error {
		for i := range n {
			to := f.Thread.Phone
			if i > 0 {
				to = fmt.Sprintf("+7916000%04d", i)
			}
			m, err := tx.QueueMessage(context.Background(), store.Outgoing{
				ThreadID: f.Thread.ID, Channel: hub.ChannelSMS, Recipient: to, Body: fmt.Sprintf("Автомобиль готов (%d)", i),
			})
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Message loads a message or fails the test.
func Message(t testing.TB, s *store.Store, id int64) hub.Message {
	t.Helper()
	m, err := s.Message(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Outbox loads a message's outbox row or fails the test.
func Outbox(t testing.TB, s *store.Store, messageID int64) hub.OutboxItem {
	t.Helper()
	item, err := s.OutboxByMessage(context.Background(), messageID)
	if err != nil {
		t.Fatal(err)
	}
	return item
}
