package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"go.mau.fi/whatsmeow"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types/events"

	"naryad/hub"
	"naryad/hub/store"
)

// LinkTimeout bounds a linking: WhatsApp stops offering codes after about
// 160 seconds anyway.
const LinkTimeout = 3 * time.Minute

// pairCodeLife is how long WhatsApp keeps a linking connection open, and
// so the most a phone pairing code can live.
const pairCodeLife = 160 * time.Second

// ErrLinkTimeout is a linking that no phone completed in time.
var ErrLinkTimeout = errors.New("no phone was linked before the code expired; start again")

var e164Number = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// pairingDigits checks a phone number for pairing by code: E.164 ("+48…"),
// returned as the digits WhatsApp wants; "" stays "" (QR code pairing).
func pairingDigits(phone string) (string, error) {
	if phone == "" {
		return "", nil
	}
	if !e164Number.MatchString(phone) {
		return "", fmt.Errorf("phone %q is not an international number such as +48501234567", phone)
	}
	return phone[1:], nil
}

// Link links a phone to an account. Each QR code (or, with phone, the
// pairing code to type on that phone) is written to the account, so any
// instance's admin page can show it, and passed to show (may be nil). On
// success the account records the device and number and is set connecting;
// the manager connects it at its next reload (at once when it runs in this
// process), and the session of a device linked before is deleted. On a
// timeout or an error the code is cleared and the error says why. The
// linking client is disconnected when Link returns.
func (m *Manager) Link(ctx context.Context, accountID int64, phone string, show func(code string, expires time.Time)) error {
	acc, digits, err := m.prepareLink(ctx, accountID, phone)
	if err != nil {
		return err
	}
	defer m.releaseAccount(acc.ID)
	return m.link(ctx, acc, digits, show)
}

// StartLink runs Link in the background (bounded by LinkTimeout), for the
// admin page, which shows the codes from the account row. Errors found
// before it starts (unknown account, bad number, a linking already
// running) are returned; later ones are logged and end the linking.
func (m *Manager) StartLink(accountID int64, phone string) error {
	ctx, cancel := context.WithTimeout(m.life, 10*time.Second)
	acc, digits, err := m.prepareLink(ctx, accountID, phone)
	cancel()
	if err != nil {
		return err
	}
	m.mu.Lock()
	if m.stopped {
		m.mu.Unlock()
		m.releaseAccount(acc.ID)
		return fmt.Errorf("link WhatsApp account %q: the WhatsApp manager has stopped", acc.Name)
	}
	m.wg.Add(1)
	m.mu.Unlock()
	go func() {
		defer m.wg.Done()
		defer m.releaseAccount(acc.ID)
		ctx, cancel := context.WithTimeout(m.life, LinkTimeout)
		defer cancel()
		if err := m.link(ctx, acc, digits, nil); err != nil {
			m.log.Warn("whatsapp linking ended without a phone", "account", acc.Name, "error", err)
		}
	}()
	return nil
}

// prepareLink checks the request and holds the account for the linking.
func (m *Manager) prepareLink(ctx context.Context, accountID int64, phone string) (hub.WAAccount, string, error) {
	acc, err := m.store.WAAccount(ctx, accountID)
	if err != nil {
		return acc, "", fmt.Errorf("link WhatsApp account %d: %w", accountID, err)
	}
	digits, err := pairingDigits(phone)
	if err != nil {
		return acc, "", fmt.Errorf("link WhatsApp account %q: %w", acc.Name, err)
	}
	if err := m.holdAccount(acc.ID); err != nil {
		return acc, "", fmt.Errorf("link WhatsApp account %q: %w", acc.Name, err)
	}
	return acc, digits, nil
}

// link runs one linking on a new device; the caller holds the account.
func (m *Manager) link(ctx context.Context, acc hub.WAAccount, digits string, show func(string, time.Time)) error {
	err := m.pair(ctx, acc, digits, show)
	if err == nil {
		m.log.Info("whatsapp account linked", "account", acc.Name)
		return nil
	}
	clearCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if cerr := m.store.SetWALinkCode(clearCtx, acc.ID, "", nil); cerr != nil {
		m.log.Error("whatsapp: clear link code", "account", acc.Name, "error", cerr)
	}
	return fmt.Errorf("link WhatsApp account %q: %w", acc.Name, err)
}

// pair connects a new device and offers codes until a phone links it.
func (m *Manager) pair(ctx context.Context, acc hub.WAAccount, digits string, show func(string, time.Time)) error {
	m.useLatestWebVersion(ctx)
	device := m.sessions.NewDevice()
	cli := m.newClient(device)
	paired := make(chan error, 1)
	loggedIn := make(chan error, 1)
	cli.AddEventHandlerWithSuccessStatus(func(evt any) bool {
		switch e := evt.(type) {
		case *events.Connected:
			trySend(loggedIn, nil)
		case *events.PairSuccess:
			trySend(paired, nil)
		case *events.PairError:
			trySend(paired, fmt.Errorf("pairing failed: %w", e.Error))
		case *events.Message:
			return false // not acknowledged here: WhatsApp delivers it again to the account's session
		}
		return true
	})
	qr, err := cli.GetQRChannel(ctx)
	if err != nil {
		return fmt.Errorf("QR channel: %w", err)
	}
	defer cli.Disconnect()
	if err := cli.Connect(); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	opened := time.Now()
	codeShown := false
	for {
		select {
		case <-ctx.Done():
			return ErrLinkTimeout
		case err := <-paired:
			if err != nil {
				return err
			}
			return m.finishLink(ctx, acc, device, loggedIn)
		case item, ok := <-qr:
			switch {
			case !ok:
				return ErrLinkTimeout
			case item.Event == whatsmeow.QRChannelEventError:
				return fmt.Errorf("pairing failed: %w", item.Error)
			case item == whatsmeow.QRChannelTimeout:
				return ErrLinkTimeout
			case item == whatsmeow.QRChannelSuccess:
				return m.finishLink(ctx, acc, device, loggedIn)
			case item == whatsmeow.QRChannelScannedWithoutMultidevice:
				m.log.Warn("whatsapp linking: the phone scanning the code has multi-device off", "account", acc.Name)
			case item == whatsmeow.QRChannelClientOutdated:
				return m.linkRefused(ctx, acc, ErrLinkOutdated)
			case item.Event == whatsmeow.QRChannelEventPasskeyRequest || item.Event == whatsmeow.QRChannelEventPasskeyResponse:
				return m.linkRefused(ctx, acc, ErrLinkPasskey)
			case item.Event != whatsmeow.QRChannelEventCode:
				return fmt.Errorf("pairing failed: %s", item.Event)
			case digits == "":
				if err := m.showCode(ctx, acc.ID, item.Code, time.Now().Add(item.Timeout), show); err != nil {
					return err
				}
			case !codeShown:
				// Pairing by phone: WhatsApp is ready once it sent the first
				// QR code; the pairing code replaces the QR codes.
				code, err := cli.PairPhone(ctx, digits, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
				if err != nil {
					return fmt.Errorf("pairing code: %w", err)
				}
				if err := m.showCode(ctx, acc.ID, code, opened.Add(pairCodeLife), show); err != nil {
					return err
				}
				codeShown = true
			}
		}
	}
}

// ErrLinkPasskey is a linking WhatsApp wants confirmed with the phone
// owner's passkey. A passkey only answers WhatsApp's own pages, so the hub
// cannot give one: the phone links by a code typed on it instead.
var ErrLinkPasskey = errors.New("WhatsApp asks for a passkey to link this device, which naryad cannot give: " +
	"link by phone number instead (the code is typed on the phone), or turn off passkey sign-in on the phone and scan again")

// ErrLinkOutdated is a linking WhatsApp refused because it takes naryad
// for an outdated WhatsApp Web (405).
var ErrLinkOutdated = errors.New("WhatsApp refuses this naryad version (405 client outdated): restart the hub, and if that does not help, upgrade naryad")

// linkRefused ends a linking WhatsApp will not finish this way, leaving
// staff a task that says what to do (the admin page starts linkings in
// the background, where an error reaches nobody else).
func (m *Manager) linkRefused(ctx context.Context, acc hub.WAAccount, why error) error {
	m.log.Warn("whatsapp linking refused", "account", acc.Name, "reason", why, "version", describeVersion())
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	task := &store.StaffTask{BranchID: acc.BranchID, Kind: StaffTaskKind,
		Title: fmt.Sprintf("WhatsApp account «%s» could not be linked", acc.Name), Body: why.Error() + "."}
	if err := m.store.AddStaffTask(ctx, task); err != nil {
		m.log.Error("whatsapp: staff task for a refused linking", "account", acc.Name, "error", err)
	}
	return why
}

// showCode publishes a code on the account row and to show.
func (m *Manager) showCode(ctx context.Context, accountID int64, code string, expires time.Time, show func(string, time.Time)) error {
	if err := m.store.SetWALinkCode(ctx, accountID, code, &expires); err != nil {
		return err
	}
	if show != nil {
		show(code, expires)
	}
	return nil
}

// loginWait is how long a linking client waits, after the pairing, for
// its first login (WhatsApp restarts the stream right after pairing)
// before it hands the device to the manager.
const loginWait = 15 * time.Second

// finishLink records a linked device: the account's old session (another
// device) is stopped and deleted. Its writes outlive ctx by a little, so a
// phone linked in the last second is not lost.
func (m *Manager) finishLink(ctx context.Context, acc hub.WAAccount, device *wastore.Device, loggedIn <-chan error) error {
	if device.ID == nil {
		return errors.New("pairing reported success but the device has no JID")
	}
	select {
	case <-loggedIn:
	case <-time.After(loginWait):
	case <-ctx.Done():
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	jid, phone := device.ID.String(), "+"+device.ID.User
	if old := m.detach(acc.ID); old != nil {
		old.stop()
	}
	before, err := m.store.WAAccount(ctx, acc.ID)
	if err == nil {
		err = m.store.SetWALinked(ctx, acc.ID, jid, phone)
	}
	if err != nil {
		// Without the account row the new session is unusable: drop it.
		if derr := m.sessions.Delete(ctx, jid); derr != nil {
			m.log.Error("whatsapp: delete unrecorded session", "account", acc.Name, "error", derr)
		}
		return err
	}
	if before.JID != "" && before.JID != jid {
		if err := m.sessions.Delete(ctx, before.JID); err != nil {
			m.log.Warn("whatsapp: delete the session linked before", "account", acc.Name, "error", err)
		}
	}
	return nil
}

func trySend(ch chan error, err error) {
	select {
	case ch <- err:
	default:
	}
}

var pairingCodeShape = regexp.MustCompile(`^[A-Z0-9]{4}-[A-Z0-9]{4}$`)

// IsPairingCode tells a phone pairing code ("ABCD-1234", typed on the
// phone) from a QR code's payload among the link codes of an account.
func IsPairingCode(code string) bool { return pairingCodeShape.MatchString(code) }
