package store

import (
	"context"
	"fmt"
	"strings"

	"naryad/hub"
	"naryad/templates"
)

// Hidden numbers. WhatsApp may show a customer only by a LID (a "lid"
// address, user@lid) and not by their phone number. Such a customer's
// lead thread has no number: its replies go to the LID chat the customer
// wrote from (wa_inbound.chat), and once WhatsApp tells the number (a
// later message carrying it, or whatsmeow's LID ↔ phone-number mapping),
// the thread and its customer get it.

// waLIDServer ends a LID chat's JID.
const waLIDServer = "@lid"

// IsWALIDRecipient tells whether an outbox recipient is a WhatsApp LID
// chat rather than an E.164 number.
func IsWALIDRecipient(recipient string) bool { return strings.HasSuffix(recipient, waLIDServer) }

// ThreadWALIDChat is the LID chat the thread's customer last wrote from;
// "" when the thread has none.
func (s *Store) ThreadWALIDChat(ctx context.Context, threadID int64) (string, error) {
	var chats []string
	err := s.db.WithContext(ctx).Raw(`SELECT i.chat FROM wa_inbound i JOIN messages m ON m.id = i.message_id
		WHERE m.thread_id = ? AND i.chat LIKE ? ORDER BY i.created_at DESC LIMIT 1`, threadID, "%"+waLIDServer).
		Scan(&chats).Error
	if err != nil {
		return "", fmt.Errorf("LID chat of thread %d: %w", threadID, err)
	}
	if len(chats) == 0 {
		return "", nil
	}
	return chats[0], nil
}

// WALIDThreads lists the branch's threads without a number whose customer
// wrote from the LID chat.
func (s *Store) WALIDThreads(ctx context.Context, branchID int64, chat string) ([]hub.Thread, error) {
	var out []hub.Thread
	err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT t.* FROM threads t JOIN messages m ON m.thread_id = t.id
		JOIN wa_inbound i ON i.message_id = m.id
		WHERE t.branch_id = ? AND t.phone = '' AND i.chat = ? ORDER BY t.id`, branchID, chat).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("threads of LID chat %s at branch %d: %w", chat, branchID, err)
	}
	return out, nil
}

// LinkWAThreadPhone gives a thread without a number the one WhatsApp
// revealed for its LID chat, adds the number to the thread's customer, and
// says so in the thread, in one transaction. linked is false when the
// thread had a number already (nothing written).
func (s *Store) LinkWAThreadPhone(ctx context.Context, threadID int64, phone, chat string) (linked bool, err error) {
	err = s.Tx(ctx, func(tx *Store) error {
		res := tx.db.WithContext(ctx).Exec(`UPDATE threads SET phone = ? WHERE id = ? AND phone = ''`, phone, threadID)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		linked = true
		th, err := tx.Thread(ctx, threadID)
		if err != nil {
			return err
		}
		if th.CustomerID != nil {
			if err := tx.db.WithContext(ctx).Exec(insertIgnoring("customer_phones", "customer_id, e164", 1, 2),
				*th.CustomerID, phone).Error; err != nil {
				return err
			}
		}
		note := hub.SystemLine(threadID, "naryad", templates.SysNumberRevealed, map[string]string{"chat": chat, "phone": phone})
		return tx.AddMessage(ctx, &note)
	})
	if err != nil {
		return false, fmt.Errorf("link thread %d to %s: %w", threadID, phone, err)
	}
	return linked, nil
}
