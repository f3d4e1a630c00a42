package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"naryad/hub"
)

// What the WhatsApp sender keeps (migration 00007): the account a thread's
// conversation runs on (wa_threads), whether a number is on WhatsApp
// (wa_contacts), the chats an account has had (wa_chats, for its daily cap
// of new chats), and the SMS fallback of a message WhatsApp could not carry.

// DefaultWAContactTTL is how long a check of whether a number is on
// WhatsApp is trusted before it is asked again.
const DefaultWAContactTTL = 30 * 24 * time.Hour

// waStartedByUs marks a wa_chats row of a chat the hub started; the cap of
// new chats a day counts only these.
const waStartedByUs = "us"

// WAContactCheck is what WhatsApp last said about a number (E.164): on it
// or not, and its JID when on it.
type WAContactCheck struct {
	Phone      string
	OnWhatsApp bool   `gorm:"column:on_whatsapp"`
	JID        string `gorm:"column:jid"`
	CheckedAt  time.Time
}

// TableName pins the table name.
func (WAContactCheck) TableName() string { return "wa_contacts" }

// WAContactCheck loads the last check of a number; ErrNotFound when it was
// never checked.
func (s *Store) WAContactCheck(ctx context.Context, phone string) (WAContactCheck, error) {
	var c WAContactCheck
	err := s.db.WithContext(ctx).Where("phone = ?", phone).Take(&c).Error
	return c, notFound(err, "WhatsApp check of %s", phone)
}

// SaveWAContactCheck records a check of a number, unless a later check is
// already stored (two senders asking at once keep the newer answer).
func (s *Store) SaveWAContactCheck(ctx context.Context, c WAContactCheck) error {
	at := c.CheckedAt.UTC().Truncate(time.Microsecond)
	err := s.db.WithContext(ctx).Exec(`INSERT INTO wa_contacts (phone, on_whatsapp, jid, checked_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (phone) DO UPDATE SET on_whatsapp = excluded.on_whatsapp, jid = excluded.jid, checked_at = excluded.checked_at
		WHERE wa_contacts.checked_at <= excluded.checked_at`, c.Phone, c.OnWhatsApp, c.JID, at).Error
	if err != nil {
		return fmt.Errorf("save WhatsApp check of %s: %w", c.Phone, err)
	}
	return nil
}

// NumberOffWhatsApp tells whether a check no older than maxAge found the
// number not on WhatsApp. A number never checked, or checked long ago, is
// not known to be off.
func (s *Store) NumberOffWhatsApp(ctx context.Context, phone string, maxAge time.Duration) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&WAContactCheck{}).
		Where("phone = ? AND on_whatsapp = ? AND checked_at >= ?", phone, false, now().Add(-maxAge)).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("is %s on WhatsApp: %w", phone, err)
	}
	return n > 0, nil
}

// ThreadWAAccount loads the account a thread's WhatsApp conversation runs
// on; ErrNotFound when it has none yet.
func (s *Store) ThreadWAAccount(ctx context.Context, threadID int64) (hub.WAAccount, error) {
	var a hub.WAAccount
	err := s.db.WithContext(ctx).Where("id = (SELECT account_id FROM wa_threads WHERE thread_id = ?)", threadID).Take(&a).Error
	return a, notFound(err, "WhatsApp account of thread %d", threadID)
}

// BindThreadToWAAccount makes the account the one the thread's WhatsApp
// conversation runs on from now on.
func (s *Store) BindThreadToWAAccount(ctx context.Context, threadID, accountID int64) error {
	err := s.db.WithContext(ctx).Exec(`INSERT INTO wa_threads (thread_id, account_id, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (thread_id) DO UPDATE SET account_id = excluded.account_id, updated_at = excluded.updated_at`,
		threadID, accountID, now()).Error
	if err != nil {
		return fmt.Errorf("bind thread %d to WhatsApp account %d: %w", threadID, accountID, err)
	}
	return nil
}

// WAChatKnown tells whether the account already had a direct chat with the
// number (started by either side): writing there starts no new chat.
func (s *Store) WAChatKnown(ctx context.Context, accountID int64, phone string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("wa_chats").Where("account_id = ? AND phone = ?", accountID, phone).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("WhatsApp chat of account %d with %s: %w", accountID, phone, err)
	}
	return n > 0, nil
}

// WANewChatsSince counts the chats the account started itself since a time.
func (s *Store) WANewChatsSince(ctx context.Context, accountID int64, since time.Time) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("wa_chats").
		Where("account_id = ? AND started_by = ? AND started_at >= ?", accountID, waStartedByUs, since.UTC().Truncate(time.Microsecond)).
		Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("new WhatsApp chats of account %d: %w", accountID, err)
	}
	return int(n), nil
}

// RecordOutboundWAChat notes that the account wrote first to the number at
// a time; a chat it already had keeps its row.
func (s *Store) RecordOutboundWAChat(ctx context.Context, accountID int64, phone string, at time.Time) error {
	err := s.db.WithContext(ctx).Exec(insertIgnoring("wa_chats", "account_id, phone, started_by, started_at", 1, 4),
		accountID, phone, waStartedByUs, at.UTC().Truncate(time.Microsecond)).Error
	if err != nil {
		return fmt.Errorf("record WhatsApp chat of account %d with %s: %w", accountID, phone, err)
	}
	return nil
}

// RerouteOutboxToSMS ends a claimed WhatsApp item that WhatsApp could not
// carry, in one transaction: the item and its message fail with the reason
// and "sent by SMS instead" (no delivery_failed change: the customer is
// still reached), and the same words, author and template key are queued
// on SMS to the thread's number, followed by the customer's page link
// unless the words carry it already. The thread shows both messages. When
// a check found the number not on WhatsApp, the thread moves to SMS for
// good. A thread without a number cannot be reached by SMS either: the
// item just fails as MarkOutboxFailed does, and the zero message returns.
// Like the Mark functions it returns ErrLeaseLost, writing nothing, when
// the claim no longer holds the item. links may be nil (no link added).
func (s *Store) RerouteOutboxToSMS(ctx context.Context, item hub.OutboxItem, attempts int, reason string, links *hub.Links) (hub.Message, error) {
	var out hub.Message
	err := s.Tx(ctx, func(tx *Store) error {
		m, err := tx.Message(ctx, item.MessageID)
		if err != nil {
			return err
		}
		th, err := tx.Thread(ctx, m.ThreadID)
		if err != nil {
			return err
		}
		if th.Phone == "" {
			return tx.MarkOutboxFailed(ctx, item, attempts, reason)
		}
		if err := tx.failRerouted(ctx, item, attempts, reason+"; sent by SMS instead"); err != nil {
			return err
		}
		// The claimed item's text, not the message's: the message keeps
		// its links masked, the item the real ones it was to deliver.
		body, err := tx.withCustomerLink(ctx, th.ID, item.Body, links)
		if err != nil {
			return err
		}
		if err := tx.moveThreadOffWhatsApp(ctx, th); err != nil {
			return err
		}
		out, err = tx.QueueMessage(ctx, Outgoing{
			ThreadID: th.ID, Channel: hub.ChannelSMS, Recipient: th.Phone, Body: body,
			Author: m.Author, TemplateKey: m.TemplateKey,
		})
		return err
	})
	if err != nil {
		return hub.Message{}, fmt.Errorf("reroute message %d to SMS: %w", item.MessageID, err)
	}
	return out, nil
}

// failRerouted ends the claimed item and its message as failed with
// errText, telling live pages but not the DMS.
func (s *Store) failRerouted(ctx context.Context, item hub.OutboxItem, attempts int, errText string) error {
	t := now()
	err := s.endClaim(ctx, item, "state = ?, attempts = ?, last_error = ?, updated_at = ?", hub.OutboxFailed, attempts, errText, t)
	if err != nil {
		return fmt.Errorf("end outbox item %d: %w", item.ID, err)
	}
	err = s.db.WithContext(ctx).Exec("UPDATE messages SET delivery = ?, error = ?, updated_at = ? WHERE id = ? AND delivery IN ?",
		hub.DeliveryFailed, errText, t, item.MessageID, []string{hub.DeliveryQueued, hub.DeliverySent}).Error
	if err != nil {
		return fmt.Errorf("fail message %d: %w", item.MessageID, err)
	}
	return s.appendMessageEvent(ctx, hub.EventDelivery, item.MessageID)
}

// withCustomerLink appends the thread's live page link to body on a line
// of its own, unless body already carries it; a masked page link in body
// (words read back from a stored message) becomes the live link.
func (s *Store) withCustomerLink(ctx context.Context, threadID int64, body string, links *hub.Links) (string, error) {
	if links == nil {
		return body, nil
	}
	l, err := s.LiveMagicLink(ctx, threadID, links)
	if err != nil {
		return "", err
	}
	url := links.URL(l.Salt)
	body = hub.UnmaskPageLink(body, url)
	switch {
	case strings.Contains(body, url):
		return body, nil
	case body == "":
		return url, nil
	}
	return body + "\n" + url, nil
}

// moveThreadOffWhatsApp switches a WhatsApp thread to SMS when the last
// check of its number found it not on WhatsApp: its later messages go by
// SMS at once instead of failing over one by one.
func (s *Store) moveThreadOffWhatsApp(ctx context.Context, th hub.Thread) error {
	if th.Channel != hub.ChannelWhatsApp {
		return nil
	}
	c, err := s.WAContactCheck(ctx, th.Phone)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil // never checked: the reason was the account, not the number
	case err != nil:
		return err
	case c.OnWhatsApp:
		return nil
	}
	err = s.db.WithContext(ctx).Exec("UPDATE threads SET channel = ? WHERE id = ? AND channel = ?",
		hub.ChannelSMS, th.ID, hub.ChannelWhatsApp).Error
	if err != nil {
		return fmt.Errorf("move thread %d to SMS: %w", th.ID, err)
	}
	return nil
}
