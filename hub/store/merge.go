package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"naryad/hub"
	"naryad/templates"
)

// AuditMergeLead: a lead thread was merged into a work order's thread.
const AuditMergeLead = "merge_lead"

// Why a lead merge is refused; nothing is stored then.
var (
	ErrNotLead          = errors.New("thread is not a lead")
	ErrUnknownWorkOrder = errors.New("no such work order at the lead's branch")
)

// LeadMerge is what MergeLead did.
type LeadMerge struct {
	Target     hub.Thread // the work order's thread, which now holds everything
	WorkOrder  hub.WorkOrder
	Moved      int64 // messages moved (their files go with them)
	PhoneAdded bool  // the lead's number became one of the customer's
}

// MergeLead folds a lead thread (no work order: an unknown number wrote in)
// into the thread of work order number at the lead's own branch, in one
// transaction: the messages move (files follow their message), the lead's
// number joins the customer's phones, a system line records the merge, and
// the lead is deleted with its read marks, live events and customer links
// (they pointed at a conversation that no longer exists; the next reply
// carries the work order's link). Scoped to branchIDs in SQL: another
// branch's lead is ErrNotFound, another branch's work order
// ErrUnknownWorkOrder.
func (s *Store) MergeLead(ctx context.Context, branchIDs []int64, leadID int64, number string) (LeadMerge, error) {
	var out LeadMerge
	number = strings.TrimSpace(number)
	if len(branchIDs) == 0 {
		return out, fmt.Errorf("merge lead %d: %w", leadID, ErrNotFound)
	}
	err := s.Tx(ctx, func(tx *Store) error {
		lead, err := tx.lockLead(ctx, branchIDs, leadID)
		if err != nil {
			return err
		}
		w, err := tx.workOrderAtBranch(ctx, lead.BranchID, number)
		if err != nil {
			return err
		}
		target, err := tx.threadForMerge(ctx, w, lead)
		if err != nil {
			return err
		}
		out.Target, out.WorkOrder = target, w
		if out.Moved, err = tx.moveMessages(ctx, lead, target); err != nil {
			return err
		}
		if out.PhoneAdded, err = tx.addCustomerPhone(ctx, w.CustomerID, lead.Phone); err != nil {
			return err
		}
		if err := tx.deleteLead(ctx, lead.ID); err != nil {
			return err
		}
		note := hub.SystemLine(target.ID, "", templates.SysLeadMerged, map[string]string{
			"lead": strconv.FormatInt(lead.ID, 10), "phone": lead.Phone, "count": strconv.FormatInt(out.Moved, 10)})
		return tx.AddMessage(ctx, &note) // touches the thread and tells live pages
	})
	if err != nil {
		return LeadMerge{}, fmt.Errorf("merge lead %d into work order %q: %w", leadID, number, err)
	}
	return out, nil
}

// lockLead claims the lead row first, so two merges of one lead cannot both
// move it: the second waits, then finds it gone.
func (s *Store) lockLead(ctx context.Context, branchIDs []int64, leadID int64) (hub.Thread, error) {
	res := s.db.WithContext(ctx).Exec("UPDATE threads SET state = state WHERE id = ? AND branch_id IN ?", leadID, branchIDs)
	if res.Error != nil {
		return hub.Thread{}, fmt.Errorf("lock thread %d: %w", leadID, res.Error)
	}
	if res.RowsAffected == 0 {
		return hub.Thread{}, fmt.Errorf("thread %d: %w", leadID, ErrNotFound)
	}
	lead, err := s.ThreadForStaff(ctx, branchIDs, leadID)
	if err != nil {
		return lead, err
	}
	if lead.WorkOrderID != nil {
		return lead, ErrNotLead
	}
	return lead, nil
}

// workOrderAtBranch finds a work order by its number at one branch.
func (s *Store) workOrderAtBranch(ctx context.Context, branchID int64, number string) (hub.WorkOrder, error) {
	var w hub.WorkOrder
	if number == "" {
		return w, ErrUnknownWorkOrder
	}
	err := s.db.WithContext(ctx).Where("number = ? AND branch_id = ?", number, branchID).Order("id").Take(&w).Error
	if err = notFound(err, "work order %q", number); errors.Is(err, ErrNotFound) {
		return w, ErrUnknownWorkOrder
	}
	return w, err
}

// threadForMerge is the work order's thread, opened now if it has none yet.
func (s *Store) threadForMerge(ctx context.Context, w hub.WorkOrder, lead hub.Thread) (hub.Thread, error) {
	t, err := s.ThreadByWorkOrder(ctx, w.ID)
	if !errors.Is(err, ErrNotFound) {
		return t, err
	}
	t = hub.Thread{BranchID: w.BranchID, WorkOrderID: &w.ID, CustomerID: w.CustomerID, Phone: lead.Phone, Channel: lead.Channel}
	return t, s.CreateThread(ctx, &t)
}

// moveMessages hands the lead's messages to the target, keeping their ids
// (so the target lists them in time order), and carries over an unanswered
// customer message's clock when it started earlier.
func (s *Store) moveMessages(ctx context.Context, lead, target hub.Thread) (int64, error) {
	db := s.db.WithContext(ctx)
	res := db.Exec("UPDATE messages SET thread_id = ? WHERE thread_id = ?", target.ID, lead.ID)
	if res.Error != nil {
		return 0, fmt.Errorf("move messages of thread %d: %w", lead.ID, res.Error)
	}
	err := db.Exec(`UPDATE threads SET awaiting_since = (SELECT l.awaiting_since FROM threads l WHERE l.id = ?)
	  WHERE id = ? AND EXISTS (SELECT 1 FROM threads l WHERE l.id = ? AND l.awaiting_since IS NOT NULL
	    AND (threads.awaiting_since IS NULL OR l.awaiting_since < threads.awaiting_since))`,
		lead.ID, target.ID, lead.ID).Error
	if err != nil {
		return 0, fmt.Errorf("carry awaiting clock of thread %d: %w", lead.ID, err)
	}
	if err := s.moveSLAClocks(ctx, lead.ID, target.ID); err != nil {
		return 0, err
	}
	return res.RowsAffected, nil
}

// addCustomerPhone adds an E.164 number to a customer's phones when missing.
func (s *Store) addCustomerPhone(ctx context.Context, customerID *int64, phone string) (bool, error) {
	if customerID == nil || !strings.HasPrefix(phone, "+") {
		return false, nil
	}
	e164, err := hub.NormalizePhone(phone, "")
	if err != nil {
		return false, nil // not a number we can dial back: nothing to remember
	}
	res := s.db.WithContext(ctx).Exec(
		"INSERT INTO customer_phones (customer_id, e164) VALUES (?, ?) ON CONFLICT (customer_id, e164) DO NOTHING", *customerID, e164)
	if res.Error != nil {
		return false, fmt.Errorf("add phone of customer %d: %w", *customerID, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// deleteLead removes the emptied lead and every row that named it.
func (s *Store) deleteLead(ctx context.Context, leadID int64) error {
	db := s.db.WithContext(ctx)
	for _, table := range []string{"thread_events", "thread_reads", "magic_links"} {
		if err := db.Exec("DELETE FROM "+table+" WHERE thread_id = ?", leadID).Error; err != nil {
			return fmt.Errorf("delete %s of thread %d: %w", table, leadID, err)
		}
	}
	if s.buf != nil {
		delete(s.buf.branchOf, leadID)
		delete(s.buf.touched, leadID)
	}
	if err := db.Exec("DELETE FROM threads WHERE id = ? AND work_order_id IS NULL", leadID).Error; err != nil {
		return fmt.Errorf("delete thread %d: %w", leadID, err)
	}
	return nil
}
