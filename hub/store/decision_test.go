package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// decisionLines are a work order's one line to approve, at a price.
func decisionLines(priceMinor int64) []hub.WorkOrderLine {
	return []hub.WorkOrderLine{{ExternalID: "1", Position: 1, Kind: hub.LinePart, Name: "Brake pads",
		QtyMilli: 1000, UnitPriceMinor: priceMinor, TotalMinor: priceMinor, NeedsApproval: true}}
}

// newVersion stores what the DMS sends as version 2: the pads re-priced.
func newVersion(ctx context.Context, s *store.Store, w hub.WorkOrder, priceMinor int64) error {
	w.Version, w.TotalMinor = 2, priceMinor
	saved, err := s.SaveWorkOrder(ctx, &w)
	if err != nil || !saved {
		return errors.Join(err, errors.New("version 2 not saved"))
	}
	return s.UpsertLines(ctx, w.ID, decisionLines(priceMinor))
}

func decisionsAndChanges(t *testing.T, s *store.Store) (decided, changes int64) {
	t.Helper()
	db := s.Gorm(context.Background())
	if err := db.Table("work_order_lines").Where("decision <> ''").Count(&decided).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Table("changes").Count(&changes).Error; err != nil {
		t.Fatal(err)
	}
	return decided, changes
}

// A decision made on version 1 of a work order is not stored once the DMS
// stored version 2 (with another price), even when the DMS's transaction
// is still running as the decision comes in; on version 2 it is stored,
// with the version it answered.
func TestDecideLinesStoresNothingOnAVersionTheCustomerDidNotSee(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		if err := s.ReplaceLines(ctx, f.Order.ID, decisionLines(500000)); err != nil {
			t.Fatal(err)
		}
		lines, err := s.Lines(ctx, f.Order.ID)
		if err != nil {
			t.Fatal(err)
		}
		approve := []store.Decision{{LineID: lines[0].ID, Decision: hub.DecisionApproved}}
		ev := store.Evidence{By: "customer", IP: "203.0.113.7", UserAgent: "test", At: time.Now()}
		reviewed := f.Order // version 1, as the customer saw it

		// The DMS's write of version 2 is under way when the decision comes.
		held, release, dmsDone := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			dmsDone <- s.Tx(ctx, func(tx *store.Store) error {
				if err := newVersion(ctx, tx, f.Order, 5000000); err != nil {
					return err
				}
				close(held)
				<-release
				return nil
			})
		}()
		select {
		case <-held:
		case err := <-dmsDone:
			t.Fatalf("DMS transaction: %v", err)
		}
		decided := make(chan error, 1)
		go func() {
			_, err := s.DecideLines(ctx, reviewed, f.Thread, approve, ev)
			decided <- err
		}()
		if b.Name == "postgres" {
			// Let the decision reach the DMS's row lock before the DMS
			// commits, so the re-check after the wait is what is tested.
			// (SQLite cannot begin the decision's transaction at all until
			// the DMS's ends.)
			waitForLockWait(t, s)
		}
		close(release)
		if err := <-dmsDone; err != nil {
			t.Fatalf("DMS transaction: %v", err)
		}
		if err := <-decided; !errors.Is(err, store.ErrEstimateChanged) {
			t.Fatalf("decision on version 1 after version 2: %v, want ErrEstimateChanged", err)
		}
		if d, c := decisionsAndChanges(t, s); d != 0 || c != 0 {
			t.Fatalf("stored %d decisions and %d changes, want none", d, c)
		}

		current, err := s.WorkOrder(ctx, f.Order.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.DecideLines(ctx, current, f.Thread, approve, ev)
		if err != nil {
			t.Fatalf("decision on the current version: %v", err)
		}
		if len(got) != 1 || got[0].TotalMinor != 5000000 || got[0].DecidedVersion != 2 {
			t.Errorf("decided %+v, want the line at 5000000 answered on version 2", got)
		}
	})
}

// waitForLockWait returns once some session of the test database waits for
// a row lock.
func waitForLockWait(t *testing.T, s *store.Store) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int64
		err := s.Gorm(context.Background()).Raw(`SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting).Error
		if err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the decision never waited for the DMS's transaction")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// When the DMS re-prices a decided line, the whole decision goes with the
// old price: who decided, from where, with what browser and on which
// version, not only the answer and its time. A line the DMS sends again at
// the same price keeps its decision whole.
func TestARepricedLineKeepsNoPartOfItsOldDecision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		lines := append(decisionLines(500000), hub.WorkOrderLine{ExternalID: "2", Position: 2, Kind: hub.LineLabor,
			Name: "Fitting", QtyMilli: 1000, UnitPriceMinor: 150000, TotalMinor: 150000, NeedsApproval: true})
		if err := s.ReplaceLines(ctx, f.Order.ID, lines); err != nil {
			t.Fatal(err)
		}
		stored, err := s.Lines(ctx, f.Order.ID)
		if err != nil {
			t.Fatal(err)
		}
		ev := store.Evidence{By: "customer", IP: "203.0.113.7", UserAgent: "Mozilla/5.0 test", At: time.Now()}
		if _, err := s.DecideLines(ctx, f.Order, f.Thread, []store.Decision{
			{LineID: stored[0].ID, Decision: hub.DecisionApproved}, {LineID: stored[1].ID, Decision: hub.DecisionDeclined}}, ev); err != nil {
			t.Fatal(err)
		}

		// Version 2: the pads cost ten times more, the fitting is the same.
		lines[0].UnitPriceMinor, lines[0].TotalMinor = 5000000, 5000000
		if err := s.ReplaceLines(ctx, f.Order.ID, lines); err != nil {
			t.Fatal(err)
		}
		after, err := s.Lines(ctx, f.Order.ID)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]hub.WorkOrderLine{}
		for _, l := range after {
			byID[l.ExternalID] = l
		}
		pads, fitting := byID["1"], byID["2"]
		if pads.Decision != "" || pads.DecidedAt != nil || pads.DecidedBy != "" || pads.DecidedIP != "" ||
			pads.DecidedUA != "" || pads.DecidedVersion != 0 {
			t.Errorf("the re-priced line kept part of its old decision: %+v", pads)
		}
		if fitting.Decision != hub.DecisionDeclined || fitting.DecidedAt == nil || fitting.DecidedBy != ev.By ||
			fitting.DecidedIP != ev.IP || fitting.DecidedUA != ev.UserAgent || fitting.DecidedVersion != f.Order.Version {
			t.Errorf("the line at its old price lost its decision: %+v", fitting)
		}
	})
}
