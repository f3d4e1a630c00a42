package whatsapp

import (
	"context"
	"errors"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// handleGroupInfo follows the customer in and out of a work order's group:
// joining (by the invite link) makes the group the thread's again, leaving
// sends the thread back to the direct chat, each with a note. Other changes
// and other groups are ignored. It returns false only when the database
// failed, so WhatsApp sends the notification again.
func (in *Inbound) handleGroupInfo(s Session, evt *events.GroupInfo) bool {
	if len(evt.Join) == 0 && len(evt.Leave) == 0 {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	err := in.groupMembersChanged(ctx, s, evt)
	if err != nil {
		in.log.Error("whatsapp group: member change not recorded", "account_id", s.Account.ID, "group", evt.JID.String(), "error", err)
		return false
	}
	return true
}

func (in *Inbound) groupMembersChanged(ctx context.Context, s Session, evt *events.GroupInfo) error {
	group, err := in.st.WAGroupByJID(ctx, s.Account.ID, evt.JID.ToNonAD().String())
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	t, err := in.st.Thread(ctx, group.ThreadID)
	if err != nil {
		return err
	}
	joined, err := in.anyCustomer(ctx, s, t, evt.Join)
	if err != nil {
		return err
	}
	left, err := in.anyCustomer(ctx, s, t, evt.Leave)
	if err != nil {
		return err
	}
	switch {
	case joined && !left:
		return in.moveGroup(ctx, group, hub.WAGroupInvited, hub.WAGroupActive,
			templates.SysGroupJoined)
	case left && !joined:
		return in.moveGroup(ctx, group, hub.WAGroupActive, hub.WAGroupInvited,
			templates.SysGroupLeftByCustomer)
	}
	return nil
}

// anyCustomer tells whether one of the addresses is the thread's customer
// (a LID is resolved through whatsmeow's mapping).
func (in *Inbound) anyCustomer(ctx context.Context, s Session, t hub.Thread, jids []types.JID) (bool, error) {
	for _, jid := range jids {
		p, err := resolvePeer(ctx, s, jid, types.EmptyJID)
		if err != nil {
			return false, err
		}
		ok, err := isThreadCustomer(ctx, in.st, t, p.phone)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// moveGroup changes the group's state with a note (a system line key
// taking the group's name), once.
func (in *Inbound) moveGroup(ctx context.Context, group hub.WAGroup, from, to, noteKey string) error {
	return in.st.Tx(ctx, func(tx *store.Store) error {
		changed, err := tx.SetWAGroupState(ctx, group.ID, from, to)
		if err != nil || !changed {
			return err
		}
		m := hub.SystemLine(group.ThreadID, groupNoteAuthor, noteKey, map[string]string{"name": group.Name})
		return tx.AddMessage(ctx, &m)
	})
}
