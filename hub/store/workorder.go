package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"naryad/hub"
)

// WorkOrderByNumber finds a node's work order by its DMS number.
func (s *Store) WorkOrderByNumber(ctx context.Context, nodeID int64, number string) (hub.WorkOrder, error) {
	var w hub.WorkOrder
	err := s.db.WithContext(ctx).Where("node_id = ? AND number = ?", nodeID, number).Take(&w).Error
	return w, notFound(err, "work order %q", number)
}

// WorkOrder loads a work order by id.
func (s *Store) WorkOrder(ctx context.Context, id int64) (hub.WorkOrder, error) {
	var w hub.WorkOrder
	err := s.db.WithContext(ctx).Take(&w, id).Error
	return w, notFound(err, "work order %d", id)
}

// SaveWorkOrder inserts a new work order (ID 0) or overwrites a stored one,
// but only when w.Version is newer than the stored version: the guard sits in
// the statement itself, so two writers can never both win. It reports false
// when the stored version was not older (a stale event).
func (s *Store) SaveWorkOrder(ctx context.Context, w *hub.WorkOrder) (bool, error) {
	t := now()
	w.UpdatedAt = t
	db := s.db.WithContext(ctx)
	if w.ID == 0 {
		w.CreatedAt = t
		if err := db.Create(w).Error; err != nil {
			return false, fmt.Errorf("create work order %q: %w", w.Number, err)
		}
		return true, nil
	}
	res := db.Model(&hub.WorkOrder{}).Where("id = ? AND version < ?", w.ID, w.Version).Updates(map[string]any{
		"branch_id": w.BranchID, "version": w.Version, "raw_status": w.RawStatus, "status": w.Status,
		"customer_id": w.CustomerID, "vehicle_id": w.VehicleID,
		"advisor_external_id": w.AdvisorExternalID, "advisor_name": w.AdvisorName, "advisor_phone": w.AdvisorPhone,
		"master_name": w.MasterName, "master_phone": w.MasterPhone,
		"promised_at": w.PromisedAt, "currency": w.Currency, "paid": w.Paid, "total_minor": w.TotalMinor,
		"amount_due_minor": w.AmountDueMinor, "handed_over_at": w.HandedOverAt, "updated_at": t,
	})
	if res.Error != nil {
		return false, fmt.Errorf("update work order %q: %w", w.Number, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// Lines lists a work order's lines in document order.
func (s *Store) Lines(ctx context.Context, workOrderID int64) ([]hub.WorkOrderLine, error) {
	var out []hub.WorkOrderLine
	err := s.db.WithContext(ctx).Where("work_order_id = ?", workOrderID).Order("position, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("lines of work order %d: %w", workOrderID, err)
	}
	return out, nil
}

// ReplaceLines makes the work order's lines exactly lines. A decision the
// customer already made survives the update unless the line's total changed:
// a new price needs a new answer, and the old one's evidence goes with it.
func (s *Store) ReplaceLines(ctx context.Context, workOrderID int64, lines []hub.WorkOrderLine) error {
	return s.replaceLines(ctx, workOrderID, lines, true)
}

// UpsertLines is ReplaceLines for a caller that knows no stored line is
// missing from lines (it read them): no DELETE.
func (s *Store) UpsertLines(ctx context.Context, workOrderID int64, lines []hub.WorkOrderLine) error {
	return s.replaceLines(ctx, workOrderID, lines, false)
}

func (s *Store) replaceLines(ctx context.Context, workOrderID int64, lines []hub.WorkOrderLine, drop bool) error {
	db := s.db.WithContext(ctx)
	ids := make([]string, len(lines))
	for i, l := range lines {
		ids[i] = l.ExternalID
	}
	del := db.Where("work_order_id = ?", workOrderID)
	if len(ids) > 0 {
		del = del.Where("external_id NOT IN ?", ids)
	}
	if drop {
		if err := del.Delete(&hub.WorkOrderLine{}).Error; err != nil {
			return fmt.Errorf("drop removed lines of work order %d: %w", workOrderID, err)
		}
	}
	// 11 placeholders a row; stay far below SQLite's and PostgreSQL's
	// parameter limits by writing in chunks.
	const chunk = 500
	for start := 0; start < len(lines); start += chunk {
		end := min(start+chunk, len(lines))
		if err := s.upsertLines(ctx, workOrderID, lines[start:end]); err != nil {
			return err
		}
	}
	// Only a line pricing an inspection item can do declined work; the
	// usual batch has none and costs no statement here.
	if !slices.ContainsFunc(lines, func(l hub.WorkOrderLine) bool { return l.InspectionItem != "" }) {
		return nil
	}
	return s.closeDeclinedWorkDone(ctx, workOrderID, now())
}

// keepDecisionIfSamePrice is the upsert's SET clause for a line's decision
// and its evidence: kept while the line's total stays the same, all cleared
// together when the DMS re-prices it, so a line never keeps who decided,
// from where or on which version, of an answer it no longer has.
const keepDecisionIfSamePrice = `
	  decision = CASE WHEN work_order_lines.total_minor = excluded.total_minor THEN work_order_lines.decision ELSE '' END,
	  decided_at = CASE WHEN work_order_lines.total_minor = excluded.total_minor THEN work_order_lines.decided_at ELSE NULL END,
	  decided_by = CASE WHEN work_order_lines.total_minor = excluded.total_minor THEN work_order_lines.decided_by ELSE '' END,
	  decided_ip = CASE WHEN work_order_lines.total_minor = excluded.total_minor THEN work_order_lines.decided_ip ELSE '' END,
	  decided_ua = CASE WHEN work_order_lines.total_minor = excluded.total_minor THEN work_order_lines.decided_ua ELSE '' END,
	  decided_version = CASE WHEN work_order_lines.total_minor = excluded.total_minor THEN work_order_lines.decided_version ELSE 0 END`

func (s *Store) upsertLines(ctx context.Context, workOrderID int64, lines []hub.WorkOrderLine) error {
	var b strings.Builder
	b.WriteString(`INSERT INTO work_order_lines (work_order_id, external_id, position, kind, name, qty_milli,
	  unit_price_minor, discount_minor, total_minor, needs_approval, inspection_item, decision) VALUES `)
	args := make([]any, 0, 12*len(lines))
	for i, l := range lines {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')")
		args = append(args, workOrderID, l.ExternalID, l.Position, l.Kind, l.Name, l.QtyMilli,
			l.UnitPriceMinor, l.DiscountMinor, l.TotalMinor, l.NeedsApproval, l.InspectionItem)
	}
	b.WriteString(` ON CONFLICT (work_order_id, external_id) DO UPDATE SET
	  position = excluded.position, kind = excluded.kind, name = excluded.name, qty_milli = excluded.qty_milli,
	  unit_price_minor = excluded.unit_price_minor, discount_minor = excluded.discount_minor,
	  total_minor = excluded.total_minor, needs_approval = excluded.needs_approval,
	  inspection_item = excluded.inspection_item,`)
	b.WriteString(keepDecisionIfSamePrice)
	if err := s.db.WithContext(ctx).Exec(b.String(), args...).Error; err != nil {
		return fmt.Errorf("upsert lines of work order %d: %w", workOrderID, err)
	}
	return nil
}

// RecordStatusChange adds a step to the work order's status timeline
// (inside a transaction, written at its commit).
func (s *Store) RecordStatusChange(ctx context.Context, c *hub.StatusChange) error {
	if s.buf != nil {
		s.buf.steps = append(s.buf.steps, *c)
		return nil
	}
	if err := s.db.WithContext(ctx).Create(c).Error; err != nil {
		return fmt.Errorf("record status of work order %d: %w", c.WorkOrderID, err)
	}
	return nil
}

// StatusHistory lists a work order's status steps, oldest first.
func (s *Store) StatusHistory(ctx context.Context, workOrderID int64) ([]hub.StatusChange, error) {
	var out []hub.StatusChange
	if err := s.db.WithContext(ctx).Where("work_order_id = ?", workOrderID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("status history of work order %d: %w", workOrderID, err)
	}
	return out, nil
}
