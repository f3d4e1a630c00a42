package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// AddMessage appends a message to its thread, bumps the thread's activity
// and logs the event live pages show. For an outgoing message use QueueMessage, which also writes the
// outbox row. A message is dated now unless it carries an earlier
// CreatedAt: a line about something that happened before the hub heard of
// it (a locker event synced late) keeps its own time, never a future one.
func (s *Store) AddMessage(ctx context.Context, m *hub.Message) error {
	return s.Tx(ctx, func(tx *Store) error {
		t := now()
		if m.CreatedAt.IsZero() || m.CreatedAt.After(t) {
			m.CreatedAt = t
		}
		m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC().Truncate(time.Microsecond), t
		// Staff, the DMS and the database never hold a customer's link
		// token: the stored words carry it masked (QueueMessage's outbox
		// row keeps the real text for the provider, until it is sent).
		m.Body = hub.MaskLinks(m.Body)
		if err := tx.db.WithContext(ctx).Create(m).Error; err != nil {
			return fmt.Errorf("add %s message to thread %d: %w", m.Direction, m.ThreadID, err)
		}
		if err := tx.touchThread(ctx, m.ThreadID, t); err != nil {
			return err
		}
		if err := tx.markAwaiting(ctx, *m); err != nil {
			return err
		}
		if err := tx.slaOnMessage(ctx, *m); err != nil {
			return err
		}
		return tx.appendNewMessageEvent(ctx, m.ThreadID, m.ID)
	})
}

// Outgoing is a message for the customer together with where it goes.
type Outgoing struct {
	ThreadID    int64
	Channel     string // hub.ChannelSMS, …
	Recipient   string // E.164; on WhatsApp "" takes the thread's LID chat, if any (store.ThreadWALIDChat)
	Body        string
	Author      string
	TemplateKey string
	// Purpose is the consent purpose the message serves (ConsentService
	// for status notifications); when the recipient refused it, the
	// message is written to the thread as hub.DeliveryPageOnly with no
	// outbox row: the customer reads it on their page, not by SMS or
	// WhatsApp. "" (a person's reply) is sent whatever the consents say.
	Purpose string
	// ConsentPhone is the number whose consents Purpose is checked
	// against when Recipient is not a phone (an e-mail address).
	ConsentPhone string
	// Email carries an e-mail's subject, HTML part and headers; required
	// when Channel is hub.ChannelEmail (Recipient is then the address and
	// Body the text part), ignored otherwise.
	Email *hub.MessageEmail
}

// QueueMessage writes an outgoing message and its outbox row in one
// transaction — the caller's, when called inside Tx — so the message exists
// exactly when the change that caused it does. The message keeps o.Body
// with its links masked (hub.MaskLinks); only the outbox row holds the
// real text, and only until the item ends (endClaim).
func (s *Store) QueueMessage(ctx context.Context, o Outgoing) (hub.Message, error) {
	m := hub.Message{
		ThreadID: o.ThreadID, Direction: hub.DirectionOut, Body: o.Body, Author: o.Author,
		TemplateKey: o.TemplateKey, Delivery: hub.DeliveryQueued,
	}
	if o.Channel == hub.ChannelEmail && (o.Email == nil || o.Email.HeaderID == "" || o.Recipient == "") {
		return hub.Message{}, fmt.Errorf("queue e-mail on thread %d: an address, a subject and a Message-ID are required", o.ThreadID)
	}
	err := s.Tx(ctx, func(tx *Store) error {
		consentPhone := o.Recipient
		if o.Channel == hub.ChannelEmail {
			consentPhone = o.ConsentPhone
		}
		if o.Purpose != "" && consentPhone != "" {
			refused, err := tx.ConsentDenied(ctx, consentPhone, o.Purpose)
			if err != nil {
				return err
			}
			if refused {
				m.Delivery = hub.DeliveryPageOnly
				return tx.AddMessage(ctx, &m)
			}
		}
		if o.Recipient == "" && o.Channel == hub.ChannelWhatsApp {
			// A customer WhatsApp shows only by a LID is answered there.
			lid, err := tx.ThreadWALIDChat(ctx, o.ThreadID)
			if err != nil {
				return err
			}
			o.Recipient = lid
		}
		if o.Recipient == "" {
			// Nobody to send to: keep the message visible to staff as
			// failed rather than dropping it.
			m.Delivery, m.Error = hub.DeliveryFailed, "no phone number for this customer"
			// A staff reply stops the thread's awaiting clock (a thread
			// row write) before delivery_failed is numbered: the counter
			// first (see LockChangeFeed).
			if err := tx.LockChangeFeed(ctx); err != nil {
				return err
			}
		}
		if err := tx.AddMessage(ctx, &m); err != nil {
			return err
		}
		if o.Channel == hub.ChannelEmail {
			if err := tx.addMessageEmail(ctx, m, *o.Email); err != nil {
				return err
			}
		}
		if o.Recipient == "" {
			// The DMS hears of it like of any other undelivered message,
			// so someone adds the missing number there.
			return tx.appendDeliveryFailed(ctx, m.ID, o.ThreadID, "", m.Error)
		}
		// Workers see the row only after the commit anyway: it is written
		// with the transaction's other outbox rows in one statement.
		tx.buf.outbox = append(tx.buf.outbox, hub.OutboxItem{
			MessageID: m.ID, Channel: o.Channel, Recipient: o.Recipient, Body: o.Body,
			State: hub.OutboxPending, NextAttemptAt: m.CreatedAt, CreatedAt: m.CreatedAt, UpdatedAt: m.CreatedAt,
		})
		return nil
	})
	return m, err
}

// Messages lists a thread's messages oldest first.
func (s *Store) Messages(ctx context.Context, threadID int64) ([]hub.Message, error) {
	var out []hub.Message
	// By their time, not their id: a WhatsApp backlog delivered after an
	// outage carries WhatsApp's times, older than what was written since.
	if err := s.db.WithContext(ctx).Where("thread_id = ?", threadID).Order("created_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("messages of thread %d: %w", threadID, err)
	}
	return out, nil
}

// Message loads one message.
func (s *Store) Message(ctx context.Context, id int64) (hub.Message, error) {
	var m hub.Message
	err := s.db.WithContext(ctx).Take(&m, id).Error
	return m, notFound(err, "message %d", id)
}

// AddAttachment records a file already written to the media store.
func (s *Store) AddAttachment(ctx context.Context, a *hub.Attachment) error {
	a.CreatedAt = now()
	if err := s.db.WithContext(ctx).Create(a).Error; err != nil {
		return fmt.Errorf("add attachment to message %d: %w", a.MessageID, err)
	}
	return nil
}

// Attachments lists the files of a message.
func (s *Store) Attachments(ctx context.Context, messageID int64) ([]hub.Attachment, error) {
	var out []hub.Attachment
	if err := s.db.WithContext(ctx).Where("message_id = ?", messageID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("attachments of message %d: %w", messageID, err)
	}
	return out, nil
}
