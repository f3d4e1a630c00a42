package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"naryad/hub"
	"naryad/migrations"
)

// txBuffer holds the append-only rows of a transaction — thread events,
// status steps, odometer readings, outbox rows, thread activity — and writes each kind
// in one multi-row statement just before the commit. An ingest batch of a
// hundred work orders then costs a few statements for these instead of
// hundreds. Nothing inside the transaction reads these rows back.
type txBuffer struct {
	events   []hub.ThreadEvent
	branchOf map[int64]int64 // thread → branch, for events
	steps    []hub.StatusChange
	mileage  []mileageReading
	touched  map[int64]time.Time // thread → latest activity
	outbox   []hub.OutboxItem
}

type mileageReading struct {
	vehicleID int64
	km        int
	at        time.Time
}

func newTxBuffer() *txBuffer {
	return &txBuffer{branchOf: map[int64]int64{}, touched: map[int64]time.Time{}}
}

// flush writes everything buffered; run by Tx just before the commit.
func (s *Store) flush(ctx context.Context) error {
	b := s.buf
	db := s.db.WithContext(ctx)
	if len(b.steps) > 0 {
		if err := db.CreateInBatches(b.steps, 500).Error; err != nil {
			return fmt.Errorf("record %d status steps: %w", len(b.steps), err)
		}
		b.steps = nil
	}
	if len(b.outbox) > 0 {
		if err := db.CreateInBatches(b.outbox, 300).Error; err != nil {
			return fmt.Errorf("queue %d messages: %w", len(b.outbox), err)
		}
		b.outbox = nil
	}
	if err := s.flushMileage(ctx); err != nil {
		return err
	}
	if err := s.flushTouches(ctx); err != nil {
		return err
	}
	return s.flushEvents(ctx)
}

func (s *Store) flushMileage(ctx context.Context) error {
	rows := s.buf.mileage
	for start := 0; start < len(rows); start += 300 {
		chunk := rows[start:min(start+300, len(rows))]
		args := make([]any, 0, 3*len(chunk))
		for _, r := range chunk {
			args = append(args, r.vehicleID, r.km, r.at)
		}
		q := insertIgnoring("mileage_readings", "vehicle_id, mileage_km, read_at", len(chunk), 3)
		if err := s.db.WithContext(ctx).Exec(q, args...).Error; err != nil {
			return fmt.Errorf("add %d mileage readings: %w", len(chunk), err)
		}
	}
	s.buf.mileage = nil
	return nil
}

// flushTouches moves each touched thread's activity forward in one UPDATE.
func (s *Store) flushTouches(ctx context.Context) error {
	if len(s.buf.touched) == 0 {
		return nil
	}
	// Both databases take UPDATE … FROM (VALUES …). PostgreSQL needs the
	// parameters' types spelled out; SQLite names VALUES' columns itself.
	group, id, at := "(?::bigint, ?::timestamptz)", "v.id", "v.at"
	if s.dialect == migrations.SQLite {
		group, id, at = "(?, ?)", "v.column1", "v.column2"
	}
	groups := make([]string, 0, len(s.buf.touched))
	args := make([]any, 0, 2*len(s.buf.touched))
	for thread, when := range s.buf.touched {
		groups = append(groups, group)
		args = append(args, thread, when)
	}
	alias := " AS v(id, at)"
	if s.dialect == migrations.SQLite {
		alias = " AS v"
	}
	q := "UPDATE threads SET last_activity_at = " + at + " FROM (VALUES " + strings.Join(groups, ", ") + ")" + alias +
		" WHERE threads.id = " + id + " AND threads.last_activity_at < " + at
	if err := s.db.WithContext(ctx).Exec(q, args...).Error; err != nil {
		return fmt.Errorf("touch %d threads: %w", len(s.buf.touched), err)
	}
	clear(s.buf.touched)
	return nil
}
