package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"naryad/hub"
	"naryad/migrations"
)

// ErrLeaseLost means an outbox item is no longer held by the caller's claim:
// the lease lapsed and another worker claimed the item again, or someone
// finished it. The caller's result must not overwrite theirs.
var ErrLeaseLost = errors.New("outbox lease lost")

// ErrNotFailed is returned when a message that has not failed is resent.
var ErrNotFailed = errors.New("message has not failed")

// Claiming statements. PostgreSQL locks the chosen rows with SKIP LOCKED so
// concurrent claimers (other processes too) pass over each other's rows; the
// CTE is MATERIALIZED so the LIMIT is evaluated exactly once (a plain
// `id IN (subquery)` may be re-run by the planner and claim more than asked).
// SQLite has one writer at a time, so one UPDATE is already atomic.
const (
	claimPostgres = `WITH due AS MATERIALIZED (
		SELECT id FROM outbox
		WHERE state = @pending AND channel IN @channels AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
		  AND ` + firstForRecipient + `
		ORDER BY next_attempt_at, id LIMIT @limit
		FOR UPDATE SKIP LOCKED)
	UPDATE outbox SET lease_until = @until FROM due WHERE outbox.id = due.id RETURNING outbox.*`
	claimSQLite = `UPDATE outbox SET lease_until = @until WHERE id IN (
		SELECT id FROM outbox
		WHERE state = @pending AND channel IN @channels AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
		  AND ` + firstForRecipient + `
		ORDER BY next_attempt_at, id LIMIT @limit)
	RETURNING *`
	// firstForRecipient keeps one customer's messages in the order they
	// were written: a message waits while an older one to the same number is
	// still pending (being sent, or waiting for its retry), so "work started"
	// never arrives after "please approve the estimate" it came before.
	firstForRecipient = `NOT EXISTS (SELECT 1 FROM outbox earlier
		WHERE earlier.recipient = outbox.recipient AND earlier.channel = outbox.channel
		  AND earlier.state = @pending AND earlier.id < outbox.id)`
)

// ClaimOutbox takes up to limit due items (pending, next attempt reached,
// not leased) of the given channels and leases them until now+lease, oldest
// due first. No two claims ever hold the same item at once; an item whose
// worker died comes back once its lease lapses. The returned LeaseUntil
// identifies the claim: pass the item unchanged to the Mark functions. No
// channels claims nothing: a pool takes only what it has senders for.
func (s *Store) ClaimOutbox(ctx context.Context, limit int, lease time.Duration, channels []string) ([]hub.OutboxItem, error) {
	if limit <= 0 || len(channels) == 0 {
		return nil, nil
	}
	t := now()
	q := claimSQLite
	if s.dialect == migrations.Postgres {
		q = claimPostgres
	}
	args := map[string]any{"pending": hub.OutboxPending, "now": t, "until": t.Add(lease), "limit": limit, "channels": channels}
	var items []hub.OutboxItem
	if err := s.db.WithContext(ctx).Raw(q, args).Scan(&items).Error; err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	// RETURNING gives no order on either database.
	slices.SortFunc(items, func(a, b hub.OutboxItem) int {
		if c := a.NextAttemptAt.Compare(b.NextAttemptAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return items, nil
}

// RecordDeliveryAttempt stores one try to hand a message to a provider
// that the provider did not accept (a success is written by MarkOutboxSent,
// together with the outbox row's end).
func (s *Store) RecordDeliveryAttempt(ctx context.Context, a *hub.DeliveryAttempt) error {
	a.StartedAt = a.StartedAt.UTC().Truncate(time.Microsecond)
	a.FinishedAt = a.FinishedAt.UTC().Truncate(time.Microsecond)
	if err := s.db.WithContext(ctx).Create(a).Error; err != nil {
		return fmt.Errorf("record attempt %d of outbox item %d: %w", a.Attempt, a.OutboxID, err)
	}
	return nil
}

// AcceptedAttempt finds an attempt at the item that a provider accepted
// (no error) since the item was last scheduled (its next_attempt_at: the
// queuing, a retry or a resend). A worker that died, or lost its lease,
// after such an attempt leaves the item pending; the next claim must end
// it as sent rather than send it again. found is false when there is none.
func (s *Store) AcceptedAttempt(ctx context.Context, item hub.OutboxItem) (a hub.DeliveryAttempt, found bool, err error) {
	var out []hub.DeliveryAttempt
	err = s.db.WithContext(ctx).Raw(`SELECT delivery_attempts.* FROM delivery_attempts
		JOIN outbox ON outbox.id = delivery_attempts.outbox_id
		WHERE delivery_attempts.outbox_id = ? AND delivery_attempts.error = ''
		  AND delivery_attempts.started_at >= outbox.next_attempt_at
		ORDER BY delivery_attempts.id DESC LIMIT 1`, item.ID).Scan(&out).Error
	if err != nil {
		return a, false, fmt.Errorf("accepted attempt of outbox item %d: %w", item.ID, err)
	}
	if len(out) == 0 {
		return a, false, nil
	}
	return out[0], true, nil
}

// MarkOutboxSent records that the provider accepted a claimed item in
// attempt a: the attempt (unless already stored, a.ID set), the outbox row
// done (its attempts counting this one) and the message sent, or delivered
// when the provider already knows, under the provider's id, all in one
// transaction, so a success is never on record while its row still waits
// to be sent again. Like every Mark function it takes the item as claimed
// and returns ErrLeaseLost when that claim no longer holds it; the attempt
// is stored all the same, as it happened.
func (s *Store) MarkOutboxSent(ctx context.Context, item hub.OutboxItem, a *hub.DeliveryAttempt, state string) error {
	if state != hub.DeliverySent && state != hub.DeliveryDelivered {
		return fmt.Errorf("mark outbox item %d sent: state %q is neither sent nor delivered", item.ID, state)
	}
	lost := false
	err := s.Tx(ctx, func(tx *Store) error {
		if a.ID == 0 {
			if err := tx.RecordDeliveryAttempt(ctx, a); err != nil {
				return err
			}
		}
		t := now()
		err := tx.endClaim(ctx, item, "state = ?, attempts = attempts + 1, last_error = '', updated_at = ?", hub.OutboxDone, t)
		if errors.Is(err, ErrLeaseLost) {
			lost = true // commit the attempt alone: its success stops the next claim sending again
			return nil
		}
		if err != nil {
			return fmt.Errorf("mark outbox item %d sent: %w", item.ID, err)
		}
		err = tx.db.WithContext(ctx).Exec(
			"UPDATE messages SET delivery = ?, provider_id = ?, error = '', updated_at = ? WHERE id = ? AND delivery = ?",
			state, a.ProviderID, t, item.MessageID, hub.DeliveryQueued).Error
		if err != nil {
			return fmt.Errorf("mark message %d sent: %w", item.MessageID, err)
		}
		return tx.appendMessageEvent(ctx, hub.EventDelivery, item.MessageID)
	})
	if err == nil && lost {
		err = fmt.Errorf("mark outbox item %d sent: %w", item.ID, ErrLeaseLost)
	}
	return err
}

// MarkOutboxRetry puts a claimed item back for another attempt at next. The
// message stays queued, its error showing the advisor why it is late.
func (s *Store) MarkOutboxRetry(ctx context.Context, item hub.OutboxItem, attempts int, next time.Time, errText string) error {
	return s.Tx(ctx, func(tx *Store) error {
		t := now()
		err := tx.finishClaim(ctx, item, "attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ?",
			attempts, next.UTC().Truncate(time.Microsecond), errText, t)
		if err != nil {
			return fmt.Errorf("mark outbox item %d for retry: %w", item.ID, err)
		}
		err = tx.db.WithContext(ctx).Exec("UPDATE messages SET error = ?, updated_at = ? WHERE id = ? AND delivery = ?",
			errText, t, item.MessageID, hub.DeliveryQueued).Error
		if err != nil {
			return fmt.Errorf("note retry on message %d: %w", item.MessageID, err)
		}
		return tx.appendMessageEvent(ctx, hub.EventDelivery, item.MessageID)
	})
}

// MarkOutboxFailed gives up on a claimed item: the outbox row and the
// message fail with errText, and a delivery_failed change tells the DMS.
func (s *Store) MarkOutboxFailed(ctx context.Context, item hub.OutboxItem, attempts int, errText string) error {
	return s.Tx(ctx, func(tx *Store) error {
		err := tx.endClaim(ctx, item, "state = ?, attempts = ?, last_error = ?, updated_at = ?",
			hub.OutboxFailed, attempts, errText, now())
		if err != nil {
			return fmt.Errorf("mark outbox item %d failed: %w", item.ID, err)
		}
		_, err = tx.failMessages(ctx, errText, "id = ?", item.MessageID)
		return err
	})
}

// endClaim is finishClaim for an item's end (sent, failed, rerouted): the
// row's text is scrubbed to its masked form in the same statement, so no
// customer's link token outlives its delivery. A resend puts the page link
// back (RequeueMessage).
func (s *Store) endClaim(ctx context.Context, item hub.OutboxItem, set string, args ...any) error {
	return s.finishClaim(ctx, item, set+", body = ?", append(args, hub.MaskLinks(item.Body))...)
}

// finishClaim updates a claimed pending item and drops its lease, but only
// while the caller's claim (its lease_until) still holds it.
func (s *Store) finishClaim(ctx context.Context, item hub.OutboxItem, set string, args ...any) error {
	if item.LeaseUntil == nil {
		return fmt.Errorf("item was not claimed: %w", ErrLeaseLost)
	}
	args = append(args, item.ID, hub.OutboxPending, item.LeaseUntil.UTC())
	res := s.db.WithContext(ctx).Exec(
		"UPDATE outbox SET "+set+", lease_until = NULL WHERE id = ? AND state = ? AND lease_until = ?", args...)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrLeaseLost
	}
	return nil
}

// RequeueMessage sends a failed outgoing message again (the advisor's
// "resend"): it goes back to queued and its outbox row to pending, due now,
// with the attempt count reset. The recipient is the thread's current phone,
// so a number corrected in the DMS since the failure is used; a message that
// never had an outbox row (no phone at the time) gets one. ErrNotFailed when
// the message is not a failed outgoing message. The text sent again is the
// stored, masked one with pageURL (the thread's live customer-page link;
// "" when revoked) in place of a masked page link: the real text was
// scrubbed when the item failed. A courtesy-car link stays masked (only
// its hash is kept): such an offer is made again, not resent.
func (s *Store) RequeueMessage(ctx context.Context, messageID int64, pageURL string) error {
	return s.Tx(ctx, func(tx *Store) error {
		t := now()
		db := tx.db.WithContext(ctx)
		// The guarded update comes first: of two concurrent resends, the
		// second waits for the first and then finds nothing to requeue.
		res := db.Exec("UPDATE messages SET delivery = ?, error = '', provider_id = '', updated_at = ? WHERE id = ? AND direction = ? AND delivery = ?",
			hub.DeliveryQueued, t, messageID, hub.DirectionOut, hub.DeliveryFailed)
		if res.Error != nil {
			return fmt.Errorf("requeue message %d: %w", messageID, res.Error)
		}
		m, err := tx.Message(ctx, messageID)
		if err != nil {
			return fmt.Errorf("requeue: %w", err)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("requeue message %d (%s %s): %w", messageID, m.Direction, m.Delivery, ErrNotFailed)
		}
		if err := tx.appendMessageEvent(ctx, hub.EventDelivery, messageID); err != nil {
			return err
		}
		th, err := tx.Thread(ctx, m.ThreadID)
		if err != nil {
			return fmt.Errorf("requeue message %d: %w", messageID, err)
		}
		item, err := tx.OutboxByMessage(ctx, messageID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("requeue message %d: %w", messageID, err)
		}
		if th.Phone != "" {
			item.Recipient, item.Channel = th.Phone, th.Channel
		}
		if item.Recipient == "" {
			return fmt.Errorf("requeue message %d: no phone number for this customer", messageID)
		}
		if item.ID == 0 {
			item = hub.OutboxItem{
				MessageID: messageID, Channel: item.Channel, Recipient: item.Recipient, Body: hub.UnmaskPageLink(m.Body, pageURL),
				State: hub.OutboxPending, NextAttemptAt: t, CreatedAt: t, UpdatedAt: t,
			}
			if err := db.Create(&item).Error; err != nil {
				return fmt.Errorf("requeue message %d: %w", messageID, err)
			}
			return nil
		}
		err = db.Exec(`UPDATE outbox SET state = ?, attempts = 0, next_attempt_at = ?, lease_until = NULL, last_error = '',
			channel = ?, recipient = ?, body = ?, updated_at = ? WHERE id = ?`,
			hub.OutboxPending, t, item.Channel, item.Recipient, hub.UnmaskPageLink(hub.MaskLinks(item.Body), pageURL), t, item.ID).Error
		if err != nil {
			return fmt.Errorf("requeue message %d: %w", messageID, err)
		}
		return nil
	})
}

// OutboxStats counts pending and failed items and tells since when the
// oldest pending item has waited (nil when none is pending).
func (s *Store) OutboxStats(ctx context.Context) (pending, failed int, oldestPending *time.Time, err error) {
	db := s.db.WithContext(ctx)
	var counts []struct {
		State string
		N     int
	}
	if err := db.Raw("SELECT state, COUNT(*) AS n FROM outbox WHERE state IN ? GROUP BY state",
		[]string{hub.OutboxPending, hub.OutboxFailed}).Scan(&counts).Error; err != nil {
		return 0, 0, nil, fmt.Errorf("outbox stats: %w", err)
	}
	for _, c := range counts {
		switch c.State {
		case hub.OutboxPending:
			pending = c.N
		case hub.OutboxFailed:
			failed = c.N
		}
	}
	if pending == 0 {
		return pending, failed, nil, nil
	}
	// A plain column rather than MIN(): SQLite only turns values of a
	// DATETIME column back into times.
	var oldest []time.Time
	if err := db.Raw("SELECT created_at FROM outbox WHERE state = ? ORDER BY created_at LIMIT 1",
		hub.OutboxPending).Scan(&oldest).Error; err != nil {
		return 0, 0, nil, fmt.Errorf("outbox stats: oldest pending: %w", err)
	}
	if len(oldest) == 1 {
		oldestPending = &oldest[0]
	}
	return pending, failed, oldestPending, nil
}

// OutboxByMessage loads the outbox row of a message.
func (s *Store) OutboxByMessage(ctx context.Context, messageID int64) (hub.OutboxItem, error) {
	var item hub.OutboxItem
	err := s.db.WithContext(ctx).Where("message_id = ?", messageID).Take(&item).Error
	return item, notFound(err, "outbox item of message %d", messageID)
}

// DeliveryAttempts lists the attempts of an outbox item, first first.
func (s *Store) DeliveryAttempts(ctx context.Context, outboxID int64) ([]hub.DeliveryAttempt, error) {
	var out []hub.DeliveryAttempt
	if err := s.db.WithContext(ctx).Where("outbox_id = ?", outboxID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("attempts of outbox item %d: %w", outboxID, err)
	}
	return out, nil
}
