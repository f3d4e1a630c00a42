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
		note := EmailSMSNote
		if m.Error != "" {
			note = m.Error + "; " + EmailSMSNote
		}
		sms, queued, err = tx.followUpBySMS(ctx, m, th, note, links)
		return err
	})
	if err != nil {
		return hub.Message{}, false, fmt.Errorf("follow up e-mail %d by SMS: %w", messageID, err)
	}
	return sms, queued, nil
}
