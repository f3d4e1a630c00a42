package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"naryad/hub"
	"naryad/templates"
)

// ErrDecided is returned when a decision targets a line that was already
// decided (decisions are final) or does not wait for one.
var ErrDecided = errors.New("line already decided or not awaiting approval")

// ErrEstimateChanged is returned when the DMS stored a newer version of the
// work order than the one the customer decided on: its prices may differ
// from those the customer saw.
var ErrEstimateChanged = errors.New("work order changed since the customer reviewed it")

// Decision is a customer's answer on one line.
type Decision struct {
	LineID   int64
	Decision string // hub.DecisionApproved or hub.DecisionDeclined
}

// Evidence is what is kept with a decision for a later dispute.
type Evidence struct {
	By        string // who decided, e.g. "customer"
	IP        string
	UserAgent string
	At        time.Time
}

// DecideLines records the customer's decisions on a work order's lines in
// one transaction. w is the work order as the customer reviewed it: if the
// DMS has stored a newer version since, nothing is stored
// (ErrEstimateChanged); every line must still await approval, or nothing is
// stored (ErrDecided). Each decision becomes a system message in the thread
// and a line_decision change for the DMS, with the line total the customer
// saw.
func (s *Store) DecideLines(ctx context.Context, w hub.WorkOrder, t hub.Thread, decisions []Decision, ev Evidence) ([]hub.WorkOrderLine, error) {
	if len(decisions) == 0 {
		return nil, errors.New("decide lines: no decisions")
	}
	at := ev.At.UTC().Truncate(time.Microsecond)
	var decided []hub.WorkOrderLine
	err := s.Tx(ctx, func(tx *Store) error {
		db := tx.db.WithContext(ctx)
		if err := tx.holdVersion(ctx, w); err != nil {
			return err
		}
		for _, d := range decisions {
			if d.Decision != hub.DecisionApproved && d.Decision != hub.DecisionDeclined {
				return fmt.Errorf("decide line %d: unknown decision %q", d.LineID, d.Decision)
			}
			var line hub.WorkOrderLine
			res := db.Raw(`UPDATE work_order_lines SET decision = ?, decided_at = ?, decided_by = ?, decided_ip = ?, decided_ua = ?, decided_version = ?
				WHERE id = ? AND work_order_id = ? AND needs_approval AND decision = '' RETURNING *`,
				d.Decision, at, ev.By, ev.IP, ev.UserAgent, w.Version, d.LineID, w.ID).Scan(&line)
			if res.Error != nil {
				return fmt.Errorf("decide line %d: %w", d.LineID, res.Error)
			}
			if res.RowsAffected == 0 || line.ID == 0 {
				return fmt.Errorf("decide line %d: %w", d.LineID, ErrDecided)
			}
			decided = append(decided, line)
		}
		if err := tx.declinedWorkOf(ctx, w, decided, at); err != nil {
			return err
		}
		for _, line := range decided {
			note := decisionNote(t.ID, ev.By, line, w.Currency)
			if err := tx.AddMessage(ctx, &note); err != nil {
				return err
			}
			change := hub.Change{BranchID: t.BranchID, OccurredAt: at,
				WorkOrderID: &w.ID, WorkOrderNumber: w.Number}
			if err := tx.AppendChange(ctx, &change, hub.LineDecisionData{
				LineID: line.ExternalID, Name: line.Name, Decision: line.Decision, TotalMinor: line.TotalMinor,
				DecidedAt: at, DecidedBy: ev.By, IP: ev.IP, UserAgent: ev.UserAgent,
			}); err != nil {
				return err
			}
		}
		return tx.AppendOrderEvent(ctx, t)
	})
	if err != nil {
		return nil, err
	}
	return decided, nil
}

// holdVersion checks, inside a transaction, that the work order is still at
// w.Version, and keeps it there until the transaction ends. The no-op UPDATE
// takes the row's write lock: the DMS's write of a newer version waits for
// this transaction, and one already under way makes this statement wait and
// then find the new version (PostgreSQL re-reads the row; SQLite runs one
// writer at a time). So the decisions are stored against the prices the
// customer saw, or not at all.
func (s *Store) holdVersion(ctx context.Context, w hub.WorkOrder) error {
	res := s.db.WithContext(ctx).Exec(`UPDATE work_orders SET version = version WHERE id = ? AND version = ?`, w.ID, w.Version)
	if res.Error != nil {
		return fmt.Errorf("hold work order %d at version %d: %w", w.ID, w.Version, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("work order %d, version %d: %w", w.ID, w.Version, ErrEstimateChanged)
	}
	return nil
}

// decisionNote is the staff-facing record of a decision in the thread.
func decisionNote(threadID int64, by string, l hub.WorkOrderLine, currency string) hub.Message {
	key := templates.SysDecisionApproved
	if l.Decision == hub.DecisionDeclined {
		key = templates.SysDecisionDeclined
	}
	return hub.SystemLine(threadID, by, key, map[string]string{
		"name": l.Name, "total_minor": strconv.FormatInt(l.TotalMinor, 10), "currency": currency})
}
