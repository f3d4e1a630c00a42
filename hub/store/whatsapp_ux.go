package store

import (
	"context"
	"fmt"
	"time"
)

// What the WhatsApp channel keeps so customers and advisors notice each
// other (migration 00013): who sent each incoming message, which of them
// WhatsApp was told are read, a chat's disappearing-message timer, and
// whether a branch marks messages read when an advisor opens a thread.

// WAInboundRef is an incoming WhatsApp message as the channel knows it.
type WAInboundRef struct {
	AccountID int64
	MessageID int64
	Chat      string
	WAID      string `gorm:"column:wa_id"`
	Sender    string
}

// WAInboundByWAID finds the stored incoming message with this WhatsApp id
// in a chat of the account (what an edit, a deletion or a reaction of the
// customer names); ErrNotFound when the hub never stored it.
func (s *Store) WAInboundByWAID(ctx context.Context, accountID int64, chat, waID string) (WAInboundRef, error) {
	var out []WAInboundRef
	err := s.db.WithContext(ctx).Raw(`SELECT account_id, message_id, chat, wa_id, sender FROM wa_inbound
		WHERE account_id = ? AND chat = ? AND wa_id = ?`, accountID, chat, waID).Scan(&out).Error
	if err != nil {
		return WAInboundRef{}, fmt.Errorf("WhatsApp message %s in %s: %w", waID, chat, err)
	}
	if len(out) == 0 {
		return WAInboundRef{}, fmt.Errorf("WhatsApp message %s in %s: %w", waID, chat, ErrNotFound)
	}
	return out[0], nil
}

// WAInboundOfMessage is the WhatsApp side of a stored incoming message
// (what a quote of it names); ErrNotFound when it did not come over WhatsApp.
func (s *Store) WAInboundOfMessage(ctx context.Context, messageID int64) (WAInboundRef, error) {
	var out []WAInboundRef
	err := s.db.WithContext(ctx).Raw(`SELECT account_id, message_id, chat, wa_id, sender FROM wa_inbound WHERE message_id = ?`,
		messageID).Scan(&out).Error
	if err != nil {
		return WAInboundRef{}, fmt.Errorf("WhatsApp side of message %d: %w", messageID, err)
	}
	if len(out) == 0 {
		return WAInboundRef{}, fmt.Errorf("WhatsApp side of message %d: %w", messageID, ErrNotFound)
	}
	return out[0], nil
}

// UnreadWAInbound lists the thread's customer messages that came over
// WhatsApp and were not yet marked read there, oldest first, at most limit.
func (s *Store) UnreadWAInbound(ctx context.Context, threadID int64, limit int) ([]WAInboundRef, error) {
	var out []WAInboundRef
	err := s.db.WithContext(ctx).Raw(`SELECT w.account_id, w.message_id, w.chat, w.wa_id, w.sender FROM wa_inbound w
		JOIN messages m ON m.id = w.message_id
		WHERE m.thread_id = ? AND m.direction = 'in' AND NOT w.read_marked ORDER BY w.message_id LIMIT ?`, threadID, limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("unread WhatsApp messages of thread %d: %w", threadID, err)
	}
	return out, nil
}

// MarkWAInboundRead records that WhatsApp was told these messages are read.
func (s *Store) MarkWAInboundRead(ctx context.Context, messageIDs []int64) error {
	if len(messageIDs) == 0 {
		return nil
	}
	err := s.db.WithContext(ctx).Exec(`UPDATE wa_inbound SET read_marked = ? WHERE message_id IN ?`, true, messageIDs).Error
	if err != nil {
		return fmt.Errorf("mark %d WhatsApp messages read: %w", len(messageIDs), err)
	}
	return nil
}

// SetWAChatTimer records a chat's disappearing-message timer (0: off) as
// the chat last told it; an unchanged timer writes nothing.
func (s *Store) SetWAChatTimer(ctx context.Context, accountID int64, chat string, seconds uint32, at time.Time) error {
	err := s.db.WithContext(ctx).Exec(`INSERT INTO wa_chat_timers (account_id, chat, seconds, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, chat) DO UPDATE SET seconds = excluded.seconds, updated_at = excluded.updated_at
		WHERE wa_chat_timers.seconds <> excluded.seconds`, accountID, chat, int64(seconds), at.UTC()).Error
	if err != nil {
		return fmt.Errorf("disappearing-message timer of %s: %w", chat, err)
	}
	return nil
}

// WAChatTimer is a chat's disappearing-message timer in seconds; 0 when
// it is off or the chat never said.
func (s *Store) WAChatTimer(ctx context.Context, accountID int64, chat string) (uint32, error) {
	var secs []int64
	err := s.db.WithContext(ctx).Raw(`SELECT seconds FROM wa_chat_timers WHERE account_id = ? AND chat = ?`, accountID, chat).Scan(&secs).Error
	if err != nil {
		return 0, fmt.Errorf("disappearing-message timer of %s: %w", chat, err)
	}
	if len(secs) == 0 || secs[0] < 0 {
		return 0, nil
	}
	return uint32(secs[0]), nil
}

// BranchWAMarkRead tells whether opening a thread in the inbox marks the
// customer's WhatsApp messages read (on by default).
func (s *Store) BranchWAMarkRead(ctx context.Context, branchID int64) (bool, error) {
	var on []bool
	err := s.db.WithContext(ctx).Raw(`SELECT wa_mark_read FROM branches WHERE id = ?`, branchID).Scan(&on).Error
	if err != nil {
		return false, fmt.Errorf("read receipts setting of branch %d: %w", branchID, err)
	}
	if len(on) == 0 {
		return false, fmt.Errorf("read receipts setting of branch %d: %w", branchID, ErrNotFound)
	}
	return on[0], nil
}

// SetBranchWAMarkRead turns the branch's read receipts on or off.
func (s *Store) SetBranchWAMarkRead(ctx context.Context, branchID int64, on bool) error {
	res := s.db.WithContext(ctx).Exec(`UPDATE branches SET wa_mark_read = ? WHERE id = ?`, on, branchID)
	if res.Error != nil {
		return fmt.Errorf("set read receipts of branch %d: %w", branchID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("set read receipts of branch %d: %w", branchID, ErrNotFound)
	}
	return nil
}
