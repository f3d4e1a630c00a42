package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/store"
)

// SenderOptions configure a Sender; zero values take the defaults.
type SenderOptions struct {
	Logger *slog.Logger // default slog.Default()
	// Groups routes a work order's messages to its WhatsApp group; nil
	// sends every message to the customer's direct chat.
	Groups GroupRouter
	// Now is the clock of contact checks and of the daily cap (tests move
	// it); default time.Now. The pacing between sends runs on real time.
	Now func() time.Time
	// ContactTTL is how long a check of whether a number is on WhatsApp is
	// trusted; default store.DefaultWAContactTTL.
	ContactTTL time.Duration
	// Jitter is the random extra wait added to the account's interval
	// before each send; default uniform in [0, 3 s). Tests pass a fixed one.
	Jitter func() time.Duration
}

// Sender is the outbox sender of the WhatsApp channel. Each message goes
// out through its thread's account (or one the thread then keeps), to the
// work order's group or the customer's direct chat, paced per account.
// What WhatsApp cannot carry is a reroute error (outbox.Reroute): the
// pool hands it to the Fallback, which sends it by SMS.
//
// A message with several files is several WhatsApp messages; when one of
// them fails, the next attempt sends them all again (delivery is at least
// once, as on every channel).
type Sender struct {
	store   *store.Store
	media   *hub.Media
	clients Clients
	opts    SenderOptions
	log     *slog.Logger
	pacer   *pacer
}

// The sender is the outbox's sender of hub.ChannelWhatsApp.
var _ outbox.Sender = (*Sender)(nil)

// sendCallTimeout bounds one call to WhatsApp (a check, a message); the
// pool's SendTimeout bounds the whole attempt, file uploads included.
const sendCallTimeout = 20 * time.Second

// NewSender builds the sender; clients is the Manager.
func NewSender(st *store.Store, media *hub.Media, clients Clients, opts SenderOptions) *Sender {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ContactTTL <= 0 {
		opts.ContactTTL = store.DefaultWAContactTTL
	}
	return &Sender{store: st, media: media, clients: clients, opts: opts, log: opts.Logger, pacer: newPacer()}
}

// Name is the provider name the outbox records on each attempt.
func (s *Sender) Name() string { return "whatsapp" }

func (s *Sender) now() time.Time { return s.opts.Now() }

// Send makes one attempt at a message. Errors are temporary (the pool
// retries, and after the last attempt reroutes) unless they are
// outbox.Reroute errors: no usable account at the branch, the number not
// on WhatsApp, the account's daily cap of new chats or of messages
// reached, or WhatsApp refusing the chat.
func (s *Sender) Send(ctx context.Context, m outbox.Message) (r outbox.Receipt, err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("whatsapp send: panic", "message_id", m.MessageID, "panic", p)
			r, err = outbox.Receipt{}, fmt.Errorf("whatsapp: send message %d: panic: %v", m.MessageID, p)
		}
	}()
	th, err := s.store.Thread(ctx, m.ThreadID)
	if err != nil {
		return outbox.Receipt{}, fmt.Errorf("whatsapp: %w", err)
	}
	acc, err := s.account(ctx, th)
	if err != nil {
		return outbox.Receipt{}, err
	}
	cli, ok := s.clients.Client(acc.ID)
	if !ok || !cli.IsConnected() {
		return outbox.Receipt{}, fmt.Errorf("whatsapp: account «%s» is not connected (%s): %w", acc.Name, acc.State, whatsmeow.ErrNotConnected)
	}
	lane, err := s.pacer.acquire(ctx, acc.ID)
	if err != nil {
		return outbox.Receipt{}, fmt.Errorf("whatsapp: waiting for account «%s» to send: %w", acc.Name, err)
	}
	defer lane.release()

	to, newChat, err := s.destination(ctx, cli, acc, th, m.To)
	if err != nil {
		return outbox.Receipt{}, err
	}
	parts, err := s.content(ctx, cli, m)
	if err != nil {
		return outbox.Receipt{}, err
	}
	if err := s.withinDailySends(ctx, acc, m.MessageID, len(parts)); err != nil {
		return outbox.Receipt{}, err
	}
	if err := s.withContext(ctx, acc.ID, to, m.MessageID, parts); err != nil {
		return outbox.Receipt{}, err
	}
	id, err := s.deliver(ctx, lane, cli, acc, m.MessageID, to, parts)
	if err != nil {
		return outbox.Receipt{}, err
	}
	if newChat {
		// Sent is sent: a failure to count the chat must not send it again.
		if err := s.store.RecordOutboundWAChat(ctx, acc.ID, m.To, s.now()); err != nil {
			s.log.Error("whatsapp: new chat not counted", "account", acc.Name, "message_id", m.MessageID, "error", err)
		}
	}
	return outbox.Receipt{ProviderID: string(id)}, nil
}

// destination is where the thread's message goes: the work order's group
// when the group router says so, else the customer's direct chat. newChat
// tells that the direct chat is one the account never had; it counts
// against the daily cap, which it must still fit in.
func (s *Sender) destination(ctx context.Context, cli Client, acc hub.WAAccount, th hub.Thread, phone string) (to types.JID, newChat bool, err error) {
	if s.opts.Groups != nil {
		jid, ok, err := s.opts.Groups.GroupFor(ctx, cli, acc, th)
		if err != nil {
			return types.EmptyJID, false, fmt.Errorf("whatsapp: group of thread %d: %w", th.ID, err)
		}
		if ok {
			return jid, false, nil
		}
	}
	if store.IsWALIDRecipient(phone) {
		// A customer WhatsApp shows only by a LID wrote first: the chat
		// exists, and there is no number to check.
		lid, err := types.ParseJID(phone)
		if err != nil || lid.Server != types.HiddenUserServer {
			return types.EmptyJID, false, outbox.Reroute("%q is not a WhatsApp address", phone)
		}
		return lid.ToNonAD(), false, nil
	}
	to, err = s.directChat(ctx, cli, phone)
	if err != nil {
		return types.EmptyJID, false, err
	}
	known, err := s.store.WAChatKnown(ctx, acc.ID, phone)
	switch {
	case err != nil:
		return types.EmptyJID, false, fmt.Errorf("whatsapp: %w", err)
	case known:
		return to, false, nil
	}
	n, err := s.store.WANewChatsSince(ctx, acc.ID, s.now().Add(-24*time.Hour))
	if err != nil {
		return types.EmptyJID, false, fmt.Errorf("whatsapp: %w", err)
	}
	if n >= acc.DailyNewChats {
		return types.EmptyJID, false, outbox.Reroute("account «%s» started its %d new chats of the last 24 hours", acc.Name, acc.DailyNewChats)
	}
	return to, true, nil
}

// deliver sends the parts one by one, paced, and returns the first one's
// WhatsApp id (the message's provider id; receipts, reactions and quotes
// find the message by any part's id). Each part's id is stored
// before it is sent (store.PlanWASend): a part WhatsApp acknowledged in an
// earlier attempt is not sent again, and one whose fate is unknown (the
// call timed out, the process stopped) goes again under the same id, which
// the customer's phone shows once.
func (s *Sender) deliver(ctx context.Context, lane *paceLane, cli Client, acc hub.WAAccount, messageID int64, to types.JID, parts []sendPart) (types.MessageID, error) {
	interval := time.Duration(acc.MinIntervalMs) * time.Millisecond
	var first types.MessageID
	for i, p := range parts {
		plan, err := s.store.PlanWASend(ctx, messageID, i, acc.ID, string(cli.GenerateMessageID()))
		if err != nil {
			return "", fmt.Errorf("whatsapp: %w", err)
		}
		if i == 0 {
			first = types.MessageID(plan.WAID)
		}
		if plan.SentAt != nil {
			continue
		}
		if err := lane.space(ctx, interval+s.jitter()); err != nil {
			return "", fmt.Errorf("whatsapp: waiting for account «%s» to send: %w", acc.Name, err)
		}
		cctx, cancel := context.WithTimeout(ctx, sendCallTimeout)
		_, err = cli.SendMessage(cctx, to, p.msg, whatsmeow.SendRequestExtra{ID: types.MessageID(plan.WAID)})
		cancel()
		lane.sent()
		if err != nil {
			return "", sendFailure(to, p.what, err)
		}
		if err := s.store.MarkWASent(ctx, plan.WAID, acc.ID, s.now()); err != nil {
			// The next attempt sends the part again under the same id: the
			// customer still sees it once.
			return "", fmt.Errorf("whatsapp: %w", err)
		}
	}
	return first, nil
}

// jitter is the random extra wait before a send, so a burst of reminders
// is not sent at a machine's even rhythm.
func (s *Sender) jitter() time.Duration {
	if s.opts.Jitter != nil {
		return s.opts.Jitter()
	}
	return rand.N(maxSendJitter)
}

// maxSendJitter bounds the default jitter between two sends of an account.
const maxSendJitter = 3 * time.Second

// errCode463 is how whatsmeow reports WhatsApp's error 463 on a send
// ("server returned error 463"): the message lacked the contact's privacy
// token (tctoken), which WhatsApp now asks for when an account writes to a
// new contact, and refuses for a while to an account that reached out to
// many. It says nothing about the customer's number: whatsmeow fetches and
// issues tokens on its own, so the send is retried like a network error,
// and after the last attempt the message goes by SMS without the thread
// being moved off WhatsApp.
const errCode463 = " 463"

// sendFailure classifies a failed send: WhatsApp refusing the chat (an
// address it does not serve, a server error code for the message) is a
// reroute; error 463 and anything else (not connected, timeouts) is worth
// a retry.
func sendFailure(to types.JID, what string, err error) error {
	if isPrivacyTokenError(err) {
		return fmt.Errorf("whatsapp: send %s to %s: WhatsApp asks for the contact's privacy token (new contact, error 463); trying again: %w", what, to.User, err)
	}
	for _, refused := range []error{
		whatsmeow.ErrUnknownServer, whatsmeow.ErrRecipientADJID, whatsmeow.ErrServerReturnedError,
		whatsmeow.ErrIQBadRequest, whatsmeow.ErrIQNotAcceptable, whatsmeow.ErrIQNotFound, whatsmeow.ErrIQForbidden,
	} {
		if errors.Is(err, refused) {
			return outbox.Reroute("WhatsApp refused the %s to %s: %v", what, to.User, err)
		}
	}
	return fmt.Errorf("whatsapp: send %s to %s: %w", what, to.User, err)
}

// isPrivacyTokenError tells the errors of WhatsApp's new-contact token
// rules: a send refused with 463, or whatsmeow lacking a token it needs.
func isPrivacyTokenError(err error) bool {
	if errors.Is(err, whatsmeow.ErrNoPrivacyToken) {
		return true
	}
	return errors.Is(err, whatsmeow.ErrServerReturnedError) && strings.HasSuffix(err.Error(), errCode463)
}

// withinDailySends checks that the message's parts not yet sent fit in the
// account's cap of messages a day; over it, the message goes by SMS like
// one over the cap of new chats. The caller holds the account's lane, so
// two workers cannot both take the last sends of the day.
func (s *Sender) withinDailySends(ctx context.Context, acc hub.WAAccount, messageID int64, parts int) error {
	if acc.DailySends <= 0 {
		return nil // no cap set
	}
	sent, err := s.store.WASentSince(ctx, acc.ID, s.now().Add(-24*time.Hour))
	if err != nil {
		return fmt.Errorf("whatsapp: %w", err)
	}
	if sent+parts > acc.DailySends {
		return outbox.Reroute("account «%s» sent its %d WhatsApp messages of the last 24 hours", acc.Name, acc.DailySends)
	}
	return nil
}
