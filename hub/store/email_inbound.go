package store

import (
	"context"
	"errors"
	"fmt"

	"naryad/hub"
)

// E-mail coming back to naryad (issue 21): a customer's reply stored in
// its thread exactly once, and a bounce failing the message it names.

// ErrDuplicateEmail says this e-mail (by Message-ID, or by content when it
// has none) is in the thread already: a relay delivered it again.
var ErrDuplicateEmail = errors.New("e-mail already stored in this thread")

// AddEmailReply stores a customer's e-mail reply in their thread as
// AddCustomerMessage does (thread events, SLA, awaiting, reopening, the
// customer_message change for the DMS, channel "email"), and records key
// (the e-mail's Message-ID or a hash of its content) for the thread in the
// same transaction: a second copy with the same key fails with
// ErrDuplicateEmail and stores nothing, also when copies race (the primary
// key of email_inbound decides).
func (s *Store) AddEmailReply(ctx context.Context, t hub.Thread, key, text string, files []InboundFile) (hub.Message, error) {
	if key == "" {
		return hub.Message{}, fmt.Errorf("store e-mail reply in thread %d: no key", t.ID)
	}
	var m hub.Message
	err := s.Tx(ctx, func(tx *Store) error {
		// The counter first (see LockChangeFeed): copies of one e-mail
		// queue here, so the check below sees the first copy committed.
		if err := tx.LockChangeFeed(ctx); err != nil {
			return err
		}
		var n int64
		err := tx.db.WithContext(ctx).Raw("SELECT COUNT(*) FROM email_inbound WHERE thread_id = ? AND message_key = ?", t.ID, key).Scan(&n).Error
		if err != nil {
			return fmt.Errorf("look up e-mail %q in thread %d: %w", key, t.ID, err)
		}
		if n > 0 {
			return ErrDuplicateEmail
		}
		if m, err = tx.AddCustomerMessage(ctx, t, text, hub.ChannelEmail, files); err != nil {
			return err
		}
		err = tx.db.WithContext(ctx).Exec("INSERT INTO email_inbound (thread_id, message_key, message_id, created_at) VALUES (?, ?, ?, ?)",
			t.ID, key, m.ID, now()).Error
		if isUniqueViolation(err) {
			return ErrDuplicateEmail
		}
		if err != nil {
			return fmt.Errorf("record e-mail %q of thread %d: %w", key, t.ID, err)
		}
		return nil
	})
	if err != nil {
		return hub.Message{}, err
	}
	return m, nil
}

// EmailBounce is what FailEmailBounce did.
type EmailBounce struct {
	// Failed is true when this bounce failed the message; false when it
	// was failed already (a second bounce, the outbox gave up before) or
	// had reached the customer: nothing changed.
	Failed bool
	// Recipient is the address the e-mail went to, from naryad's own
	// outbox row (never from the bounce, which anyone who saw the e-mail's
	// Return-Path could write).
	Recipient string
	// Message is the e-mail message as it is now.
	Message hub.Message
}

// FailEmailBounce marks an outgoing e-mail message failed with reason (a
// hard bounce), fails its outbox row and appends the delivery_failed
// change for the DMS, as an SMS provider's failure report does.
// ErrNotFound when messageID is not an e-mail naryad sent.
func (s *Store) FailEmailBounce(ctx context.Context, messageID int64, reason string) (EmailBounce, error) {
	var b EmailBounce
	err := s.Tx(ctx, func(tx *Store) error {
		if _, err := tx.MessageEmail(ctx, messageID); err != nil {
			return err
		}
		err := tx.db.WithContext(ctx).Raw("SELECT recipient FROM outbox WHERE message_id = ?", messageID).Scan(&b.Recipient).Error
		if err != nil {
			return fmt.Errorf("recipient of message %d: %w", messageID, err)
		}
		// The awaiting clock's thread write comes before delivery_failed is
		// numbered: the counter first (see LockChangeFeed).
		if err := tx.LockChangeFeed(ctx); err != nil {
			return err
		}
		n, err := tx.failMessages(ctx, reason, "id = ? AND direction = ?", messageID, hub.DirectionOut)
		if err != nil {
			return err
		}
		b.Failed = n > 0
		b.Message, err = tx.Message(ctx, messageID)
		return err
	})
	if err != nil {
		return EmailBounce{}, fmt.Errorf("bounce of message %d: %w", messageID, err)
	}
	return b, nil
}
