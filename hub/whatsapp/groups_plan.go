package whatsapp

import (
	"fmt"
	"strings"

	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
)

// groupPlan is a group about to be created: its name, who goes in, and
// who does not and why (both end up in the thread's note, so the advisor
// knows whom to add by hand).
type groupPlan struct {
	name    string
	members []groupMember
	skipped []string
	// customerOut says why WhatsApp did not add the customer ("" when it
	// did); customerInvitable that it was their privacy settings, which
	// still let them join by the group's invite link.
	customerOut       string
	customerInvitable bool
}

// customerLabel is how the plan names the customer among the members.
const customerLabel = "customer"

// groupMember is one participant: how the note names them and their
// number as digits (a phone JID's user part).
type groupMember struct {
	label  string
	digits string
}

// addMembers plans the customer (the thread's number), then the advisor
// and the master when their numbers are set, valid, not the account's own
// and not someone's already in the group. Without a usable customer number
// nobody is planned: a group without the customer has no purpose.
func (p *groupPlan) addMembers(customerPhone string, order hub.WorkOrder, region string, own map[string]bool) {
	customer, err := hub.NormalizePhone(customerPhone, region)
	if err != nil {
		return
	}
	digits := strings.TrimPrefix(customer, "+")
	if own[digits] {
		return
	}
	p.members = append(p.members, groupMember{label: customerLabel, digits: digits})
	p.addStaff("advisor", order.AdvisorName, order.AdvisorPhone, region, own)
	p.addStaff("master", order.MasterName, order.MasterPhone, region, own)
}

func (p *groupPlan) addStaff(role, name, phone, region string, own map[string]bool) {
	name, phone = strings.TrimSpace(name), strings.TrimSpace(phone)
	label := role
	if name != "" {
		label += " " + name
	}
	if phone == "" {
		if name != "" {
			p.skipped = append(p.skipped, label+" (no phone number)")
		}
		return
	}
	e164, err := hub.NormalizePhone(phone, region)
	if err != nil {
		p.skipped = append(p.skipped, fmt.Sprintf("%s (%q is not a valid phone number)", label, phone))
		return
	}
	digits := strings.TrimPrefix(e164, "+")
	if own[digits] {
		p.skipped = append(p.skipped, label+" (the WhatsApp account's own number: in the group as its creator)")
		return
	}
	for _, m := range p.members {
		if m.digits == digits {
			p.skipped = append(p.skipped, fmt.Sprintf("%s (same number as the %s)", label, m.label))
			return
		}
	}
	p.members = append(p.members, groupMember{label: label, digits: digits})
}

// jids are the participants of the create request.
func (p groupPlan) jids() []types.JID {
	out := make([]types.JID, len(p.members))
	for i, m := range p.members {
		out[i] = types.NewJID(m.digits, types.DefaultUserServer)
	}
	return out
}

// refused moves the members WhatsApp did not add (their privacy settings
// allow only an invite, a number not on WhatsApp) from members to skipped.
func (p *groupPlan) refused(participants []types.GroupParticipant) {
	reason, invitable := map[string]string{}, map[string]bool{}
	for _, gp := range participants {
		if gp.Error == 0 {
			continue
		}
		why := fmt.Sprintf("WhatsApp did not add them: error %d", gp.Error)
		if gp.AddRequest != nil {
			why = "their privacy settings require an invitation"
		}
		for _, jid := range []types.JID{gp.PhoneNumber, gp.JID} {
			if jid.Server == types.DefaultUserServer && jid.User != "" {
				reason[jid.User], invitable[jid.User] = why, gp.AddRequest != nil
			}
		}
	}
	kept := p.members[:0]
	for _, m := range p.members {
		if why, ok := reason[m.digits]; ok {
			if m.label == customerLabel {
				p.customerOut, p.customerInvitable = why, invitable[m.digits]
			}
			p.skipped = append(p.skipped, m.label+" ("+why+")")
			continue
		}
		kept = append(kept, m)
	}
	p.members = kept
}

// noteArgs are the parameters of the thread's system line about the new
// group (templates.SysGroupCreated, SysGroupInvited).
func (p groupPlan) noteArgs() map[string]string {
	labels := make([]string, len(p.members))
	for i, m := range p.members {
		labels[i] = m.label
	}
	return map[string]string{"name": p.name, "members": strings.Join(labels, ", "), "skipped": strings.Join(p.skipped, "; ")}
}

// WhatsApp refuses a group name over 25 characters (406 not acceptable).
const groupNameMax = 25

// groupNamePlateMin is the shortest plate prefix worth keeping ("А123"
// still finds the car; "А1" does not).
const groupNamePlateMin = 4

const groupNameSep = " · "

// groupName names a work order's group "АА-000123 · А123ВС77", at most 25
// characters (runes: the names are Cyrillic). The number is what staff
// search for, so it stays whole; the plate is cut from its end (the region
// code matters least) or dropped. A number longer than the limit on its
// own keeps its end, where the distinguishing digits are.
func groupName(number, plate string) string {
	n := []rune(strings.TrimSpace(number))
	if len(n) > groupNameMax {
		return "…" + string(n[len(n)-(groupNameMax-1):])
	}
	p := []rune(strings.Join(strings.Fields(plate), ""))
	room := groupNameMax - len(n) - len([]rune(groupNameSep))
	switch {
	case len(p) == 0 || room < groupNamePlateMin:
		return string(n)
	case len(p) > room:
		p = p[:room]
	}
	return string(n) + groupNameSep + string(p)
}
