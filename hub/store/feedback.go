package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"naryad/hub"
	"naryad/templates"
)

// FeedbackAsk is a delivered work order whose customer may be asked how
// the visit went.
type FeedbackAsk struct {
	WorkOrderID     int64
	WorkOrderNumber string
	CustomerID      int64
	ThreadID        int64
	HandedOverAt    time.Time
}

// FeedbackToAsk lists a branch's work orders handed over in [from, before),
// still delivered (not reopened or cancelled since), with a customer and a
// thread, and not scored yet; earliest hand-over first.
func (s *Store) FeedbackToAsk(ctx context.Context, branchID int64, from, before time.Time) ([]FeedbackAsk, error) {
	var out []FeedbackAsk
	err := s.db.WithContext(ctx).Raw(
		`SELECT w.id AS work_order_id, w.number AS work_order_number, w.customer_id, t.id AS thread_id, w.handed_over_at
		 FROM work_orders w
		 JOIN threads t ON t.work_order_id = w.id
		 WHERE w.branch_id = ? AND w.handed_over_at >= ? AND w.handed_over_at < ?
		   AND w.status = ? AND w.customer_id IS NOT NULL
		   AND NOT EXISTS (SELECT 1 FROM feedback_scores f WHERE f.work_order_id = w.id)
		 ORDER BY w.handed_over_at, w.id`,
		branchID, from.UTC(), before.UTC(), hub.StatusDelivered).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("work orders to ask for feedback at branch %d: %w", branchID, err)
	}
	return out, nil
}

// AwaitingScore returns a work order whose customer was asked for a score
// (the ledger has the ask: rule and subject, for the work order's
// customer) and has not given one yet; false otherwise. The ledger lookup
// goes by its unique index (customer, rule, subject, …).
func (s *Store) AwaitingScore(ctx context.Context, workOrderID int64, rule, subject string) (hub.WorkOrder, bool, error) {
	var rows []hub.WorkOrder
	err := s.db.WithContext(ctx).Raw(
		`SELECT w.* FROM work_orders w
		 WHERE w.id = ? AND w.customer_id IS NOT NULL
		   AND EXISTS (SELECT 1 FROM reminder_ledger l WHERE l.customer_id = w.customer_id AND l.rule = ? AND l.subject = ?)
		   AND NOT EXISTS (SELECT 1 FROM feedback_scores f WHERE f.work_order_id = w.id)`,
		workOrderID, rule, subject).Scan(&rows).Error
	if err != nil {
		return hub.WorkOrder{}, false, fmt.Errorf("is work order %d awaiting a score: %w", workOrderID, err)
	}
	if len(rows) == 0 {
		return hub.WorkOrder{}, false, nil
	}
	return rows[0], true, nil
}

// FeedbackScore is a customer's 0–10 score of a work order, from their
// reply message.
type FeedbackScore struct {
	ID          int64
	BranchID    int64
	WorkOrderID int64
	ThreadID    int64
	MessageID   int64
	Score       int
	CreatedAt   time.Time
}

// TableName pins the table name.
func (FeedbackScore) TableName() string { return "feedback_scores" }

// RecordFeedback stores the score of work order w given by reply (the
// customer's message), inside the caller's transaction when there is one:
// the score, a system line in the thread and a feedback change for the
// DMS. The first score counts: false, and nothing written, when the work
// order has one already (a second reply, or a racing one).
func (s *Store) RecordFeedback(ctx context.Context, w hub.WorkOrder, reply hub.Message, score int) (bool, error) {
	recorded := false
	err := s.Tx(ctx, func(tx *Store) error {
		var ids []int64
		err := tx.db.WithContext(ctx).Raw(
			`INSERT INTO feedback_scores (branch_id, work_order_id, thread_id, message_id, score, created_at)
			 VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
			w.BranchID, w.ID, reply.ThreadID, reply.ID, score, now()).Scan(&ids).Error
		if err != nil {
			return fmt.Errorf("record feedback %d/10 on work order %d: %w", score, w.ID, err)
		}
		if len(ids) == 0 {
			return nil
		}
		recorded = true
		line := hub.SystemLine(reply.ThreadID, "naryad", templates.SysFeedbackScore, map[string]string{"score": strconv.Itoa(score)})
		if err := tx.AddMessage(ctx, &line); err != nil {
			return err
		}
		c := hub.Change{BranchID: w.BranchID, WorkOrderID: &w.ID, WorkOrderNumber: w.Number}
		return tx.AppendChange(ctx, &c, hub.FeedbackData{
			WorkOrderID: w.ID, WorkOrderNumber: w.Number, Score: score, MessageID: reply.ID, Text: reply.Body,
		})
	})
	if err != nil {
		return false, err
	}
	return recorded, nil
}

// FeedbackScoreOf returns a work order's score; ErrNotFound when none.
func (s *Store) FeedbackScoreOf(ctx context.Context, workOrderID int64) (FeedbackScore, error) {
	var f FeedbackScore
	err := s.db.WithContext(ctx).Where("work_order_id = ?", workOrderID).Take(&f).Error
	return f, notFound(err, "feedback score of work order %d", workOrderID)
}
