package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// SMS follow-ups of WhatsApp messages that were sent but never delivered
// (table wa_sms_followups, migration 00012). A status or estimate message
// whose customer's phone has not confirmed it after the branch's
// wa_undelivered_sms_hours also goes by SMS with the page link: the phone
// may be off, lost, or WhatsApp uninstalled, and the customer must still
// learn that the car is ready.

// UndeliveredWAMessage is a status or estimate message still only sent on
// WhatsApp, with when its first part was sent and the branch's hours.
type UndeliveredWAMessage struct {
	MessageID int64
	ThreadID  int64
	SentAt    time.Time
	Hours     int
}

// undeliveredMinAge is the shortest wait any branch can set (hours are
// whole); rows younger than it are not even read.
const undeliveredMinAge = time.Hour

// UndeliveredWAMessages lists, oldest first and at most limit, the
// outgoing status.* and estimate.* messages that WhatsApp sent at least
// their branch's wa_undelivered_sms_hours before now, still "sent" (no
// delivered receipt), to a thread with a number, with no SMS follow-up
// yet. Branches with the hours at 0 are skipped.
func (s *Store) UndeliveredWAMessages(ctx context.Context, now time.Time, limit int) ([]UndeliveredWAMessage, error) {
	var rows []UndeliveredWAMessage
	// The hours are compared in Go: interval arithmetic differs between
	// SQLite and PostgreSQL, and the rows read are few (sent, unconfirmed
	// for an hour or more).
	err := s.db.WithContext(ctx).Raw(`SELECT m.id AS message_id, m.thread_id, ws.sent_at, b.wa_undelivered_sms_hours AS hours
		FROM messages m
		JOIN wa_sends ws ON ws.message_id = m.id AND ws.part = 0
		JOIN threads t ON t.id = m.thread_id
		JOIN branches b ON b.id = t.branch_id
		WHERE m.direction = ? AND m.delivery = ? AND (m.template_key LIKE 'status.%' OR m.template_key LIKE 'estimate.%')
		  AND ws.sent_at IS NOT NULL AND ws.sent_at <= ? AND b.wa_undelivered_sms_hours > 0 AND t.phone <> ''
		  AND NOT EXISTS (SELECT 1 FROM wa_sms_followups f WHERE f.message_id = m.id)
		ORDER BY ws.sent_at, m.id`,
		hub.DirectionOut, hub.DeliverySent, now.Add(-undeliveredMinAge).UTC().Truncate(time.Microsecond)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("undelivered WhatsApp messages: %w", err)
	}
	out := rows[:0]
	for _, r := range rows {
		if !r.SentAt.After(now.Add(-time.Duration(r.Hours) * time.Hour)) {
			out = append(out, r)
		}
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// FollowUpWithSMS queues the words of a WhatsApp message that stayed
// undelivered by SMS to the thread's number, with the page link, and
// marks the WhatsApp message so the thread shows both; all in one
// transaction, whose wa_sms_followups row makes it happen once however
// many sweepers run. queued is false (nothing written) when the message
// was followed up already, is no longer just "sent", or its thread has
// no number. links may be nil (no link added).
func (s *Store) FollowUpWithSMS(ctx context.Context, messageID int64, note string, links *hub.Links) (sms hub.Message, queued bool, err error) {
	err = s.Tx(ctx, func(tx *Store) error {
		m, err := tx.Message(ctx, messageID)
		if err != nil {
			return err
		}
		th, err := tx.Thread(ctx, m.ThreadID)
		if err != nil {
			return err
		}
		if m.Delivery != hub.DeliverySent || th.Phone == "" {
			return nil
		}
		sms, queued, err = tx.followUpBySMS(ctx, m, th, note, links)
		return err
	})
	if err != nil {
		return hub.Message{}, false, fmt.Errorf("follow up WhatsApp message %d by SMS: %w", messageID, err)
	}
	return sms, queued, nil
}

// followUpBySMS is the common part of an SMS follow-up, in the caller's
// transaction: it records the follow-up of m once (a wa_sms_followups row
// keyed by the message, whatever its first channel: a second caller finds
// it and writes nothing), queues m's words by SMS to the thread's number
// with the live page link (the stored words keep it masked), sets m's
// error to note and tells live pages. queued is false when another caller
// was first.
func (s *Store) followUpBySMS(ctx context.Context, m hub.Message, th hub.Thread, note string, links *hub.Links) (sms hub.Message, queued bool, err error) {
	res := s.db.WithContext(ctx).Exec(insertIgnoring("wa_sms_followups", "message_id, created_at", 1, 2), m.ID, now())
	if res.Error != nil {
		return hub.Message{}, false, res.Error
	}
	if res.RowsAffected == 0 {
		return hub.Message{}, false, nil
	}
	body, err := s.withCustomerLink(ctx, th.ID, m.Body, links)
	if err != nil {
		return hub.Message{}, false, err
	}
	if sms, err = s.QueueMessage(ctx, Outgoing{ThreadID: th.ID, Channel: hub.ChannelSMS, Recipient: th.Phone,
		Body: body, Author: m.Author, TemplateKey: m.TemplateKey}); err != nil {
		return hub.Message{}, false, err
	}
	if err := s.db.WithContext(ctx).Exec(`UPDATE wa_sms_followups SET sms_message_id = ? WHERE message_id = ?`,
		sms.ID, m.ID).Error; err != nil {
		return hub.Message{}, false, err
	}
	if err := s.db.WithContext(ctx).Exec(`UPDATE messages SET error = ?, updated_at = ? WHERE id = ?`,
		note, now(), m.ID).Error; err != nil {
		return hub.Message{}, false, err
	}
	return sms, true, s.appendMessageEvent(ctx, hub.EventDelivery, m.ID)
}
