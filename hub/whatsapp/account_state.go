package whatsapp

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// StaffTaskKind is the kind of the staff tasks the manager raises.
const StaffTaskKind = "whatsapp"

// stateChange is a connection state to record for an account, with the
// staff alert it raises when the state changed (not on a repeat).
type stateChange struct {
	state    string
	detail   string
	banUntil *time.Time
	unlink   bool // the device is gone: forget it (the account must be linked again)
	// alert words the staff task; nil raises none.
	alert func(account string, loc *time.Location) (title, body string)
}

// setState records a state reported by the session of device jid. The row
// is left alone when the account no longer runs that device: a logout or
// a new linking raced with the old session's last events. It runs on
// whatsmeow's event goroutine, so it is one short transaction.
func (m *Manager) setState(acc hub.WAAccount, jid string, c stateChange) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var changed, stale bool
	err := m.store.Tx(ctx, func(tx *store.Store) error {
		cur, err := tx.WAAccount(ctx, acc.ID)
		if err != nil {
			return err
		}
		if stale = cur.JID != jid; stale {
			return nil
		}
		if changed, err = tx.SetWAAccountState(ctx, acc.ID, c.state, c.detail, c.banUntil); err != nil {
			return err
		}
		if c.unlink {
			if err := tx.SetWAUnlinked(ctx, acc.ID, c.state, c.detail); err != nil {
				return err
			}
		}
		if !changed || c.alert == nil {
			return nil
		}
		loc := time.UTC
		if b, err := tx.Branch(ctx, cur.BranchID); err == nil {
			loc = b.Location()
		}
		title, body := c.alert(cur.Name, loc)
		return tx.AddStaffTask(ctx, &store.StaffTask{BranchID: cur.BranchID, Kind: StaffTaskKind, Title: title, Body: body})
	})
	switch {
	case err != nil:
		m.log.Error("whatsapp: record account state", "account", acc.Name, "state", c.state, "error", err)
	case stale:
		m.log.Info("whatsapp: state of a session no longer linked ignored", "account", acc.Name, "state", c.state)
	case changed:
		m.log.Info("whatsapp account state", "account", acc.Name, "state", c.state, "detail", c.detail)
	}
}

const smsMeanwhile = "Until then its messages go out by SMS."

func loggedOut(reason string) stateChange {
	detail := "the phone removed this linked device (" + reason + ")"
	return stateChange{state: hub.WALoggedOut, detail: detail, unlink: true,
		alert: func(name string, _ *time.Location) (string, string) {
			return fmt.Sprintf("WhatsApp account «%s» logged out: link it again", name),
				"WhatsApp logged the hub out: " + detail + ". Link the phone again in Admin → WhatsApp. " + smsMeanwhile
		}}
}

// sessionGone is a linked account whose session store has no device any
// more (deleted, or a database restored without it).
func sessionGone() stateChange {
	detail := "the WhatsApp session of this account is gone"
	return stateChange{state: hub.WALoggedOut, detail: detail, unlink: true,
		alert: func(name string, _ *time.Location) (string, string) {
			return fmt.Sprintf("WhatsApp account «%s» logged out: link it again", name),
				"The hub has no WhatsApp session for this account any more. Link the phone again in Admin → WhatsApp. " + smsMeanwhile
		}}
}

func banned(code string, until *time.Time) stateChange {
	return stateChange{state: hub.WABanned, detail: code, banUntil: until,
		alert: func(name string, loc *time.Location) (string, string) {
			title := fmt.Sprintf("WhatsApp account «%s» is temporarily banned", name)
			if until != nil {
				title += " until " + until.In(loc).Format("2006-01-02 15:04 MST")
			}
			return title, "WhatsApp banned the number for a while (" + code + "). The hub connects again by itself when the ban ends. " +
				"Send fewer messages to people who have not saved the number, and create fewer groups. " + smsMeanwhile
		}}
}

func replaced() stateChange {
	detail := "another program connected with this account's WhatsApp Web keys"
	return stateChange{state: hub.WAReplaced, detail: detail,
		alert: func(name string, _ *time.Location) (string, string) {
			return fmt.Sprintf("WhatsApp account «%s» was taken over by another session", name),
				"Another program (a second hub, or a copy of its data) connected as this account. The hub does not fight it. " +
					"Stop the other one, then press Reconnect in Admin → WhatsApp. " + smsMeanwhile
		}}
}

// cannotConnect is WhatsApp refusing the connection for a reason that is
// neither a logout nor a ban; the session keeps retrying with backoff.
func cannotConnect(detail string) stateChange {
	return stateChange{state: hub.WADisconnected, detail: detail,
		alert: func(name string, _ *time.Location) (string, string) {
			return fmt.Sprintf("WhatsApp account «%s» cannot connect", name),
				detail + ". The hub keeps trying. " + smsMeanwhile
		}}
}

// outdated is WhatsApp refusing the connection because the client
// version naryad advertises is too old (405 "client outdated").
func outdated(retry time.Duration) stateChange {
	detail := fmt.Sprintf("WhatsApp refuses this naryad version (%s, 405 client outdated); next try in %s", describeVersion(), retry)
	return stateChange{state: hub.WAOutdated, detail: detail,
		alert: func(name string, _ *time.Location) (string, string) {
			return fmt.Sprintf("WhatsApp account «%s»: WhatsApp refuses this naryad version: upgrade", name),
				"WhatsApp refused the connection because it takes this naryad for an outdated WhatsApp Web (" + describeVersion() + "). " +
					"Restart the hub first: at start it asks WhatsApp for the current version. If the account still shows this state, " +
					"install a newer naryad. The hub tries again every " + retry.String() + " and at every start. " + smsMeanwhile
		}}
}

// connectFailed is a connection attempt that did not get through (network,
// WhatsApp unreachable): retried with backoff, no alert.
func connectFailed(err error) stateChange {
	return stateChange{state: hub.WADisconnected, detail: "cannot reach WhatsApp: " + err.Error() + "; retrying"}
}
