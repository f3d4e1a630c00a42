package store_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func mustBranch(t *testing.T, s *store.Store, code string) hub.Branch {
	t.Helper()
	b := hub.Branch{Code: code, Name: code, Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
	if err := s.CreateBranch(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b
}

// A reader that always asks for what follows the last number it saw must
// see every change, even when writers commit out of numbering order — which
// on PostgreSQL a plain sequence allows. Writers here hold their transaction
// open for a random while after numbering.
func TestFeedReaderNeverSkipsALateCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		b := mustBranch(t, s, "MSK1")
		const writers, perWriter = 6, 15
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(w), 1))
				for range perWriter {
					err := s.Tx(ctx, func(tx *store.Store) error {
						if err := tx.AppendChange(ctx, &hub.Change{BranchID: b.ID}, hub.CustomerMessageData{ThreadID: int64(w)}); err != nil {
							return err
						}
						time.Sleep(time.Duration(r.IntN(3)) * time.Millisecond)
						return nil
					})
					if err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()

		seen := map[int64]bool{}
		var after int64
		deadline := time.After(60 * time.Second)
		for finished := false; ; {
			select {
			case <-done:
				finished = true
			case <-deadline:
				t.Fatal("reader did not finish")
			default:
			}
			page, err := s.ChangesAfter(ctx, []int64{b.ID}, after, 7)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				if c.Seq <= after || seen[c.Seq] {
					t.Fatalf("change %d seen twice or out of order (after %d)", c.Seq, after)
				}
				seen[c.Seq] = true
				after = c.Seq
			}
			if finished && len(page) == 0 {
				break
			}
		}
		if len(seen) != writers*perWriter {
			t.Fatalf("reader saw %d changes, want %d", len(seen), writers*perWriter)
		}
	})
}

func TestChangesAreScopedToBranches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		a, b := mustBranch(t, s, "A"), mustBranch(t, s, "B")
		for _, br := range []hub.Branch{a, b, a} {
			if err := s.Tx(ctx, func(tx *store.Store) error {
				return tx.AppendChange(ctx, &hub.Change{BranchID: br.ID}, hub.LeadData{})
			}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.ChangesAfter(ctx, []int64{a.ID}, 0, 10)
		if err != nil || len(got) != 2 || got[0].Seq != 1 || got[1].Seq != 3 {
			t.Fatalf("changes of A = %+v, %v", got, err)
		}
	})
}

// A change takes its type from its data, and a type set that the data
// does not belong to stores nothing: a payload never goes out under
// another type's name.
func TestChangeTypeComesFromItsData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		b := mustBranch(t, s, "MSK1")
		err := s.Tx(ctx, func(tx *store.Store) error {
			return tx.AppendChange(ctx, &hub.Change{BranchID: b.ID, Type: hub.ChangeLead}, hub.FeedbackData{Score: 9})
		})
		if err == nil {
			t.Fatal("a feedback payload was stored as a lead change")
		}
		err = s.Tx(ctx, func(tx *store.Store) error {
			return tx.AppendChange(ctx, &hub.Change{BranchID: b.ID}, hub.FeedbackData{Score: 9})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.ChangesAfter(ctx, []int64{b.ID}, 0, 10)
		if err != nil || len(got) != 1 || got[0].Type != hub.ChangeFeedback || got[0].Seq != 1 {
			t.Fatalf("changes = %+v, %v; want the one feedback change, numbered 1", got, err)
		}
	})
}
