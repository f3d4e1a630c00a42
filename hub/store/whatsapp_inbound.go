package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"naryad/hub"
)

// Incoming WhatsApp messages (hub/whatsapp's Inbound): the dedupe key of
// each message (wa_inbound), the threads a message can belong to, leads,
// and the one write that stores a message with everything it implies.
// Everything here runs inside the caller's transaction, one per message.

// ErrWADuplicate means the WhatsApp message is stored already (WhatsApp
// delivered it again). AddWAInbound returns it after writing the message
// row, so the caller must let its transaction roll back: nothing new stays.
var ErrWADuplicate = errors.New("WhatsApp message already stored")

// WAInboundKnown is what the store knows of a WhatsApp message id at an
// account before a message with it is stored.
type WAInboundKnown struct {
	// Stored: the message is stored in this chat already (a redelivery).
	Stored bool
	// UnreadableID is the stand-in kept while the message could not be
	// read (AddWAInbound with Unreadable), whatever chat it came in; 0
	// when there is none.
	UnreadableID int64
}

// WAInboundLookup tells whether a WhatsApp message is stored already, or
// waits as an unreadable stand-in for its content (FillWAUnreadable).
func (s *Store) WAInboundLookup(ctx context.Context, accountID int64, chat, waID string) (WAInboundKnown, error) {
	var rows []struct {
		Chat       string
		MessageID  int64
		Unreadable bool
	}
	err := s.db.WithContext(ctx).Raw(`SELECT i.chat, i.message_id, m.unreadable FROM wa_inbound i JOIN messages m ON m.id = i.message_id
		WHERE i.account_id = ? AND i.wa_id = ?`, accountID, waID).Scan(&rows).Error
	if err != nil {
		return WAInboundKnown{}, fmt.Errorf("look up WhatsApp message %s in %s: %w", waID, chat, err)
	}
	var k WAInboundKnown
	for _, r := range rows {
		switch {
		case r.Unreadable:
			k.UnreadableID = r.MessageID
		case r.Chat == chat:
			k.Stored = true
		}
	}
	return k, nil
}

// WAInbound is one incoming WhatsApp message to store in its thread.
type WAInbound struct {
	AccountID  int64
	Chat, WAID string // the dedupe key, with AccountID
	Thread     hub.Thread
	// Direction is hub.DirectionIn for the customer's words; hub.DirectionOut
	// for words typed on the linked phone or by another group member, with
	// Delivery sent or delivered (never queued: nothing goes to the outbox).
	Direction, Delivery string
	Body, Author        string
	// Phone and JID are the customer's, when this message proves they use
	// WhatsApp: the thread then runs on WhatsApp to that number. Empty
	// leaves the thread's number alone (a group member, a hidden sender).
	Phone, JID string
	// Sender is who wrote it (a group member's address; the customer's in
	// a direct chat): read receipts and quotes name them.
	Sender string
	// ChatStartedBy records the direct chat for the account's daily cap of
	// new chats when it had none with Phone ("customer", "phone"); empty
	// for groups.
	ChatStartedBy string
	// FilesPending defers the customer_message change to the media worker,
	// which writes it with the file (FinishWAMedia), so the DMS hears of a
	// photo once, complete.
	FilesPending bool
	// SentAt is WhatsApp's time of the message, so a backlog delivered
	// after an outage keeps its times and order; zero (or a time ahead of
	// the clock) is now.
	SentAt time.Time
	// Unreadable stores a stand-in for a message that could not be
	// decrypted yet (no Body): the DMS hears of it only once
	// FillWAUnreadable gives it its content.
	Unreadable bool
}

// AddWAInbound stores an incoming WhatsApp message in one transaction (the
// caller's when inside Tx): the message, its dedupe row, the thread bound
// to the account and switched to WhatsApp, the customer's number marked as
// on WhatsApp, the chat recorded, a resolved thread reopened by a customer
// message, and the customer_message change for the DMS. A message stored
// before returns ErrWADuplicate, and the transaction must roll back.
func (s *Store) AddWAInbound(ctx context.Context, in WAInbound) (hub.Message, error) {
	m := hub.Message{ThreadID: in.Thread.ID, Direction: in.Direction, Body: in.Body, Author: in.Author,
		Delivery: in.Delivery, ProviderID: in.WAID, Unreadable: in.Unreadable, CreatedAt: in.SentAt}
	err := s.Tx(ctx, func(tx *Store) error {
		// The message, the binding and the reopening write the thread row
		// before the change is numbered: the counter first (see
		// LockChangeFeed).
		if err := tx.LockChangeFeed(ctx); err != nil {
			return err
		}
		if err := tx.AddMessage(ctx, &m); err != nil {
			return err
		}
		// The dedupe row needs the message's id, so it follows the message;
		// WAInboundSeen ran before, and a conflict here (another instance
		// stored it meanwhile) rolls everything back.
		// Only a customer's message waits to be marked read in WhatsApp.
		res := tx.db.WithContext(ctx).Exec(`INSERT INTO wa_inbound (account_id, chat, wa_id, message_id, created_at, sender, read_marked)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, in.AccountID, in.Chat, in.WAID, m.ID, now(),
			in.Sender, in.Direction != hub.DirectionIn)
		if res.Error != nil {
			return fmt.Errorf("record WhatsApp message %s: %w", in.WAID, res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrWADuplicate
		}
		if err := tx.bindInboundThread(ctx, in); err != nil {
			return err
		}
		if in.Direction != hub.DirectionIn {
			return nil
		}
		err := tx.db.WithContext(ctx).Exec("UPDATE threads SET state = ? WHERE id = ? AND state = ?",
			hub.ThreadOpen, in.Thread.ID, hub.ThreadResolved).Error
		if err != nil {
			return fmt.Errorf("reopen thread %d: %w", in.Thread.ID, err)
		}
		if in.FilesPending || in.Unreadable {
			return nil
		}
		return tx.appendWACustomerMessage(ctx, m, nil)
	})
	if err != nil {
		return hub.Message{}, fmt.Errorf("store WhatsApp message %s: %w", in.WAID, err)
	}
	return m, nil
}

// FillWAUnreadable gives an unreadable stand-in (see WAInboundLookup) the
// content of the message that finally came: its Body and, for the
// customer's words, the customer_message change the DMS did not get yet
// (the media worker's, with the file, when FilesPending). The message
// keeps its row, thread (it may have been moved since) and time; the chat
// the message came in now is recorded too, so a later redelivery there is
// known. ErrWADuplicate when it was filled meanwhile.
func (s *Store) FillWAUnreadable(ctx context.Context, messageID int64, in WAInbound) (hub.Message, error) {
	var m hub.Message
	err := s.Tx(ctx, func(tx *Store) error {
		if err := tx.LockChangeFeed(ctx); err != nil {
			return err
		}
		db := tx.db.WithContext(ctx)
		res := db.Exec("UPDATE messages SET body = ?, unreadable = ?, updated_at = ? WHERE id = ? AND unreadable",
			in.Body, false, now(), messageID)
		if res.Error != nil {
			return fmt.Errorf("fill message %d: %w", messageID, res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrWADuplicate
		}
		var err error
		if m, err = tx.Message(ctx, messageID); err != nil {
			return err
		}
		err = db.Exec(`INSERT INTO wa_inbound (account_id, chat, wa_id, message_id, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, in.AccountID, in.Chat, in.WAID, m.ID, now()).Error
		if err != nil {
			return fmt.Errorf("record WhatsApp message %s: %w", in.WAID, err)
		}
		if err := tx.appendMessageEvent(ctx, hub.EventMessage, m.ID); err != nil {
			return err
		}
		if m.Direction != hub.DirectionIn || in.FilesPending {
			return nil
		}
		return tx.appendWACustomerMessage(ctx, m, nil)
	})
	if err != nil {
		return hub.Message{}, fmt.Errorf("fill unreadable WhatsApp message %s: %w", in.WAID, err)
	}
	return m, nil
}

// bindInboundThread runs the thread on WhatsApp through the account the
// message came to, and remembers the customer's number as on WhatsApp.
func (s *Store) bindInboundThread(ctx context.Context, in WAInbound) error {
	db := s.db.WithContext(ctx)
	t := now()
	// The rows below rarely change once a customer writes: the statements
	// leave a row alone when it already says the same (a conversation is
	// many messages, and each skipped write is a row version fewer).
	err := db.Exec(`INSERT INTO wa_threads (thread_id, account_id, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (thread_id) DO UPDATE SET account_id = excluded.account_id, updated_at = excluded.updated_at
		WHERE wa_threads.account_id <> excluded.account_id`,
		in.Thread.ID, in.AccountID, t).Error
	if err != nil {
		return fmt.Errorf("bind thread %d to WhatsApp account %d: %w", in.Thread.ID, in.AccountID, err)
	}
	switch {
	case in.Thread.Channel == hub.ChannelWhatsApp && (in.Phone == "" || in.Phone == in.Thread.Phone):
		// already so
	case in.Phone == "":
		err = db.Exec("UPDATE threads SET channel = ? WHERE id = ?", hub.ChannelWhatsApp, in.Thread.ID).Error
	default:
		err = db.Exec("UPDATE threads SET channel = ?, phone = ? WHERE id = ?", hub.ChannelWhatsApp, in.Phone, in.Thread.ID).Error
	}
	if err != nil {
		return fmt.Errorf("switch thread %d to WhatsApp: %w", in.Thread.ID, err)
	}
	if in.Phone == "" {
		return nil
	}
	// A check a day old is refreshed; a fresher one stands.
	err = db.Exec(`INSERT INTO wa_contacts (phone, on_whatsapp, jid, checked_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (phone) DO UPDATE SET on_whatsapp = excluded.on_whatsapp, jid = excluded.jid, checked_at = excluded.checked_at
		WHERE NOT wa_contacts.on_whatsapp OR wa_contacts.jid <> excluded.jid OR wa_contacts.checked_at < ?`,
		in.Phone, true, in.JID, t, t.Add(-24*time.Hour)).Error
	if err != nil {
		return fmt.Errorf("mark %s as on WhatsApp: %w", in.Phone, err)
	}
	if in.ChatStartedBy == "" {
		return nil
	}
	err = db.Exec(`INSERT INTO wa_chats (account_id, phone, started_by, started_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, phone) DO NOTHING`, in.AccountID, in.Phone, in.ChatStartedBy, t).Error
	if err != nil {
		return fmt.Errorf("record WhatsApp chat with %s: %w", in.Phone, err)
	}
	return nil
}

// appendWACustomerMessage tells the DMS what the customer sent over
// WhatsApp, under the thread the message is in now (it may have been
// moved since it arrived), with its files.
func (s *Store) appendWACustomerMessage(ctx context.Context, m hub.Message, files []hub.Attachment) error {
	th, err := s.Thread(ctx, m.ThreadID)
	if err != nil {
		return err
	}
	data := hub.CustomerMessageData{MessageID: m.ID, ThreadID: th.ID, Text: m.Body, Channel: hub.ChannelWhatsApp}
	for _, f := range files {
		data.Attachments = append(data.Attachments, hub.CustomerFileData{Name: f.Name, ContentType: f.ContentType, SizeBytes: f.SizeBytes, SHA256: f.SHA256})
	}
	c := hub.Change{BranchID: th.BranchID, WorkOrderID: th.WorkOrderID}
	if th.WorkOrderID != nil {
		w, err := s.WorkOrder(ctx, *th.WorkOrderID)
		if err != nil {
			return err
		}
		c.WorkOrderNumber = w.Number
	}
	return s.AppendChange(ctx, &c, data)
}

// WAOrderThread is a work order's thread with the order's number.
type WAOrderThread struct {
	Thread hub.Thread
	Number string
}

// WAInboundOrderThreads lists the threads, at a branch, of the work orders
// still open (not delivered, not cancelled) of every customer with this
// number, plus threads sent to the number itself, most recently active
// first: where a message from the number belongs.
func (s *Store) WAInboundOrderThreads(ctx context.Context, branchID int64, phone string) ([]WAOrderThread, error) {
	var rows []struct {
		hub.Thread
		Number string
	}
	err := s.db.WithContext(ctx).Raw(`SELECT t.*, w.number FROM threads t JOIN work_orders w ON w.id = t.work_order_id
		WHERE t.branch_id = ? AND w.status NOT IN ?
		  AND (t.phone = ? OR t.customer_id IN (SELECT customer_id FROM customer_phones WHERE e164 = ?))
		ORDER BY t.last_activity_at DESC, t.id DESC`,
		branchID, []string{hub.StatusDelivered, hub.StatusCancelled}, phone, phone).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("open work-order threads of %s at branch %d: %w", phone, branchID, err)
	}
	out := make([]WAOrderThread, len(rows))
	for i, r := range rows {
		out[i] = WAOrderThread{Thread: r.Thread, Number: r.Number}
		s.rememberBranch(r.Thread)
	}
	return out, nil
}

// WAInboundCustomer finds the DMS's customer with this number (the most
// recently updated when several share it); false when none has it.
func (s *Store) WAInboundCustomer(ctx context.Context, phone string) (hub.Customer, bool, error) {
	var c hub.Customer
	err := s.db.WithContext(ctx).Raw(`SELECT c.* FROM customers c
		WHERE c.node_id IS NOT NULL AND c.id IN (SELECT customer_id FROM customer_phones WHERE e164 = ?)
		ORDER BY c.updated_at DESC, c.id DESC LIMIT 1`, phone).Scan(&c).Error
	if err != nil {
		return c, false, fmt.Errorf("customer with phone %s: %w", phone, err)
	}
	return c, c.ID != 0, nil
}

// WAInboundLead finds the lead thread (no work order) of a number at a
// branch; a sender WhatsApp hides the number of (phone "") is found by the
// chat their earlier messages came from. ErrNotFound when there is none.
func (s *Store) WAInboundLead(ctx context.Context, branchID int64, phone, chat string) (hub.Thread, error) {
	var t hub.Thread
	db := s.db.WithContext(ctx)
	var err error
	if phone != "" {
		err = db.Raw(`SELECT * FROM threads WHERE branch_id = ? AND work_order_id IS NULL AND phone = ?
			ORDER BY last_activity_at DESC, id DESC LIMIT 1`, branchID, phone).Scan(&t).Error
	} else {
		err = db.Raw(`SELECT t.* FROM threads t JOIN messages m ON m.thread_id = t.id JOIN wa_inbound i ON i.message_id = m.id
			WHERE t.branch_id = ? AND t.work_order_id IS NULL AND i.chat = ?
			ORDER BY t.last_activity_at DESC, t.id DESC LIMIT 1`, branchID, chat).Scan(&t).Error
	}
	if err != nil {
		return t, fmt.Errorf("lead of %s at branch %d: %w", phone+chat, branchID, err)
	}
	if t.ID == 0 {
		return t, fmt.Errorf("lead of %s at branch %d: %w", phone+chat, branchID, ErrNotFound)
	}
	s.rememberBranch(t)
	return t, nil
}

// waLeadLockBase keeps the lead locks' keys ("NRDWAL" + branch id) apart
// from other advisory locks.
const waLeadLockBase int64 = 0x4e52_4457_414c << 16

// LockWALeads serialises, until the transaction ends, the creation of
// leads at a branch: two accounts receiving a first message from one
// number at once still make one lead. Take it before WAInboundLead. On
// SQLite every write transaction already runs alone.
func (s *Store) LockWALeads(ctx context.Context, branchID int64) error {
	if err := s.xactLock(ctx, waLeadLockBase+branchID); err != nil {
		return fmt.Errorf("lock leads of branch %d: %w", branchID, err)
	}
	return nil
}

// WALead is a new lead: someone with no open work order wrote in.
type WALead struct {
	BranchID int64
	Phone    string        // E.164; "" when WhatsApp hides the number
	JID      string        // the sender's WhatsApp address (its LID when the number is hidden)
	Name     string        // the push name they chose in WhatsApp
	Customer *hub.Customer // the DMS's customer with that number, nil when unknown
	Text     string        // the first message
}

// CreateWALead opens a lead thread on WhatsApp and tells the DMS with a
// lead change. An unknown sender becomes a lead customer (no DMS node)
// named by their push name, so the inbox shows who wrote; a number hidden
// by WhatsApp (LID only) shows as that address.
func (s *Store) CreateWALead(ctx context.Context, l WALead) (hub.Thread, error) {
	t := hub.Thread{BranchID: l.BranchID, Phone: l.Phone, Channel: hub.ChannelWhatsApp}
	err := s.Tx(ctx, func(tx *Store) error {
		data := hub.LeadData{Phone: l.Phone, Name: l.Name, Channel: hub.ChannelWhatsApp, Text: l.Text}
		if l.Phone == "" {
			data.WhatsAppID = l.JID
		}
		if l.Customer != nil {
			t.CustomerID = &l.Customer.ID
			if l.Customer.ExternalID != nil {
				data.CustomerExternalID = *l.Customer.ExternalID
			}
		} else {
			c := hub.Customer{Name: leadName(l)}
			c.CreatedAt, c.UpdatedAt = now(), now()
			if err := tx.db.WithContext(ctx).Create(&c).Error; err != nil {
				return fmt.Errorf("create lead customer: %w", err)
			}
			t.CustomerID = &c.ID
		}
		if err := tx.CreateThread(ctx, &t); err != nil {
			return err
		}
		data.ThreadID = t.ID
		return tx.AppendChange(ctx, &hub.Change{BranchID: l.BranchID}, data)
	})
	if err != nil {
		return hub.Thread{}, fmt.Errorf("create WhatsApp lead for %s: %w", l.Phone+l.JID, err)
	}
	return t, nil
}

// leadName is how the inbox names a lead: their push name, else their
// number, else their WhatsApp address.
func leadName(l WALead) string {
	switch {
	case l.Name != "" && l.Phone == "":
		return l.Name + " (WhatsApp " + l.JID + ")"
	case l.Name != "":
		return l.Name
	case l.Phone != "":
		return l.Phone
	}
	return "WhatsApp " + l.JID
}

// WAInboundGroupThread finds the thread of the account's WhatsApp group
// with this JID; ErrNotFound when the hub has no such group.
func (s *Store) WAInboundGroupThread(ctx context.Context, accountID int64, jid string) (hub.Thread, error) {
	var t hub.Thread
	err := s.db.WithContext(ctx).Raw(`SELECT t.* FROM threads t JOIN wa_groups g ON g.thread_id = t.id
		WHERE g.account_id = ? AND g.jid = ? AND g.jid <> '' ORDER BY g.id DESC LIMIT 1`, accountID, jid).Scan(&t).Error
	if err != nil {
		return t, fmt.Errorf("thread of WhatsApp group %s: %w", jid, err)
	}
	if t.ID == 0 {
		return t, fmt.Errorf("thread of WhatsApp group %s: %w", jid, ErrNotFound)
	}
	s.rememberBranch(t)
	return t, nil
}

// WAInboundNoteRepeats tells whether body would repeat the thread's latest
// word that is not the customer's: a system note said already, with only
// customer messages since, need not be said again for each of them.
func (s *Store) WAInboundNoteRepeats(ctx context.Context, threadID int64, body string) (bool, error) {
	var last hub.Message
	err := s.db.WithContext(ctx).Raw(`SELECT * FROM messages WHERE thread_id = ? AND direction <> ? ORDER BY id DESC LIMIT 1`,
		threadID, hub.DirectionIn).Scan(&last).Error
	if err != nil {
		return false, fmt.Errorf("latest note of thread %d: %w", threadID, err)
	}
	return last.Direction == hub.DirectionSystem && last.Body == body, nil
}
