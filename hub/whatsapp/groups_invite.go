package whatsapp

import (
	"context"
	"fmt"

	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// A group WhatsApp created without the customer. A customer whose privacy
// settings let only their contacts add them to groups is left out of the
// create request with an invite request; such a group is never used while
// they are not in it, since the advisor would be writing to nobody. With
// the branch's invites on, the customer gets the group's invite link in
// the direct chat and the thread stays there until they join (state
// invited); otherwise, or when they were refused for another reason, the
// account leaves the group and the work order stays in the direct chat.

// withoutCustomer invites the customer by link or gives the group up.
func (g *Groups) withoutCustomer(ctx context.Context, cli Client, t hub.Thread, group hub.WAGroup, plan groupPlan, info *types.GroupInfo) (types.JID, bool, error) {
	settings, err := g.store.BranchWASettings(ctx, t.BranchID)
	if err != nil {
		return types.EmptyJID, false, fmt.Errorf("whatsapp group for thread %d: %w", t.ID, err)
	}
	reason := "WhatsApp did not add the customer (" + plan.customerOut + ")"
	if plan.customerInvitable {
		reason = "the customer's privacy settings block being added to groups and the branch sends no invite links"
		if settings.GroupInvites {
			callCtx, cancel := context.WithTimeout(ctx, groupCallTimeout)
			link, err := cli.GetGroupInviteLink(callCtx, info.JID, false)
			cancel()
			if err == nil {
				return types.EmptyJID, false, g.invited(ctx, t, group, plan, info, link)
			}
			reason = "the customer's privacy settings block being added to groups and its invite link could not be had: " + err.Error()
		}
	}
	callCtx, cancel := context.WithTimeout(ctx, groupCallTimeout)
	if err := cli.LeaveGroup(callCtx, info.JID); err != nil {
		g.log.Warn("whatsapp group: could not leave a group without its customer", "thread_id", t.ID,
			"group", info.JID.String(), "error", err)
	}
	cancel()
	return types.EmptyJID, false, g.fail(ctx, t, group, reason+"; the account left it")
}

// invited records the group as waiting for its customer, with a note for
// the advisor, and queues the invite link to the customer's direct chat,
// in one transaction.
func (g *Groups) invited(ctx context.Context, t hub.Thread, group hub.WAGroup, plan groupPlan, info *types.GroupInfo, link string) error {
	branch, err := g.store.Branch(ctx, t.BranchID)
	if err != nil {
		return fmt.Errorf("whatsapp group for thread %d: %w", t.ID, err)
	}
	err = g.store.Tx(ctx, func(tx *store.Store) error {
		stored, err := tx.SetWAGroupJID(ctx, group.ID, info.JID.String())
		if err != nil || !stored {
			return err
		}
		if _, err := tx.SetWAGroupState(ctx, group.ID, hub.WAGroupActive, hub.WAGroupInvited); err != nil {
			return err
		}
		note := hub.SystemLine(t.ID, groupNoteAuthor, templates.SysGroupInvited, plan.noteArgs())
		if err := tx.AddMessage(ctx, &note); err != nil {
			return err
		}
		_, err = tx.QueueMessage(ctx, store.Outgoing{ThreadID: t.ID, Channel: hub.ChannelWhatsApp, Recipient: t.Phone,
			Body: groupInviteText(branch, group.Name, link), TemplateKey: groupInviteKey})
		return err
	})
	if err != nil {
		return fmt.Errorf("whatsapp group for thread %d: record invitation to %s: %w", t.ID, info.JID, err)
	}
	g.log.Info("whatsapp group created; customer invited by link", "thread_id", t.ID, "group", info.JID.String())
	return nil
}

// groupInviteKey marks the invite message like a template's, so the inbox
// shows it as the hub's, not an advisor's.
const groupInviteKey = "whatsapp.group_invite"

// groupInviteTexts are the invite message in the branch's language:
// branch name, group name, link.
var groupInviteTexts = map[string]string{
	"ru": "%s: чтобы обсуждать ремонт вместе с консультантом и мастером, вступите в группу WhatsApp «%s»: %s",
	"pl": "%s: aby omawiać naprawę razem z doradcą i mechanikiem, dołącz do grupy WhatsApp „%s”: %s",
	"en": "%s: to talk about the repair with your advisor and mechanic, join the WhatsApp group \"%s\": %s",
}

func groupInviteText(b hub.Branch, groupName, link string) string {
	f, ok := groupInviteTexts[b.Locale]
	if !ok {
		f = groupInviteTexts["en"]
	}
	return fmt.Sprintf(f, b.Name, groupName, link)
}
