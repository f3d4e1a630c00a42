package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A branch's channel rule per reminder rule: thread only until set, one
// channel at least, saved again in place.
func TestReminderChannels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		c, err := s.ReminderChannelOf(ctx, f.Branch.ID, "expiring")
		if err != nil || !c.Thread || c.Email {
			t.Fatalf("default = %+v, %v; want the thread only", c, err)
		}
		if err := s.SetReminderChannel(ctx, store.ReminderChannel{BranchID: f.Branch.ID, Rule: "expiring"}); !errors.Is(err, store.ErrBadChannels) {
			t.Fatalf("no channel: %v, want ErrBadChannels", err)
		}
		for _, want := range []store.ReminderChannel{{Thread: true, Email: true}, {Email: true}} {
			want.BranchID, want.Rule = f.Branch.ID, "expiring"
			if err := s.SetReminderChannel(ctx, want); err != nil {
				t.Fatal(err)
			}
			got, err := s.ReminderChannelOf(ctx, f.Branch.ID, "expiring")
			if err != nil || got.Thread != want.Thread || got.Email != want.Email {
				t.Fatalf("got %+v, %v; want %+v", got, err, want)
			}
		}
		all, err := s.ReminderChannels(ctx, f.Branch.ID)
		if err != nil || len(all) != 1 || !all["expiring"].Email || all["expiring"].Thread {
			t.Fatalf("all = %+v, %v", all, err)
		}
	})
}

// A phone's own choice: set, changed, cleared; an unknown one refused.
func TestChannelChoice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		const phone = "+48601000001"
		if got, err := s.ChannelChoice(ctx, phone); err != nil || got != "" {
			t.Fatalf("none = %q, %v", got, err)
		}
		if err := s.SetChannelChoice(ctx, phone, "pigeon"); !errors.Is(err, store.ErrBadChannels) {
			t.Fatalf("unknown choice: %v", err)
		}
		for _, c := range []string{store.ChannelChoiceEmail, store.ChannelChoiceBoth, ""} {
			if err := s.SetChannelChoice(ctx, phone, c); err != nil {
				t.Fatal(err)
			}
			if got, err := s.ChannelChoice(ctx, phone); err != nil || got != c {
				t.Fatalf("choice = %q, %v; want %q", got, err, c)
			}
		}
	})
}

// An unsubscribe refuses the purpose on every phone of the customer, from
// the "email" source; 15 at once change it once per phone.
func TestRefuseForCustomer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		phones := []string{"+48601000002", "+48601000003"}
		id, err := s.UpsertCustomer(ctx, store.CustomerData{NodeID: f.Node.ID, ExternalID: "K-1", Name: "Anna", Phones: phones})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 15 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := s.RefuseForCustomer(ctx, id, store.ConsentReminders, store.ConsentFromEmail, time.Now())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		if total != len(phones) {
			t.Fatalf("changes = %d, want one per phone", total)
		}
		for _, p := range phones {
			hist, err := s.ConsentHistory(ctx, p)
			if err != nil || len(hist) != 1 || hist[0].Source != store.ConsentFromEmail || hist[0].Granted {
				t.Fatalf("history of %s = %+v, %v", p, hist, err)
			}
		}
		if out, err := s.CustomerOptedOut(ctx, id); err != nil || !out {
			t.Fatalf("opted out = %v, %v; want the reminders stopped", out, err)
		}
	})
}
