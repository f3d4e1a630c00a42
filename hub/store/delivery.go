package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// Delivery reports from providers, and what a message that did not reach
// its customer leaves behind: a failed state and a delivery_failed change.

// deliveryOrder ranks the forward-only delivery states.
var deliveryOrder = map[string]int{
	hub.DeliveryQueued: 0, hub.DeliverySent: 1, hub.DeliveryDelivered: 2, hub.DeliveryRead: 3,
}

// deliveryFrom lists the states a message may be in to move to a state.
// Failed replaces only queued and sent: a delivered or read message reached
// the customer, whatever a later report says. Failed itself is final until
// RequeueMessage.
func deliveryFrom(state string) ([]string, bool) {
	if state == hub.DeliveryFailed {
		return []string{hub.DeliveryQueued, hub.DeliverySent}, true
	}
	rank, ok := deliveryOrder[state]
	if !ok || rank == 0 {
		return nil, false
	}
	var from []string
	for s, r := range deliveryOrder {
		if r < rank {
			from = append(from, s)
		}
	}
	return from, true
}

// UpdateDeliveryByProviderID applies a provider's delivery report (sent,
// delivered, read or failed) to the outgoing message with that provider id.
// States only move forward; a report that would move back is ignored.
// found is false when no message has the id.
func (s *Store) UpdateDeliveryByProviderID(ctx context.Context, providerID, state, errText string) (found bool, err error) {
	from, ok := deliveryFrom(state)
	if !ok {
		return false, fmt.Errorf("update delivery of %q: unknown state %q", providerID, state)
	}
	if providerID == "" {
		return false, nil
	}
	if state != hub.DeliveryFailed {
		errText = ""
	}
	err = s.Tx(ctx, func(tx *Store) error {
		if state == hub.DeliveryFailed {
			n, err := tx.failMessages(ctx, errText, "provider_id = ? AND direction = ?", providerID, hub.DirectionOut)
			found = n > 0
			return err
		}
		var updated []int64
		err := tx.db.WithContext(ctx).Raw(`UPDATE messages SET delivery = ?, error = '', updated_at = ?
			WHERE provider_id = ? AND direction = ? AND delivery IN ? RETURNING id`,
			state, now(), providerID, hub.DirectionOut, from).Scan(&updated).Error
		if err != nil {
			return err
		}
		found = len(updated) > 0
		for _, id := range updated {
			if err := tx.appendMessageEvent(ctx, hub.EventDelivery, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("update delivery of %q to %s: %w", providerID, state, err)
	}
	if found {
		return true, nil
	}
	var n int64
	err = s.db.WithContext(ctx).Model(&hub.Message{}).Where("provider_id = ? AND direction = ?", providerID, hub.DirectionOut).
		Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("look up provider id %q: %w", providerID, err)
	}
	return n > 0, nil
}

// failMessages fails the outgoing messages matching where that are still
// queued or sent, fails their outbox rows, and appends a delivery_failed
// change for each so the DMS learns the customer was not reached. It returns
// how many messages failed; run it inside Tx.
func (s *Store) failMessages(ctx context.Context, errText, where string, args ...any) (int, error) {
	from, _ := deliveryFrom(hub.DeliveryFailed)
	t := now()
	var failed []struct{ ID, ThreadID int64 }
	args = append([]any{hub.DeliveryFailed, errText, t}, append(args, from)...)
	err := s.db.WithContext(ctx).Raw("UPDATE messages SET delivery = ?, error = ?, updated_at = ? WHERE "+where+
		" AND delivery IN ? RETURNING id, thread_id", args...).Scan(&failed).Error
	if err != nil {
		return 0, fmt.Errorf("fail messages: %w", err)
	}
	for _, m := range failed {
		var recipient string
		err := s.db.WithContext(ctx).Raw(`UPDATE outbox SET state = ?, last_error = ?, lease_until = NULL, updated_at = ?
			WHERE message_id = ? RETURNING recipient`, hub.OutboxFailed, errText, t, m.ID).Scan(&recipient).Error
		if err != nil {
			return 0, fmt.Errorf("fail outbox row of message %d: %w", m.ID, err)
		}
		if err := s.appendDeliveryFailed(ctx, m.ID, m.ThreadID, recipient, errText); err != nil {
			return 0, err
		}
		if err := s.appendMessageEvent(ctx, hub.EventDelivery, m.ID); err != nil {
			return 0, err
		}
	}
	return len(failed), nil
}

// appendDeliveryFailed adds the feed entry for a message the customer did
// not get, under the thread's branch and work order.
func (s *Store) appendDeliveryFailed(ctx context.Context, messageID, threadID int64, recipient, errText string) error {
	th, err := s.Thread(ctx, threadID)
	if err != nil {
		return err
	}
	c := hub.Change{BranchID: th.BranchID, WorkOrderID: th.WorkOrderID}
	if th.WorkOrderID != nil {
		wo, err := s.WorkOrder(ctx, *th.WorkOrderID)
		if err != nil {
			return err
		}
		c.WorkOrderNumber = wo.Number
	}
	if recipient == "" {
		recipient = th.Phone
	}
	return s.AppendChange(ctx, &c, hub.DeliveryFailedData{
		MessageID: messageID, ThreadID: threadID, Error: errText, Recipient: recipient,
	})
}
