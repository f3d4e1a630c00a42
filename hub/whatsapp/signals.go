package whatsapp

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/store"
)

// Signals tells a customer that the workshop is there: their messages are
// marked read when an advisor opens the thread (if the branch wants it),
// and "typing…" shows while an advisor writes a reply. The inbox calls it
// from its request handlers; the work runs on its own goroutines with a
// timeout, so a slow WhatsApp never holds a page.
type Signals struct {
	st      *store.Store
	clients Clients
	log     *slog.Logger
	now     func() time.Time
	timeout time.Duration

	mu      sync.Mutex
	reading map[int64]bool        // threads whose read receipts are on their way
	typing  map[int64]time.Time   // when "typing…" last went to a thread's chat
	stop    map[int64]*time.Timer // ends a thread's "typing…" that its page never ended
	wg      sync.WaitGroup
}

// SignalOptions configure Signals; zero values take the defaults.
type SignalOptions struct {
	Logger  *slog.Logger
	Now     func() time.Time // time.Now
	Timeout time.Duration    // one round of receipts or presence (20 s)
}

// typingEvery is how often "typing…" is repeated while an advisor writes:
// WhatsApp shows it for about 25 s after each. typingGone ends it when the
// page stops saying (a closed laptop, a lost connection).
const (
	typingEvery = 5 * time.Second
	typingGone  = 30 * time.Second
)

// readBatch bounds the messages one opening marks read.
const readBatch = 200

// NewSignals makes the signals of the clients' accounts.
func NewSignals(st *store.Store, clients Clients, opts SignalOptions) *Signals {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 20 * time.Second
	}
	return &Signals{st: st, clients: clients, log: opts.Logger, now: opts.Now, timeout: opts.Timeout,
		reading: map[int64]bool{}, typing: map[int64]time.Time{}, stop: map[int64]*time.Timer{}}
}

// Wait returns once every signal under way is done (tests, shutdown).
func (g *Signals) Wait() { g.wg.Wait() }

// MarkRead marks the thread's unread customer messages read in WhatsApp,
// in the background; a second call while one runs does nothing.
func (g *Signals) MarkRead(threadID int64) {
	g.mu.Lock()
	if g.reading[threadID] {
		g.mu.Unlock()
		return
	}
	g.reading[threadID] = true
	g.mu.Unlock()
	g.wg.Go(func() {
		defer func() {
			g.mu.Lock()
			delete(g.reading, threadID)
			g.mu.Unlock()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), g.timeout)
		defer cancel()
		if err := g.markRead(ctx, threadID); err != nil {
			g.log.Warn("whatsapp: read receipts not sent", "thread_id", threadID, "error", err)
		}
	})
}

// markRead sends one receipt per chat and sender (WhatsApp's rule) and
// records the messages it covered. An account without a live client now
// is left for the next opening.
func (g *Signals) markRead(ctx context.Context, threadID int64) error {
	th, err := g.st.Thread(ctx, threadID)
	if err != nil {
		return err
	}
	on, err := g.st.BranchWAMarkRead(ctx, th.BranchID)
	if err != nil || !on {
		return err
	}
	unread, err := g.st.UnreadWAInbound(ctx, threadID, readBatch)
	if err != nil || len(unread) == 0 {
		return err
	}
	type key struct {
		account      int64
		chat, sender string
	}
	var order []key
	batches := map[key][]store.WAInboundRef{}
	for _, r := range unread {
		k := key{r.AccountID, r.Chat, r.Sender}
		if _, ok := batches[k]; !ok {
			order = append(order, k)
		}
		batches[k] = append(batches[k], r)
	}
	var done []int64
	var errs []error
	for _, k := range order {
		cli, ok := g.clients.Client(k.account)
		if !ok || !cli.IsConnected() {
			continue
		}
		chat, err := types.ParseJID(k.chat)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sender, _ := types.ParseJID(k.sender) // empty: a direct chat needs none
		ids := make([]types.MessageID, len(batches[k]))
		for i, r := range batches[k] {
			ids[i] = types.MessageID(r.WAID)
		}
		if err := cli.MarkRead(ctx, ids, g.now(), chat, sender); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, r := range batches[k] {
			done = append(done, r.MessageID)
		}
	}
	if err := g.st.MarkWAInboundRead(ctx, done); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Typing shows "typing…" in the thread's chat while composing is true
// (at most every typingEvery), and ends it when it is false. The account
// is "available" only while it types: a linked device that stays online
// silences the notifications of the phone it belongs to.
func (g *Signals) Typing(threadID int64, composing bool) {
	g.mu.Lock()
	last, typed := g.typing[threadID]
	now := g.now()
	switch {
	case composing && typed && now.Sub(last) < typingEvery:
		g.mu.Unlock()
		return
	case composing:
		g.typing[threadID] = now
		if t := g.stop[threadID]; t != nil {
			t.Stop()
		}
		g.stop[threadID] = time.AfterFunc(typingGone, func() { g.Typing(threadID, false) })
	case !typed:
		g.mu.Unlock()
		return // nothing to end
	default:
		delete(g.typing, threadID)
		if t := g.stop[threadID]; t != nil {
			t.Stop()
			delete(g.stop, threadID)
		}
	}
	g.mu.Unlock()
	g.wg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), g.timeout)
		defer cancel()
		if err := g.sendTyping(ctx, threadID, composing, !typed); err != nil {
			g.log.Debug("whatsapp: typing not shown", "thread_id", threadID, "error", err)
		}
	})
}

// sendTyping sends one chat state to the thread's chat (its work order's
// group while messages go there).
func (g *Signals) sendTyping(ctx context.Context, threadID int64, composing, first bool) error {
	acc, err := g.st.ThreadWAAccount(ctx, threadID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // the thread never ran on WhatsApp
	}
	if err != nil {
		return err
	}
	cli, ok := g.clients.Client(acc.ID)
	if !ok || !cli.IsConnected() {
		return nil
	}
	to, ok, err := g.threadChat(ctx, threadID)
	if err != nil || !ok {
		return err
	}
	if !composing {
		err := cli.SendChatPresence(ctx, to, types.ChatPresencePaused, "")
		return errors.Join(err, cli.SendPresence(ctx, types.PresenceUnavailable))
	}
	if first {
		if err := cli.SendPresence(ctx, types.PresenceAvailable); err != nil {
			g.log.Debug("whatsapp: presence", "error", err) // typing may still show
		}
	}
	return cli.SendChatPresence(ctx, to, types.ChatPresenceComposing, "")
}

// threadChat is where the thread's messages go now: its active group,
// else the customer's number; false when it has neither.
func (g *Signals) threadChat(ctx context.Context, threadID int64) (types.JID, bool, error) {
	grp, err := g.st.WAGroupByThread(ctx, threadID)
	switch {
	case err == nil && grp.State == hub.WAGroupActive && grp.JID != "":
		jid, err := types.ParseJID(grp.JID)
		return jid, err == nil, err
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return types.EmptyJID, false, err
	}
	th, err := g.st.Thread(ctx, threadID)
	if err != nil {
		return types.EmptyJID, false, err
	}
	digits, ok := sendDigits(th.Phone)
	if !ok {
		return types.EmptyJID, false, nil
	}
	return types.NewJID(digits, types.DefaultUserServer), true, nil
}
