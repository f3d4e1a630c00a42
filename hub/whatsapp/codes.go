package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"naryad/hub"
)

// Codes sends the account pages' one-time sign-in codes by WhatsApp. A
// code is not a thread message: it goes straight to the customer's chat
// through one of the hub's connected accounts, once, within the caller's
// timeout, and is never retried or rerouted (a code that arrives late is
// no use; the page offers SMS instead). It shares the Sender's contact
// checks, its pacing per account and the daily cap of new chats, so codes
// cannot get an account banned any more than thread messages can.
type Codes struct {
	sender *Sender
}

// ErrNoCodeAccount: no WhatsApp account is connected in this process (none
// linked, all logged out, or another instance runs the connections).
var ErrNoCodeAccount = errors.New("no connected WhatsApp account")

// NewCodes builds the code sender over the outbox's Sender.
func NewCodes(sender *Sender) *Codes { return &Codes{sender: sender} }

// Available tells whether a code could go by WhatsApp now: some account's
// connection runs, connected, in this process.
func (c *Codes) Available(ctx context.Context) bool {
	_, err := c.connected(ctx)
	return err == nil
}

// connectedAccount is an account with its live client.
type connectedAccount struct {
	acc hub.WAAccount
	cli Client
}

// connected lists the accounts this process can send through now.
func (c *Codes) connected(ctx context.Context) ([]connectedAccount, error) {
	accs, err := c.sender.store.WAAccounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("whatsapp code: %w", err)
	}
	var out []connectedAccount
	for _, a := range accs {
		if a.State != hub.WAConnected {
			continue
		}
		if cli, ok := c.sender.clients.Client(a.ID); ok && cli.IsConnected() {
			out = append(out, connectedAccount{a, cli})
		}
	}
	if len(out) == 0 {
		return nil, ErrNoCodeAccount
	}
	return out, nil
}

// SendCode sends text to e164's WhatsApp chat: through an account that
// already chats with the number if there is one (no new chat counted),
// else the first connected one.
func (c *Codes) SendCode(ctx context.Context, e164, text string) error {
	accs, err := c.connected(ctx)
	if err != nil {
		return err
	}
	pick := accs[0]
	for _, a := range accs {
		known, err := c.sender.store.WAChatKnown(ctx, a.acc.ID, e164)
		if err != nil {
			return fmt.Errorf("whatsapp code: %w", err)
		}
		if known {
			pick = a
			break
		}
	}
	return c.sendThrough(ctx, pick, e164, text)
}

// sendThrough sends one text in the account's lane, after its interval.
func (c *Codes) sendThrough(ctx context.Context, a connectedAccount, e164, text string) error {
	s := c.sender
	lane, err := s.pacer.acquire(ctx, a.acc.ID)
	if err != nil {
		return fmt.Errorf("whatsapp code: waiting for account «%s»: %w", a.acc.Name, err)
	}
	defer lane.release()
	to, err := s.directChat(ctx, a.cli, e164)
	if err != nil {
		return fmt.Errorf("whatsapp code to %s: %w", e164, err)
	}
	known, err := s.store.WAChatKnown(ctx, a.acc.ID, e164)
	if err != nil {
		return fmt.Errorf("whatsapp code: %w", err)
	}
	if !known {
		n, err := s.store.WANewChatsSince(ctx, a.acc.ID, s.now().Add(-24*time.Hour))
		if err != nil {
			return fmt.Errorf("whatsapp code: %w", err)
		}
		if n >= a.acc.DailyNewChats {
			return fmt.Errorf("whatsapp code: account «%s» started its %d new chats of the last 24 hours", a.acc.Name, a.acc.DailyNewChats)
		}
	}
	// No jitter: a code answers a person who is waiting, not a burst.
	if err := lane.space(ctx, time.Duration(a.acc.MinIntervalMs)*time.Millisecond); err != nil {
		return fmt.Errorf("whatsapp code: waiting for account «%s»: %w", a.acc.Name, err)
	}
	cctx, cancel := context.WithTimeout(ctx, sendCallTimeout)
	_, err = a.cli.SendMessage(cctx, to, &waE2E.Message{Conversation: proto.String(text)})
	cancel()
	lane.sent()
	if err != nil {
		return fmt.Errorf("whatsapp code to %s through «%s»: %w", e164, a.acc.Name, err)
	}
	if !known {
		// Sent is sent: a failure to count the chat is only logged.
		if err := s.store.RecordOutboundWAChat(ctx, a.acc.ID, e164, s.now()); err != nil {
			s.log.Error("whatsapp code: new chat not counted", "account", a.acc.Name, "error", err)
		}
	}
	return nil
}
