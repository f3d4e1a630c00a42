package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"naryad/hub"
	"naryad/templates"
)

// AuditMoveMessage: a customer's message was moved to another work order's
// thread (a phone with several cars wrote about another one).
const AuditMoveMessage = "move_message"

// Why a move is refused; nothing is stored then.
var (
	ErrNotCustomerMessage = errors.New("only a customer's message can be moved")
	ErrSameThread         = errors.New("the message is in that work order's thread already")
)

// MessageMove is what MoveCustomerMessage did.
type MessageMove struct {
	Message   hub.Message // as it is now, in Target
	Source    hub.Thread
	Target    hub.Thread
	WorkOrder hub.WorkOrder
}

// MoveCustomerMessage moves a customer's message (with its files) from its
// thread to the thread of work order number at the same branch, in one
// transaction, with a system note in both threads. The message keeps its
// id, so the target lists it in time order; an unanswered message takes
// its waiting clock along. Scoped to branchIDs in SQL: another branch's
// message is ErrNotFound, another branch's work order ErrUnknownWorkOrder.
func (s *Store) MoveCustomerMessage(ctx context.Context, branchIDs []int64, threadID, messageID int64, number string) (MessageMove, error) {
	var out MessageMove
	number = strings.TrimSpace(number)
	err := s.Tx(ctx, func(tx *Store) error {
		src, err := tx.lockMoveSource(ctx, branchIDs, threadID)
		if err != nil {
			return err
		}
		m, err := tx.StaffMessage(ctx, branchIDs, threadID, messageID)
		if err != nil {
			return err
		}
		if m.Direction != hub.DirectionIn {
			return ErrNotCustomerMessage
		}
		w, err := tx.workOrderAtBranch(ctx, src.BranchID, number)
		if err != nil {
			return err
		}
		target, err := tx.ThreadByWorkOrder(ctx, w.ID)
		if errors.Is(err, ErrNotFound) {
			target = hub.Thread{BranchID: w.BranchID, WorkOrderID: &w.ID, CustomerID: w.CustomerID, Phone: src.Phone, Channel: src.Channel}
			err = tx.CreateThread(ctx, &target)
		}
		if err != nil {
			return err
		}
		if target.ID == src.ID {
			return ErrSameThread
		}
		if err := tx.moveOneMessage(ctx, m, src, target); err != nil {
			return err
		}
		m.ThreadID = target.ID
		out = MessageMove{Message: m, Source: src, Target: target, WorkOrder: w}
		snippet := moveSnippet(m.Body)
		fromKey, fromArgs := templates.SysMovedFromOther, map[string]string{"snippet": snippet}
		if src.WorkOrderID != nil {
			sw, err := tx.WorkOrder(ctx, *src.WorkOrderID)
			if err != nil {
				return err
			}
			fromKey, fromArgs["order"] = templates.SysMovedFromOrder, sw.Number
		}
		notes := []hub.Message{
			hub.SystemLine(src.ID, "naryad", templates.SysMovedTo, map[string]string{"order": w.Number, "snippet": snippet}),
			hub.SystemLine(target.ID, "naryad", fromKey, fromArgs),
		}
		for i := range notes {
			if err := tx.AddMessage(ctx, &notes[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return MessageMove{}, fmt.Errorf("move message %d to work order %q: %w", messageID, number, err)
	}
	return out, nil
}

// lockMoveSource claims the thread row first, so two moves of one message
// cannot both take it: the second waits, then finds it gone.
func (s *Store) lockMoveSource(ctx context.Context, branchIDs []int64, threadID int64) (hub.Thread, error) {
	if len(branchIDs) == 0 {
		return hub.Thread{}, fmt.Errorf("thread %d: %w", threadID, ErrNotFound)
	}
	res := s.db.WithContext(ctx).Exec("UPDATE threads SET state = state WHERE id = ? AND branch_id IN ?", threadID, branchIDs)
	if res.Error != nil {
		return hub.Thread{}, fmt.Errorf("lock thread %d: %w", threadID, res.Error)
	}
	if res.RowsAffected == 0 {
		return hub.Thread{}, fmt.Errorf("thread %d: %w", threadID, ErrNotFound)
	}
	return s.ThreadForStaff(ctx, branchIDs, threadID)
}

// moveOneMessage hands the message (its files follow it) to the target,
// and starts the target's waiting clock at the message when the source
// was waiting for an answer to it.
func (s *Store) moveOneMessage(ctx context.Context, m hub.Message, src, target hub.Thread) error {
	db := s.db.WithContext(ctx)
	if err := db.Exec("UPDATE messages SET thread_id = ? WHERE id = ? AND thread_id = ?", target.ID, m.ID, src.ID).Error; err != nil {
		return fmt.Errorf("move message %d: %w", m.ID, err)
	}
	err := db.Exec(`UPDATE threads SET awaiting_since = ? WHERE id = ? AND (awaiting_since IS NULL OR awaiting_since > ?)
	  AND EXISTS (SELECT 1 FROM threads s WHERE s.id = ? AND s.awaiting_since IS NOT NULL AND s.awaiting_since <= ?)`,
		m.CreatedAt, target.ID, m.CreatedAt, src.ID, m.CreatedAt).Error
	if err != nil {
		return fmt.Errorf("carry waiting clock of message %d: %w", m.ID, err)
	}
	return nil
}

// moveSnippet shortens a message for a note.
func moveSnippet(s string) string {
	r := []rune(s)
	if len(r) <= 60 {
		return s
	}
	return string(r[:60]) + "…"
}
