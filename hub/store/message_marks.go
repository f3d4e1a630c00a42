package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"naryad/hub"
)

// What happened to a message after it was written (migration 00013): the
// message it quotes, reactions, an edit or a deletion by its sender. Both
// the WhatsApp channel (which learns of them) and the inbox (which shows
// them, and lets an advisor quote a customer's message) use these.

// MessageQuote is what a message quotes: the quoted message when the hub
// has it, and the quoted words (WhatsApp carries them with the quote, so
// they show even when the quoted message is not in the hub).
type MessageQuote struct {
	MessageID int64
	QuotedID  *int64
	Text      string `gorm:"column:quoted_text"`
}

// Reaction is one person's reaction to a message.
type Reaction struct {
	MessageID int64
	Reactor   string // who reacted: their WhatsApp address, one reaction each
	Author    string // how the thread names them ("customer", a group member)
	Emoji     string
	ReactedAt time.Time
}

// MessageChange is an edit or a deletion by the message's sender: the
// message's body is the newest words, OriginalBody the first.
type MessageChange struct {
	MessageID    int64
	OriginalBody string
	EditedAt     *time.Time
	RevokedAt    *time.Time
}

// MessageMarks gathers what the inbox shows on a thread's messages.
type MessageMarks struct {
	Quotes    map[int64]MessageQuote
	Reactions map[int64][]Reaction
	Changes   map[int64]MessageChange
}

// maxQuoteText bounds the quoted words kept with a quote: a preview, not a copy.
const maxQuoteText = 500

// AddMessageQuote records that a message quotes another (quotedID, when
// the hub has it) with the quoted words; a second call replaces the first.
func (s *Store) AddMessageQuote(ctx context.Context, messageID int64, quotedID *int64, text string) error {
	text = strings.TrimSpace(text)
	if r := []rune(text); len(r) > maxQuoteText {
		text = string(r[:maxQuoteText]) + "…"
	}
	err := s.db.WithContext(ctx).Exec(`INSERT INTO message_quotes (message_id, quoted_id, quoted_text) VALUES (?, ?, ?)
		ON CONFLICT (message_id) DO UPDATE SET quoted_id = excluded.quoted_id, quoted_text = excluded.quoted_text`,
		messageID, quotedID, text).Error
	if err != nil {
		return fmt.Errorf("record the quote of message %d: %w", messageID, err)
	}
	return nil
}

// MessageQuoteOf returns what a message quotes; ErrNotFound when it quotes nothing.
func (s *Store) MessageQuoteOf(ctx context.Context, messageID int64) (MessageQuote, error) {
	var q []MessageQuote
	err := s.db.WithContext(ctx).Raw(`SELECT message_id, quoted_id, quoted_text FROM message_quotes WHERE message_id = ?`, messageID).Scan(&q).Error
	if err != nil {
		return MessageQuote{}, fmt.Errorf("quote of message %d: %w", messageID, err)
	}
	if len(q) == 0 {
		return MessageQuote{}, fmt.Errorf("quote of message %d: %w", messageID, ErrNotFound)
	}
	return q[0], nil
}

// MessageByProviderID finds a message of a branch by the id its channel
// gave it (a WhatsApp message id, incoming or sent) or, for a WhatsApp
// message sent in parts (its words, each file), by any part's id
// (wa_sends): a reaction or a quote names the part the customer touched,
// while provider_id keeps only the first. Only messages WhatsApp carried
// (received, or queued for it) count: the id comes from the customer's
// phone, and another channel's id (an SMS gateway's, often a plain
// number) must not reach another customer's message. ErrNotFound when the
// branch has none.
func (s *Store) MessageByProviderID(ctx context.Context, branchID int64, providerID string) (hub.Message, error) {
	if providerID == "" {
		return hub.Message{}, fmt.Errorf("message without an id: %w", ErrNotFound)
	}
	var out []hub.Message
	err := s.db.WithContext(ctx).Raw(`SELECT m.* FROM messages m JOIN threads t ON t.id = m.thread_id
		WHERE t.branch_id = ? AND (m.id IN (SELECT message_id FROM wa_sends WHERE wa_id = ?)
			OR m.provider_id = ? AND (m.id IN (SELECT message_id FROM wa_inbound WHERE wa_id = ?)
				OR m.id IN (SELECT message_id FROM outbox WHERE channel = ?)))
		ORDER BY m.id DESC LIMIT 1`, branchID, providerID, providerID, providerID, hub.ChannelWhatsApp).Scan(&out).Error
	if err != nil {
		return hub.Message{}, fmt.Errorf("message %s at branch %d: %w", providerID, branchID, err)
	}
	if len(out) == 0 {
		return hub.Message{}, fmt.Errorf("message %s at branch %d: %w", providerID, branchID, ErrNotFound)
	}
	return out[0], nil
}

// SetReaction records a person's reaction to a message, replacing their
// earlier one; an empty emoji takes it back. Live pages hear of it.
func (s *Store) SetReaction(ctx context.Context, r Reaction) error {
	return s.Tx(ctx, func(tx *Store) error {
		db := tx.db.WithContext(ctx)
		var err error
		if r.Emoji == "" {
			err = db.Exec(`DELETE FROM message_reactions WHERE message_id = ? AND reactor = ?`, r.MessageID, r.Reactor).Error
		} else {
			err = db.Exec(`INSERT INTO message_reactions (message_id, reactor, author, emoji, reacted_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (message_id, reactor) DO UPDATE SET author = excluded.author, emoji = excluded.emoji, reacted_at = excluded.reacted_at`,
				r.MessageID, r.Reactor, r.Author, r.Emoji, r.ReactedAt.UTC()).Error
		}
		if err != nil {
			return fmt.Errorf("record reaction to message %d: %w", r.MessageID, err)
		}
		return tx.appendMessageEvent(ctx, hub.EventDelivery, r.MessageID)
	})
}

// EditMessage replaces a message's words with its sender's edit, keeping
// the first words for staff. A deleted message stays as it was deleted.
func (s *Store) EditMessage(ctx context.Context, messageID int64, body string, at time.Time) error {
	return s.Tx(ctx, func(tx *Store) error {
		m, ch, err := tx.messageForChange(ctx, messageID)
		if err != nil || ch.RevokedAt != nil {
			return err
		}
		db := tx.db.WithContext(ctx)
		err = db.Exec(`INSERT INTO message_changes (message_id, original_body, edited_at) VALUES (?, ?, ?)
			ON CONFLICT (message_id) DO UPDATE SET edited_at = excluded.edited_at`, messageID, m.Body, at.UTC()).Error
		if err != nil {
			return fmt.Errorf("record the edit of message %d: %w", messageID, err)
		}
		if err := db.Exec(`UPDATE messages SET body = ?, updated_at = ? WHERE id = ?`, body, now(), messageID).Error; err != nil {
			return fmt.Errorf("edit message %d: %w", messageID, err)
		}
		return tx.appendMessageEvent(ctx, hub.EventDelivery, messageID)
	})
}

// RevokeMessage marks a message its sender deleted for everyone: the
// customer's page hides it; staff keep it, labelled, as evidence.
func (s *Store) RevokeMessage(ctx context.Context, messageID int64, at time.Time) error {
	return s.Tx(ctx, func(tx *Store) error {
		m, ch, err := tx.messageForChange(ctx, messageID)
		if err != nil || ch.RevokedAt != nil {
			return err
		}
		err = tx.db.WithContext(ctx).Exec(`INSERT INTO message_changes (message_id, original_body, revoked_at) VALUES (?, ?, ?)
			ON CONFLICT (message_id) DO UPDATE SET revoked_at = excluded.revoked_at`, messageID, m.Body, at.UTC()).Error
		if err != nil {
			return fmt.Errorf("record the deletion of message %d: %w", messageID, err)
		}
		return tx.appendMessageEvent(ctx, hub.EventDelivery, messageID)
	})
}

// messageForChange loads a message and its change row (zero when none).
func (s *Store) messageForChange(ctx context.Context, messageID int64) (hub.Message, MessageChange, error) {
	m, err := s.Message(ctx, messageID)
	if err != nil {
		return m, MessageChange{}, err
	}
	var ch []MessageChange
	err = s.db.WithContext(ctx).Raw(`SELECT message_id, original_body, edited_at, revoked_at FROM message_changes WHERE message_id = ?`,
		messageID).Scan(&ch).Error
	if err != nil {
		return m, MessageChange{}, fmt.Errorf("changes of message %d: %w", messageID, err)
	}
	if len(ch) == 0 {
		return m, MessageChange{}, nil
	}
	return m, ch[0], nil
}

// RevokedMessageIDs lists the thread's messages their sender deleted: the
// customer's page leaves them out.
func (s *Store) RevokedMessageIDs(ctx context.Context, threadID int64) (map[int64]bool, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Raw(`SELECT c.message_id FROM message_changes c JOIN messages m ON m.id = c.message_id
		WHERE m.thread_id = ? AND c.revoked_at IS NOT NULL`, threadID).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("deleted messages of thread %d: %w", threadID, err)
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// ThreadMessageMarks loads the quotes, reactions and changes of a thread's
// messages in three queries.
func (s *Store) ThreadMessageMarks(ctx context.Context, threadID int64) (MessageMarks, error) {
	out := MessageMarks{Quotes: map[int64]MessageQuote{}, Reactions: map[int64][]Reaction{}, Changes: map[int64]MessageChange{}}
	db := s.db.WithContext(ctx)
	var quotes []MessageQuote
	err := db.Raw(`SELECT q.message_id, q.quoted_id, q.quoted_text FROM message_quotes q JOIN messages m ON m.id = q.message_id
		WHERE m.thread_id = ?`, threadID).Scan(&quotes).Error
	if err != nil {
		return out, fmt.Errorf("quotes of thread %d: %w", threadID, err)
	}
	for _, q := range quotes {
		out.Quotes[q.MessageID] = q
	}
	var reactions []Reaction
	err = db.Raw(`SELECT r.message_id, r.reactor, r.author, r.emoji, r.reacted_at FROM message_reactions r JOIN messages m ON m.id = r.message_id
		WHERE m.thread_id = ? ORDER BY r.reacted_at, r.reactor`, threadID).Scan(&reactions).Error
	if err != nil {
		return out, fmt.Errorf("reactions of thread %d: %w", threadID, err)
	}
	for _, r := range reactions {
		out.Reactions[r.MessageID] = append(out.Reactions[r.MessageID], r)
	}
	var changes []MessageChange
	err = db.Raw(`SELECT c.message_id, c.original_body, c.edited_at, c.revoked_at FROM message_changes c JOIN messages m ON m.id = c.message_id
		WHERE m.thread_id = ?`, threadID).Scan(&changes).Error
	if err != nil {
		return out, fmt.Errorf("edits of thread %d: %w", threadID, err)
	}
	for _, c := range changes {
		out.Changes[c.MessageID] = c
	}
	return out, nil
}
