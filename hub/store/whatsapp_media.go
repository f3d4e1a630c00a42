package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// Incoming WhatsApp files still to download (table wa_media). The message
// is stored at once; its file follows when the media worker has it, and
// the row goes away in the transaction that adds the attachment, so a
// crash anywhere repeats a step but never loses or doubles a file.

// WAMedia is a file of an incoming WhatsApp message waiting for download:
// the raw waE2E message (Proto, protobuf) and its MessageInfo (Info, JSON),
// which a download and a media-retry request need.
type WAMedia struct {
	ID            int64
	AccountID     int64
	MessageID     int64
	WAID          string `gorm:"column:wa_id"`
	Info          []byte
	Proto         []byte
	Attempts      int
	NextAttemptAt time.Time
	RetryAskedAt  *time.Time
	LastError     string
	CreatedAt     time.Time
}

// TableName pins the table name.
func (WAMedia) TableName() string { return "wa_media" }

// QueueWAMedia records a file to download, due now; inside the
// transaction that stores its message.
func (s *Store) QueueWAMedia(ctx context.Context, m *WAMedia) error {
	t := now()
	m.ID, m.Attempts, m.NextAttemptAt, m.RetryAskedAt, m.LastError, m.CreatedAt = 0, 0, t, nil, "", t
	if err := s.db.WithContext(ctx).Create(m).Error; err != nil {
		return fmt.Errorf("queue WhatsApp file of message %d: %w", m.MessageID, err)
	}
	return nil
}

// DueWAMedia lists up to limit files whose next attempt is due at at,
// oldest due first.
func (s *Store) DueWAMedia(ctx context.Context, at time.Time, limit int) ([]WAMedia, error) {
	var out []WAMedia
	err := s.db.WithContext(ctx).Where("next_attempt_at <= ?", waTime(at)).Order("next_attempt_at, id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("due WhatsApp files: %w", err)
	}
	return out, nil
}

// WAMediaByWAID finds the pending file of an account's message by its
// WhatsApp id (how a media-retry answer names it); ErrNotFound when none.
func (s *Store) WAMediaByWAID(ctx context.Context, accountID int64, waID string) (WAMedia, error) {
	var m WAMedia
	err := s.db.WithContext(ctx).Where("account_id = ? AND wa_id = ?", accountID, waID).Order("id").Take(&m).Error
	return m, notFound(err, "pending WhatsApp file of message %s", waID)
}

// PostponeWAMedia moves a file's next attempt without counting one (no
// client for its account just now).
func (s *Store) PostponeWAMedia(ctx context.Context, id int64, next time.Time) error {
	if err := s.db.WithContext(ctx).Exec("UPDATE wa_media SET next_attempt_at = ? WHERE id = ?", waTime(next), id).Error; err != nil {
		return fmt.Errorf("postpone WhatsApp file %d: %w", id, err)
	}
	return nil
}

// FailWAMediaAttempt counts a failed download with its error and the time
// of the next try.
func (s *Store) FailWAMediaAttempt(ctx context.Context, id int64, errText string, next time.Time) error {
	err := s.db.WithContext(ctx).Exec("UPDATE wa_media SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
		errText, waTime(next), id).Error
	if err != nil {
		return fmt.Errorf("record failed download of WhatsApp file %d: %w", id, err)
	}
	return nil
}

// MarkWAMediaRetryAsked notes that the sender's phone was asked to upload
// an expired file again; the next attempt waits for its answer until next.
func (s *Store) MarkWAMediaRetryAsked(ctx context.Context, id int64, at, next time.Time) error {
	err := s.db.WithContext(ctx).Exec("UPDATE wa_media SET retry_asked_at = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
		waTime(at), "expired on the server: asked the phone to upload it again", waTime(next), id).Error
	if err != nil {
		return fmt.Errorf("record media retry of WhatsApp file %d: %w", id, err)
	}
	return nil
}

// SetWAMediaProto replaces the stored message (a re-uploaded file's new
// path) and makes the file due at due.
func (s *Store) SetWAMediaProto(ctx context.Context, id int64, proto []byte, due time.Time) error {
	err := s.db.WithContext(ctx).Exec("UPDATE wa_media SET proto = ?, next_attempt_at = ? WHERE id = ?", proto, waTime(due), id).Error
	if err != nil {
		return fmt.Errorf("update WhatsApp file %d: %w", id, err)
	}
	return nil
}

// FinishWAMedia ends a pending file in one transaction: the row is
// deleted first (a second worker finishing the same file then finds
// nothing and stores nothing: done is false), the file becomes the
// message's attachment (nil when it could not be had), a system note
// explains a file given up on, live pages hear of it, and a customer's
// message finally goes to the DMS as a customer_message change, with the
// file when there is one.
func (s *Store) FinishWAMedia(ctx context.Context, id int64, file *InboundFile, note *hub.Message) (done bool, err error) {
	err = s.Tx(ctx, func(tx *Store) error {
		var messageIDs []int64
		if err := tx.db.WithContext(ctx).Raw("DELETE FROM wa_media WHERE id = ? RETURNING message_id", id).Scan(&messageIDs).Error; err != nil {
			return fmt.Errorf("delete: %w", err)
		}
		if len(messageIDs) == 0 {
			return nil
		}
		done = true
		m, err := tx.Message(ctx, messageIDs[0])
		if err != nil {
			return err
		}
		if file != nil {
			a := hub.Attachment{MessageID: m.ID, SHA256: file.SHA256, Name: file.Name, ContentType: file.ContentType, SizeBytes: file.SizeBytes}
			if err := tx.AddAttachment(ctx, &a); err != nil {
				return err
			}
			if err := tx.appendMessageEvent(ctx, hub.EventDelivery, m.ID); err != nil {
				return err
			}
		}
		if note != nil {
			line := *note // a system line (hub.SystemLine) for the message's thread
			line.ThreadID = m.ThreadID
			if err := tx.AddMessage(ctx, &line); err != nil {
				return err
			}
		}
		if m.Direction != hub.DirectionIn {
			return nil
		}
		files, err := tx.Attachments(ctx, m.ID)
		if err != nil {
			return err
		}
		return tx.appendWACustomerMessage(ctx, m, files)
	})
	if err != nil {
		return false, fmt.Errorf("finish WhatsApp file %d: %w", id, err)
	}
	return done, nil
}

// waTime is how the store writes a time it is given: UTC, microseconds (so
// SQLite's text comparison is time order).
func waTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
