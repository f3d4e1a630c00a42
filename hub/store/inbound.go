package store

import (
	"context"
	"errors"
	"fmt"

	"naryad/hub"
)

// InboundFile is a file a customer sent, already in the media store.
type InboundFile struct {
	SHA256      string
	Name        string
	ContentType string
	SizeBytes   int64
}

// ErrDuplicateForm says a message with this form key is in the thread
// already: the same form was sent again (a double click, a retry).
var ErrDuplicateForm = errors.New("message form already stored")

// AddCustomerMessage stores what a customer wrote (and sent) in their
// thread and tells the DMS through a customer_message change, atomically.
func (s *Store) AddCustomerMessage(ctx context.Context, t hub.Thread, text, channel string, files []InboundFile) (hub.Message, error) {
	return s.AddCustomerForm(ctx, t, "", text, channel, files)
}

// AddCustomerForm is AddCustomerMessage for a message form carrying the
// random key of the page that showed it: a second message with the same
// key in the thread is not stored, and ErrDuplicateForm says so. An empty
// key (a page rendered before forms had keys) stores as AddCustomerMessage.
func (s *Store) AddCustomerForm(ctx context.Context, t hub.Thread, formKey, text, channel string, files []InboundFile) (hub.Message, error) {
	m := hub.Message{ThreadID: t.ID, Direction: hub.DirectionIn, Body: text, Author: "customer"}
	err := s.Tx(ctx, func(tx *Store) error {
		// The message marks the thread awaiting before the change is
		// numbered: the counter first (see LockChangeFeed). Holding it also
		// queues copies of one form, so the check below sees the first copy
		// committed; the unique index stays the guarantee.
		if err := tx.LockChangeFeed(ctx); err != nil {
			return err
		}
		if err := tx.checkFormKey(ctx, t.ID, formKey); err != nil {
			return err
		}
		if err := tx.AddMessage(ctx, &m); err != nil {
			return err
		}
		if err := tx.setFormKey(ctx, m, formKey); err != nil {
			return err
		}
		// The words as stored: a link token the customer pasted is masked
		// for 1C as for staff (hub.MaskLinks).
		data := hub.CustomerMessageData{MessageID: m.ID, ThreadID: t.ID, Text: m.Body, Channel: channel}
		for _, f := range files {
			a := hub.Attachment{MessageID: m.ID, SHA256: f.SHA256, Name: f.Name, ContentType: f.ContentType, SizeBytes: f.SizeBytes}
			if err := tx.AddAttachment(ctx, &a); err != nil {
				return err
			}
			data.Attachments = append(data.Attachments, hub.CustomerFileData{Name: f.Name, ContentType: f.ContentType, SizeBytes: f.SizeBytes, SHA256: f.SHA256})
		}
		if t.State == hub.ThreadResolved {
			// A customer writing again reopens the conversation.
			if err := tx.db.WithContext(ctx).Model(&hub.Thread{}).Where("id = ?", t.ID).Update("state", hub.ThreadOpen).Error; err != nil {
				return fmt.Errorf("reopen thread %d: %w", t.ID, err)
			}
		}
		c := hub.Change{BranchID: t.BranchID, WorkOrderID: t.WorkOrderID}
		if t.WorkOrderID != nil {
			w, err := tx.WorkOrder(ctx, *t.WorkOrderID)
			if err != nil {
				return err
			}
			c.WorkOrderNumber = w.Number
		}
		return tx.AppendChange(ctx, &c, data)
	})
	return m, err
}

// checkFormKey fails with ErrDuplicateForm when the thread has a message
// with this form key.
func (s *Store) checkFormKey(ctx context.Context, threadID int64, formKey string) error {
	if formKey == "" {
		return nil
	}
	var n int64
	err := s.db.WithContext(ctx).Raw("SELECT COUNT(*) FROM messages WHERE thread_id = ? AND form_key = ?", threadID, formKey).Scan(&n).Error
	if err != nil {
		return fmt.Errorf("look up form key in thread %d: %w", threadID, err)
	}
	if n > 0 {
		return ErrDuplicateForm
	}
	return nil
}

// setFormKey records the form key on the message just stored; the unique
// index on (thread_id, form_key) turns a copy that raced past
// checkFormKey into ErrDuplicateForm.
func (s *Store) setFormKey(ctx context.Context, m hub.Message, formKey string) error {
	if formKey == "" {
		return nil
	}
	err := s.db.WithContext(ctx).Exec("UPDATE messages SET form_key = ? WHERE id = ?", formKey, m.ID).Error
	if isUniqueViolation(err) {
		return ErrDuplicateForm
	}
	if err != nil {
		return fmt.Errorf("record form key of message %d: %w", m.ID, err)
	}
	return nil
}

// customerSees limits a query on messages m to what the customer's page
// shows: what they sent and what was sent to them, never staff notes or
// system entries (a mechanic's internal photo stays internal).
const customerSees = "m.direction IN ('" + hub.DirectionIn + "', '" + hub.DirectionOut + "')"

// CustomerAttachments lists the files of a thread the customer may see,
// oldest first.
func (s *Store) CustomerAttachments(ctx context.Context, threadID int64) ([]hub.Attachment, error) {
	var out []hub.Attachment
	err := s.db.WithContext(ctx).Raw(
		`SELECT a.* FROM attachments a JOIN messages m ON m.id = a.message_id
		 WHERE m.thread_id = ? AND `+customerSees+` ORDER BY a.id`,
		threadID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("attachments of thread %d: %w", threadID, err)
	}
	return out, nil
}

// CustomerAttachment loads one file, but only when it belongs to the thread
// and the customer may see it: the scoping is in the query, so no caller
// can forget it.
func (s *Store) CustomerAttachment(ctx context.Context, threadID, attachmentID int64) (hub.Attachment, error) {
	var a hub.Attachment
	err := s.db.WithContext(ctx).Raw(
		`SELECT a.* FROM attachments a JOIN messages m ON m.id = a.message_id
		 WHERE m.thread_id = ? AND a.id = ? AND `+customerSees,
		threadID, attachmentID).Scan(&a).Error
	if err == nil && a.ID == 0 {
		return a, fmt.Errorf("attachment %d of thread %d: %w", attachmentID, threadID, ErrNotFound)
	}
	return a, notFound(err, "attachment %d of thread %d", attachmentID, threadID)
}

// BranchFile finds a file by content hash among the threads of the given
// branches (how a DMS node fetches what a customer sent; it may not read
// files of other branches), or among the photos and videos of their sent
// inspections' items that are marked and not hidden (what an inspection
// change names, as the customer's report). A hidden item's file is left
// out: the advisor took it out of what the DMS and the customer get.
// Thread files come first.
func (s *Store) BranchFile(ctx context.Context, branchIDs []int64, sha256 string) (hub.Attachment, error) {
	var found []hub.Attachment
	if len(branchIDs) == 0 {
		return hub.Attachment{}, fmt.Errorf("file %s: %w", sha256, ErrNotFound)
	}
	err := s.db.WithContext(ctx).Raw(
		`SELECT id, message_id, sha256, name, content_type, size_bytes, doc_kind, created_at FROM (
		   SELECT 0 AS src, a.id, a.message_id, a.sha256, a.name, a.content_type, a.size_bytes, a.doc_kind, a.created_at
		   FROM attachments a JOIN messages m ON m.id = a.message_id JOIN threads t ON t.id = m.thread_id
		   WHERE a.sha256 = ? AND t.branch_id IN ?
		   UNION ALL
		   SELECT 1 AS src, f.id, 0 AS message_id, f.sha256, f.name, f.content_type, f.size_bytes, '' AS doc_kind, f.created_at
		   FROM inspection_media f JOIN inspection_items i ON i.id = f.item_id JOIN inspections n ON n.id = i.inspection_id
		   WHERE f.sha256 = ? AND n.branch_id IN ? AND n.sent_revision > 0 AND `+reportedItem+`
		 ) files ORDER BY src, id LIMIT 1`, sha256, branchIDs, sha256, branchIDs).Scan(&found).Error
	if err != nil {
		return hub.Attachment{}, fmt.Errorf("load file %s: %w", sha256, err)
	}
	if len(found) == 0 {
		return hub.Attachment{}, fmt.Errorf("file %s: %w", sha256, ErrNotFound)
	}
	return found[0], nil
}
