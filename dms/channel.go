package dms

import (
	"context"

	"naryad/hub"
	"naryad/hub/store"
)

// channelFor chooses the channel of a new work order's thread: WhatsApp
// when the branch has an account that can send (connected, or
// reconnecting) and no recent check found the number off WhatsApp; SMS
// otherwise, and for a customer without a number. A number never checked
// goes to WhatsApp: the sender checks it before the first message and
// falls back to SMS (moving the thread there) when it is not on WhatsApp.
func (a *applier) channelFor(ctx context.Context, branchID int64, phone string) (string, error) {
	if phone == "" || a.noWhatsApp {
		return hub.ChannelSMS, nil
	}
	on, err := a.branchOnWhatsApp(ctx, branchID)
	if err != nil || !on {
		return hub.ChannelSMS, err
	}
	off, err := a.tx.NumberOffWhatsApp(ctx, phone, store.DefaultWAContactTTL)
	if err != nil || off {
		return hub.ChannelSMS, err
	}
	return hub.ChannelWhatsApp, nil
}

// branchOnWhatsApp tells whether one of the branch's WhatsApp accounts can
// send, looked up once per batch (a batch carries many work orders of few
// branches).
func (a *applier) branchOnWhatsApp(ctx context.Context, branchID int64) (bool, error) {
	if on, ok := a.waBranches[branchID]; ok {
		return on, nil
	}
	accs, err := a.tx.BranchWAAccounts(ctx, branchID)
	if err != nil {
		return false, err
	}
	on := false
	for _, acc := range accs {
		on = on || acc.Usable()
	}
	a.waBranches[branchID] = on
	return on, nil
}
