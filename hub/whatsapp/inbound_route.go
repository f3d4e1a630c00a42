package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// Who wrote an incoming message and which thread it belongs to.

// Authors of messages that did not come from the customer.
const (
	authorPhone       = "WhatsApp phone" // typed on the linked phone itself
	authorGroupSuffix = " (WhatsApp)"    // another member of a work order's group
)

// routed is where a message goes: the store.WAInbound to write (its
// Chat, WAID, Body and FilesPending are filled by the caller), a system
// note to add after it, or why it is not stored at all.
type routed struct {
	in     store.WAInbound
	note   *hub.Message // a system line; its thread is set when added
	ignore string
	lead   bool // a new lead was opened for it
}

// route finds the thread of a message, inside the message's transaction.
func (in *Inbound) route(ctx context.Context, tx *store.Store, s Session, evt *events.Message, text string) (routed, error) {
	if evt.Info.Chat.Server == types.GroupServer {
		return in.routeGroup(ctx, tx, s, evt)
	}
	return in.routeDirect(ctx, tx, s, evt, text)
}

// peer is the other person of a chat: their number when known, and the
// address WhatsApp gave (their phone JID, or their LID when the number is
// hidden).
type peer struct {
	phone string // E.164, "" when WhatsApp hides it and no mapping is known
	jid   types.JID
}

// resolvePeer normalises a user address: a phone JID gives the number at
// once; a LID (hidden number) takes the alternative address WhatsApp sent
// along when it is a phone JID, else the mapping whatsmeow's device store
// learned earlier.
func resolvePeer(ctx context.Context, s Session, jid, alt types.JID) (peer, error) {
	jid = jid.ToNonAD()
	switch jid.Server {
	case types.DefaultUserServer:
		return peer{phone: "+" + jid.User, jid: jid}, nil
	case types.HiddenUserServer:
	default:
		return peer{jid: jid}, nil
	}
	if alt.Server == types.DefaultUserServer && alt.User != "" {
		return peer{phone: "+" + alt.User, jid: alt.ToNonAD()}, nil
	}
	if s.Device == nil || s.Device.LIDs == nil {
		return peer{jid: jid}, nil
	}
	pn, err := s.Device.LIDs.GetPNForLID(ctx, jid)
	if err != nil {
		return peer{}, fmt.Errorf("phone number of %s: %w", jid, err)
	}
	if pn.IsEmpty() || pn.User == "" {
		return peer{jid: jid}, nil
	}
	return peer{phone: "+" + pn.User, jid: pn.ToNonAD()}, nil
}

// routeDirect places a direct-chat message. The customer's words go to
// their open work order's thread at the account's branch (the most
// recently active one when there are several, with a note for the
// advisor), else to their lead thread, opened now when they have none.
// Words typed on the linked phone itself go to the same thread as the
// customer's would.
func (in *Inbound) routeDirect(ctx context.Context, tx *store.Store, s Session, evt *events.Message, text string) (routed, error) {
	fromMe := evt.Info.IsFromMe
	who, alt := evt.Info.Sender, evt.Info.SenderAlt
	if fromMe { // the chat is the customer's; the sender is the account
		who, alt = evt.Info.Chat, evt.Info.RecipientAlt
	}
	p, err := resolvePeer(ctx, s, who, alt)
	if err != nil {
		return routed{}, err
	}
	switch {
	case p.jid.Server != types.DefaultUserServer && p.jid.Server != types.HiddenUserServer:
		return routed{ignore: "not a person's chat: " + p.jid.String()}, nil
	case p.phone != "" && p.phone == s.Account.Phone:
		return routed{ignore: "the account's own chat"}, nil
	}
	r := routed{in: store.WAInbound{AccountID: s.Account.ID, Phone: p.phone, Direction: hub.DirectionIn, Author: "customer",
		ChatStartedBy: "customer"}}
	if p.phone != "" {
		r.in.JID = p.jid.String()
	}
	if fromMe {
		r.in.Direction, r.in.Delivery, r.in.Author, r.in.ChatStartedBy = hub.DirectionOut, hub.DeliverySent, authorPhone, "phone"
	}
	if err := linkLIDThreads(ctx, tx, s.Account.BranchID, evt.Info.Chat, p.phone); err != nil {
		return routed{}, err
	}
	var orders []store.WAOrderThread
	if p.phone != "" {
		if orders, err = tx.WAInboundOrderThreads(ctx, s.Account.BranchID, p.phone); err != nil {
			return routed{}, err
		}
	}
	if len(orders) > 0 {
		r.in.Thread = orders[0].Thread
		if len(orders) > 1 && !fromMe {
			r.note = otherOrdersNote(orders[1:])
		}
		return r, nil
	}
	name := cleanWords(evt.Info.PushName, maxNameRunes)
	if fromMe {
		name = "" // the account's own name, not the customer's
	}
	r.in.Thread, r.lead, err = in.leadThread(ctx, tx, s.Account.BranchID, p, evt.Info.Chat.ToNonAD().String(), name, text)
	return r, err
}

// leadThread is the number's lead thread at the branch, opened (with a
// lead change for the DMS) when it has none: never two for one number.
func (in *Inbound) leadThread(ctx context.Context, tx *store.Store, branchID int64, p peer, chat, name, text string) (hub.Thread, bool, error) {
	if err := tx.LockWALeads(ctx, branchID); err != nil {
		return hub.Thread{}, false, err
	}
	t, err := tx.WAInboundLead(ctx, branchID, p.phone, chat)
	if !errors.Is(err, store.ErrNotFound) {
		return t, false, err
	}
	l := store.WALead{BranchID: branchID, Phone: p.phone, JID: p.jid.String(), Name: name, Text: text}
	if p.phone != "" {
		c, known, err := tx.WAInboundCustomer(ctx, p.phone)
		if err != nil {
			return hub.Thread{}, false, err
		}
		if known {
			l.Customer = &c
		}
	}
	t, err = tx.CreateWALead(ctx, l)
	return t, err == nil, err
}

// otherOrdersNote tells the advisor that a customer with several open
// work orders wrote, and where else the message may belong.
func otherOrdersNote(others []store.WAOrderThread) *hub.Message {
	numbers := make([]string, len(others))
	for i, o := range others {
		numbers[i] = o.Number
	}
	m := hub.SystemLine(0, "naryad", templates.SysOtherOrders, map[string]string{"orders": strings.Join(numbers, ", ")})
	return &m
}

// routeGroup places a message of a work order's group in that work
// order's thread: the customer's words as theirs, the words of the others
// (the advisor or the master writing from their own phones) as staff
// replies already delivered. Groups the hub did not create are ignored.
func (in *Inbound) routeGroup(ctx context.Context, tx *store.Store, s Session, evt *events.Message) (routed, error) {
	t, err := tx.WAInboundGroupThread(ctx, s.Account.ID, evt.Info.Chat.ToNonAD().String())
	if errors.Is(err, store.ErrNotFound) {
		return routed{ignore: "a group the hub does not know"}, nil
	}
	if err != nil {
		return routed{}, err
	}
	r := routed{in: store.WAInbound{AccountID: s.Account.ID, Thread: t, Direction: hub.DirectionOut, Delivery: hub.DeliveryDelivered}}
	if evt.Info.IsFromMe {
		r.in.Delivery, r.in.Author = hub.DeliverySent, authorPhone
		return r, nil
	}
	p, err := resolvePeer(ctx, s, evt.Info.Sender, evt.Info.SenderAlt)
	if err != nil {
		return routed{}, err
	}
	customer, err := isThreadCustomer(ctx, tx, t, p.phone)
	if err != nil {
		return routed{}, err
	}
	if customer {
		r.in.Direction, r.in.Delivery, r.in.Author, r.in.Phone, r.in.JID = hub.DirectionIn, "", "customer", p.phone, p.jid.String()
		return r, nil
	}
	r.in.Author = memberName(evt.Info.PushName, p) + authorGroupSuffix
	return r, nil
}

// isThreadCustomer tells whether a number is the thread's customer: the
// number the thread writes to, or one the DMS gave for its customer.
func isThreadCustomer(ctx context.Context, tx *store.Store, t hub.Thread, phone string) (bool, error) {
	if phone == "" {
		return false, nil
	}
	if phone == t.Phone {
		return true, nil
	}
	if t.CustomerID == nil {
		return false, nil
	}
	phones, err := tx.CustomerPhones(ctx, *t.CustomerID)
	if err != nil {
		return false, err
	}
	return slices.Contains(phones, phone), nil
}

// memberName names a group member who is not the customer.
func memberName(pushName string, p peer) string {
	switch {
	case cleanWords(pushName, maxNameRunes) != "":
		return cleanWords(pushName, maxNameRunes)
	case p.phone != "":
		return p.phone
	}
	return p.jid.User
}

// linkLIDThreads gives the branch's threads that only knew the customer by
// their LID chat the number WhatsApp now revealed for it (sent along with
// the message, or learned by whatsmeow's LID ↔ phone-number store): their
// replies go to the number from then on, and the customer carries it.
func linkLIDThreads(ctx context.Context, tx *store.Store, branchID int64, chat types.JID, phone string) error {
	if phone == "" || chat.Server != types.HiddenUserServer {
		return nil
	}
	lid := chat.ToNonAD().String()
	threads, err := tx.WALIDThreads(ctx, branchID, lid)
	if err != nil {
		return err
	}
	for _, t := range threads {
		if _, err := tx.LinkWAThreadPhone(ctx, t.ID, phone, lid); err != nil {
			return err
		}
	}
	return nil
}
