package store

import (
	"context"
	"fmt"
	"strings"

	"naryad/hub"
)

// EmailSMSNote is added to a failed e-mail's error when its words went by
// SMS instead, as the outbox's own fallback (RerouteOutboxToSMS) does.
const EmailSMSNote = "sent by SMS instead"

// FollowUpFailedEmailWithSMS queues the words of an e-mail that failed
// after it was sent (a hard bounce: its outbox row has ended, so
// RerouteOutboxToSMS cannot take it) by SMS to the thread's number, with
// the customer's live page link, and notes "…; sent by SMS instead" on
// the e-mail so the thread shows both. All in one transaction, whose
// follow-up row (wa_sms_followups, keyed by the message: the record of
// "this message was followed up by SMS" whatever its first channel) makes
// it happen at most once however often the bounce comes. queued is false,
// nothing written, when the message was followed up already, is not a
// failed e-mail, or its thread has no number. links may be nil (no link).
func (s *Store) FollowUpFailedEmailWithSMS(ctx context.Context, messageID int64, links *hub.Links) (sms hub.Message, queued bool, err error) {
	err = s.Tx(ctx, func(tx *Store) error {
		if _, err := tx.MessageEmail(ctx, messageID); err != nil {
			return err
		}
		m, err := tx.Message(ctx, messageID)
		if err != nil {
			return err
		}
		th, err := tx.Thread(ctx, m.ThreadID)
		if err != nil {
			return err
		}
		if m.Delivery != hub.DeliveryFailed || th.Phone == "" || strings.HasSuffix(m.Error, EmailSMSNote) {
			return nil
		}
		res := tx.db.WithContext(ctx).Exec(insertIgnoring("wa_sms_followups", "message_id, created_at", 1, 2), messageID, now())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return nil // another copy of the bounce was first
		}
		// The stored text part keeps the page link masked; the SMS
		// carries the live one.
		body, err := tx.withCustomerLink(ctx, th.ID, m.Body, links)
		if err != nil {
			return err
		}
		if sms, err = tx.QueueMessage(ctx, Outgoing{ThreadID: th.ID, Channel: hub.ChannelSMS, Recipient: th.Phone,
			Body: body, Author: m.Author, TemplateKey: m.TemplateKey}); err != nil {
			return err
		}
		if err := tx.db.WithContext(ctx).Exec(`UPDATE wa_sms_followups SET sms_message_id = ? WHERE message_id = ?`,
			sms.ID, messageID).Error; err != nil {
			return err
		}
		note := EmailSMSNote
		if m.Error != "" {
			note = m.Error + "; " + EmailSMSNote
		}
		if err := tx.db.WithContext(ctx).Exec(`UPDATE messages SET error = ?, updated_at = ? WHERE id = ?`,
			note, now(), messageID).Error; err != nil {
			return err
		}
		queued = true
		return tx.appendMessageEvent(ctx, hub.EventDelivery, messageID)
	})
	if err != nil {
		return hub.Message{}, false, fmt.Errorf("follow up e-mail %d by SMS: %w", messageID, err)
	}
	return sms, queued, nil
}
