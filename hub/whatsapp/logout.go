package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types/events"

	"naryad/hub"
)

// logoutTimeout bounds telling WhatsApp about a logout (connecting first
// when this process does not run the account).
const logoutTimeout = 30 * time.Second

// Logout unlinks an account at staff's request (state unlinked, "logged
// out by staff"), tells WhatsApp through its running client when this
// process runs it, otherwise through a client opened for the purpose, and
// deletes its session. When WhatsApp could not be told, the account is
// unlinked all the same and its detail says to remove the linked device on
// the phone.
func (m *Manager) Logout(ctx context.Context, accountID int64) error {
	acc, err := m.store.WAAccount(ctx, accountID)
	if err != nil {
		return fmt.Errorf("log out WhatsApp account %d: %w", accountID, err)
	}
	if acc.JID == "" {
		return fmt.Errorf("log out WhatsApp account %q: %w", acc.Name, ErrNotLinked)
	}
	if err := m.holdAccount(acc.ID); err != nil {
		return fmt.Errorf("log out WhatsApp account %q: %w", acc.Name, err)
	}
	defer m.releaseAccount(acc.ID)
	// Unlinked first: a session of this device still running somewhere
	// (another instance) then has its last events ignored, instead of
	// reporting the logout's connection as a takeover.
	if err := m.store.SetWAUnlinked(ctx, acc.ID, hub.WAUnlinked, "logged out by staff"); err != nil {
		return fmt.Errorf("log out WhatsApp account %q: %w", acc.Name, err)
	}
	var cli Client
	if s := m.detach(acc.ID); s != nil {
		cli = s.takeOver()
	}
	if err := m.logoutRemote(ctx, acc, cli); err != nil {
		m.log.Warn("whatsapp logout not confirmed by WhatsApp", "account", acc.Name, "error", err)
		detail := "logged out by staff; WhatsApp did not confirm (" + err.Error() + "): remove the linked device on the phone"
		if err := m.store.SetWAUnlinked(context.WithoutCancel(ctx), acc.ID, hub.WAUnlinked, detail); err != nil {
			m.log.Error("whatsapp: record unconfirmed logout", "account", acc.Name, "error", err)
		}
	}
	if err := m.sessions.Delete(context.WithoutCancel(ctx), acc.JID); err != nil {
		return fmt.Errorf("log out WhatsApp account %q: %w", acc.Name, err)
	}
	m.log.Info("whatsapp account logged out by staff", "account", acc.Name, "jid", acc.JID)
	return nil
}

// logoutRemote tells WhatsApp to remove the device, through cli when it is
// connected, else through a client connected for it. A device already
// gone counts as logged out.
func (m *Manager) logoutRemote(ctx context.Context, acc hub.WAAccount, cli Client) error {
	ctx, cancel := context.WithTimeout(ctx, logoutTimeout)
	defer cancel()
	if cli == nil || !cli.IsConnected() {
		if cli != nil {
			cli.Disconnect()
		}
		var err error
		if cli, err = m.connectForLogout(ctx, acc); err != nil || cli == nil {
			return err
		}
	}
	defer cli.Disconnect()
	err := cli.Logout(ctx)
	if errors.Is(err, whatsmeow.ErrNotLoggedIn) {
		return nil // the phone logged it out first
	}
	return err
}

// connectForLogout opens the account's device and connects it, waiting
// for the login; nil, nil when the device is gone already.
func (m *Manager) connectForLogout(ctx context.Context, acc hub.WAAccount) (Client, error) {
	device, err := m.sessions.Device(ctx, acc.JID)
	if err != nil || device == nil {
		return nil, err
	}
	cli := m.newClient(device)
	ready := make(chan struct{}, 1)
	cli.AddEventHandlerWithSuccessStatus(func(evt any) bool {
		switch evt.(type) {
		case *events.Connected, *events.LoggedOut:
			select {
			case ready <- struct{}{}:
			default:
			}
			return true
		}
		// Messages arriving meanwhile are stored as on any connection.
		return m.deliver(Session{Account: acc, Client: cli, Device: device}, evt)
	})
	m.useLatestWebVersion(ctx)
	if err := cli.Connect(); err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	select {
	case <-ready:
		return cli, nil
	case <-ctx.Done():
		cli.Disconnect()
		return nil, fmt.Errorf("connect: %w", ctx.Err())
	}
}
