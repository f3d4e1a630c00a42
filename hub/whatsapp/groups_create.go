package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// createIfDue creates the thread's group when its work order is being
// worked on: claim the row, ask WhatsApp, store the JID with a note.
func (g *Groups) createIfDue(ctx context.Context, cli Client, acc hub.WAAccount, t hub.Thread) (types.JID, bool, error) {
	order, err := g.store.WorkOrder(ctx, *t.WorkOrderID)
	if err != nil {
		return types.EmptyJID, false, fmt.Errorf("whatsapp group for thread %d: %w", t.ID, err)
	}
	if !groupWorkStatuses[order.Status] {
		return types.EmptyJID, false, nil // not started yet, or over
	}
	plan, err := g.plan(ctx, acc, t, order)
	if err != nil {
		return types.EmptyJID, false, err
	}
	if len(plan.members) == 0 {
		g.log.Debug("whatsapp group: the customer's number is not usable; no group", "thread_id", t.ID, "phone", t.Phone)
		return types.EmptyJID, false, nil
	}
	if !cli.IsConnected() {
		// Not a failed creation: nothing was asked. The send would fail
		// the same way, so the sender retries the message later.
		return types.EmptyJID, false, fmt.Errorf("whatsapp group for thread %d: %w", t.ID, whatsmeow.ErrNotConnected)
	}
	if full, err := g.newChatsUsedUp(ctx, acc); err != nil || full {
		// A group is a chat the account starts: over the day's cap this
		// message goes to the direct chat, and a later one creates it.
		return types.EmptyJID, false, err
	}

	group := hub.WAGroup{ThreadID: t.ID, AccountID: acc.ID, Name: plan.name}
	claimed, err := g.store.ClaimWAGroup(ctx, &group)
	if err != nil {
		return types.EmptyJID, false, err
	}
	if !claimed {
		// Another creator was first; route by what it stored.
		existing, err := g.store.WAGroupByThread(ctx, t.ID)
		if err != nil {
			return types.EmptyJID, false, fmt.Errorf("whatsapp group for thread %d: %w", t.ID, err)
		}
		return g.route(ctx, acc, t, existing)
	}

	callCtx, cancel := context.WithTimeout(ctx, groupCallTimeout)
	info, err := cli.CreateGroup(callCtx, whatsmeow.ReqCreateGroup{
		Name: plan.name, Participants: plan.jids(),
	})
	cancel()
	if err == nil && (info == nil || info.JID.IsEmpty()) {
		err = errors.New("WhatsApp returned no group")
	}
	if err != nil && strings.Contains(err.Error(), "failed to get privacy token") {
		// whatsmeow stops before asking WhatsApp when it cannot read a
		// member's privacy token (its store failed): nothing was created,
		// so the claim is released and a later message tries again.
		if _, rerr := g.store.ReleaseWAGroupClaim(ctx, group.ID); rerr != nil {
			return types.EmptyJID, false, rerr
		}
		return types.EmptyJID, false, fmt.Errorf("whatsapp group for thread %d: %w", t.ID, err)
	}
	if err != nil {
		// The ctx below is the caller's: the failure is recorded even when
		// the call ran out of its own time.
		return types.EmptyJID, false, g.fail(ctx, t, group, err.Error())
	}
	if err := g.store.RecordOutboundWAChat(ctx, acc.ID, info.JID.String(), g.now()); err != nil {
		g.log.Error("whatsapp group: new chat not counted", "thread_id", t.ID, "group", info.JID.String(), "error", err)
	}
	plan.refused(info.Participants)
	if plan.customerOut != "" {
		return g.withoutCustomer(ctx, cli, t, group, plan, info)
	}
	return g.created(ctx, t, group, plan, info)
}

// newChatsUsedUp tells whether the account started its daily cap of new
// chats (direct chats and groups) in the last 24 hours.
func (g *Groups) newChatsUsedUp(ctx context.Context, acc hub.WAAccount) (bool, error) {
	n, err := g.store.WANewChatsSince(ctx, acc.ID, g.now().Add(-24*time.Hour))
	if err != nil {
		return false, fmt.Errorf("whatsapp group: %w", err)
	}
	if n >= acc.DailyNewChats {
		g.log.Info("whatsapp group: the account's new chats of the day are used up; not created now",
			"account", acc.Name, "cap", acc.DailyNewChats)
		return true, nil
	}
	return false, nil
}

// created stores the new group's JID with a note naming who is in it.
func (g *Groups) created(ctx context.Context, t hub.Thread, group hub.WAGroup, plan groupPlan, info *types.GroupInfo) (types.JID, bool, error) {
	stored := false
	err := g.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if stored, err = tx.SetWAGroupJID(ctx, group.ID, info.JID.String()); err != nil || !stored {
			return err
		}
		note := hub.SystemLine(t.ID, groupNoteAuthor, templates.SysGroupCreated, plan.noteArgs())
		return tx.AddMessage(ctx, &note)
	})
	if err != nil || !stored {
		// The group exists on WhatsApp but not here: name it in the log so
		// staff can find it; the thread stays in the direct chat.
		g.log.Error("whatsapp group: created but not recorded", "thread_id", t.ID, "group", info.JID.String(),
			"group_name", group.Name, "error", err)
		if err != nil {
			return types.EmptyJID, false, fmt.Errorf("whatsapp group for thread %d: record %s: %w", t.ID, info.JID, err)
		}
		return types.EmptyJID, false, nil
	}
	g.log.Info("whatsapp group created", "thread_id", t.ID, "group", info.JID.String(), "group_name", group.Name,
		"members", len(plan.members))
	return info.JID, true, nil
}

// plan works out the group's name and members from the work order.
func (g *Groups) plan(ctx context.Context, acc hub.WAAccount, t hub.Thread, order hub.WorkOrder) (groupPlan, error) {
	plate := ""
	if order.VehicleID != nil {
		v, err := g.store.Vehicle(ctx, *order.VehicleID)
		switch {
		case err == nil:
			plate = v.Plate
		case !errors.Is(err, store.ErrNotFound):
			return groupPlan{}, fmt.Errorf("whatsapp group for thread %d: %w", t.ID, err)
		}
	}
	branch, err := g.store.Branch(ctx, t.BranchID)
	if err != nil {
		return groupPlan{}, fmt.Errorf("whatsapp group for thread %d: %w", t.ID, err)
	}
	p := groupPlan{name: groupName(order.Number, plate)}
	p.addMembers(t.Phone, order, branch.Country, groupOwnNumbers(acc))
	return p, nil
}

// groupOwnNumbers are the account's own number(s) as digits: a staff member
// whose phone is the account's is in the group already, as its creator.
func groupOwnNumbers(acc hub.WAAccount) map[string]bool {
	own := map[string]bool{}
	if d := groupDigits(acc.Phone); d != "" {
		own[d] = true
	}
	if jid, err := types.ParseJID(acc.JID); err == nil && jid.Server == types.DefaultUserServer && jid.User != "" {
		own[jid.User] = true
	}
	return own
}

func groupDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
