package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// ManagerOptions configure a Manager. Zero values take the defaults.
type ManagerOptions struct {
	Logger *slog.Logger
	// Handler receives every event of every running account, after the
	// manager has handled connection events itself; nil drops them (and
	// acknowledges messages: only for tools that read nothing).
	Handler EventHandler
	// Reload is how often the accounts are re-read, so one linked, logged
	// out or set to reconnect elsewhere is picked up. Default 15 s.
	Reload time.Duration
	// Backoff is the wait before reconnect attempt n (from 1). Default
	// hub.Backoff(n, 2 s, 5 min).
	Backoff func(attempt int) time.Duration
	// Now is the clock of ban expiries. Default time.Now.
	Now func() time.Time
	// WebVersion asks WhatsApp for the current web client version, once,
	// before the first connection (LatestWebVersion in production); nil
	// keeps whatsmeow's built-in version (a fake client needs none).
	WebVersion WebVersionFunc
	// OutdatedRetry is how long a session that WhatsApp refused as out of
	// date waits before it tries again. Default 1 h.
	OutdatedRetry time.Duration
}

// Manager owns every WhatsApp connection of this process: one session per
// linked account, reconnected with backoff, its state written to
// wa_accounts for the admin page, staff alerted when it is logged out,
// banned or replaced. It also links phones (Link) and logs accounts out.
type Manager struct {
	store     *store.Store
	sessions  *Sessions
	newClient NewClientFunc
	opts      ManagerOptions
	log       *slog.Logger
	wake      chan struct{}      // asks Run to reload now
	life      context.Context    // ends with Run: background linkings stop with it
	end       context.CancelFunc // ends life

	mu      sync.Mutex
	running map[int64]*accountSession // by account id
	held    map[int64]bool            // being linked or logged out: reloads leave them alone
	version sync.Once                 // the web client version is settled once (see useLatestWebVersion)
	started bool
	stopped bool           // Run has returned: nothing new starts
	wg      sync.WaitGroup // session goroutines and background linkings
}

// The manager is where the other parts of the channel get clients.
var _ Clients = (*Manager)(nil)

// ErrNotLinked is returned for an account that has no phone linked.
var ErrNotLinked = errors.New("no phone is linked to this account")

// ErrBusy is returned while the account is being linked or logged out.
var ErrBusy = errors.New("the account is being linked or logged out right now; try again in a moment")

// ErrNotReplaced is returned when staff reconnect an account that another
// session has not replaced: only such an account is reconnected by hand.
var ErrNotReplaced = errors.New("only an account replaced by another session is reconnected by hand")

// NewManager makes a manager; Run starts its sessions.
func NewManager(st *store.Store, sessions *Sessions, newClient NewClientFunc, opts ManagerOptions) *Manager {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Reload <= 0 {
		opts.Reload = 15 * time.Second
	}
	if opts.Backoff == nil {
		opts.Backoff = func(attempt int) time.Duration { return hub.Backoff(attempt, 2*time.Second, 5*time.Minute) }
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.OutdatedRetry <= 0 {
		opts.OutdatedRetry = time.Hour
	}
	life, end := context.WithCancel(context.Background())
	return &Manager{store: st, sessions: sessions, newClient: newClient, opts: opts, log: opts.Logger,
		wake: make(chan struct{}, 1), life: life, end: end,
		running: map[int64]*accountSession{}, held: map[int64]bool{}}
}

// Run settles the web client version (see useLatestWebVersion), then
// keeps a session running for every linked account that may connect
// (connecting, connected, disconnected, banned or outdated) until ctx ends, then
// disconnects every client and returns nil. Accounts are re-read every
// Reload, and at once after a linking in this process.
func (m *Manager) Run(ctx context.Context) error {
	m.mu.Lock()
	if m.started {
		m.mu.Unlock()
		return errors.New("whatsapp manager: Run called twice")
	}
	m.started = true
	m.mu.Unlock()
	defer m.shutdown()
	m.useLatestWebVersion(ctx)
	tick := time.NewTicker(m.opts.Reload)
	defer tick.Stop()
	for {
		m.reload(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-m.wake:
		}
	}
}

// shutdown stops every session and linking and waits for them.
func (m *Manager) shutdown() {
	m.end()
	m.mu.Lock()
	m.stopped = true
	var all []*accountSession
	for id, s := range m.running {
		all = append(all, s)
		delete(m.running, id)
	}
	m.mu.Unlock()
	for _, s := range all {
		s.stop()
	}
	m.wg.Wait()
	m.log.Info("whatsapp sessions stopped", "count", len(all))
}

// runnable tells whether an account's connection should be running.
func runnable(a hub.WAAccount) bool {
	if a.JID == "" {
		return false
	}
	switch a.State {
	case hub.WAConnecting, hub.WAConnected, hub.WADisconnected, hub.WABanned, hub.WAOutdated:
		return true
	}
	return false
}

// reload starts the sessions of runnable accounts and stops those of
// accounts unlinked, relinked to another device or deleted.
func (m *Manager) reload(ctx context.Context) {
	lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	accounts, err := m.store.WAAccounts(lctx)
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			m.log.Warn("whatsapp: reload accounts", "error", err)
		}
		return
	}
	want := map[int64]hub.WAAccount{}
	for _, a := range accounts {
		if runnable(a) {
			want[a.ID] = a
		}
	}
	var stale []*accountSession
	m.mu.Lock()
	if ctx.Err() != nil {
		m.mu.Unlock()
		return
	}
	for id, s := range m.running {
		if m.held[id] {
			continue
		}
		if a, ok := want[id]; !ok || a.JID != s.jid {
			stale = append(stale, s)
			delete(m.running, id)
		} else {
			s.setAccount(a)
		}
	}
	for id, a := range want {
		if _, ok := m.running[id]; ok || m.held[id] {
			continue
		}
		s := newAccountSession(ctx, m, a)
		m.running[id] = s
		m.wg.Add(1)
		go s.run()
	}
	m.mu.Unlock()
	for _, s := range stale {
		m.log.Info("whatsapp session stopped: account unlinked or relinked", "account", s.accountName())
		s.stop()
	}
}

// wakeUp asks Run for a reload now (nothing happens when Run is not running).
func (m *Manager) wakeUp() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// forget drops a session that ended by itself (logged out, replaced, led
// by another instance), unless a newer one replaced it already.
func (m *Manager) forget(s *accountSession) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.running[s.id] == s {
		delete(m.running, s.id)
	}
}

// Client returns the account's client while this process runs its session.
func (m *Manager) Client(accountID int64) (Client, bool) {
	m.mu.Lock()
	s := m.running[accountID]
	m.mu.Unlock()
	if s == nil {
		return nil, false
	}
	c := s.currentClient()
	return c, c != nil
}

// holdAccount keeps reloads away from an account while it is linked or
// logged out; ErrBusy when something holds it already.
func (m *Manager) holdAccount(id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.held[id] {
		return ErrBusy
	}
	m.held[id] = true
	return nil
}

// releaseAccount ends a hold and reloads at once, so a freshly linked
// account connects without waiting for the next tick.
func (m *Manager) releaseAccount(id int64) {
	m.mu.Lock()
	delete(m.held, id)
	m.mu.Unlock()
	m.wakeUp()
}

// detach takes an account's running session out of the manager (the
// caller stops it or takes its client over); nil when none runs.
func (m *Manager) detach(id int64) *accountSession {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.running[id]
	delete(m.running, id)
	return s
}

// deliver hands an event to the options' Handler: a panic there is logged
// and reported as not handled (a message is then delivered again), never
// passed on to whatsmeow.
func (m *Manager) deliver(sess Session, evt any) (ok bool) {
	if m.opts.Handler == nil {
		return true
	}
	defer func() {
		if r := recover(); r != nil {
			m.log.Error("whatsapp event handler panicked", "account", sess.Account.Name, "event", fmt.Sprintf("%T", evt),
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			ok = false
		}
	}()
	return m.opts.Handler(sess, evt)
}

// Reconnect lets an account replaced by another session connect again:
// it is set connecting and the next reload runs it (at once in this process).
func (m *Manager) Reconnect(ctx context.Context, accountID int64) error {
	a, err := m.store.WAAccount(ctx, accountID)
	if err != nil {
		return fmt.Errorf("reconnect WhatsApp account %d: %w", accountID, err)
	}
	if a.JID == "" {
		return fmt.Errorf("reconnect WhatsApp account %q: %w", a.Name, ErrNotLinked)
	}
	if a.State != hub.WAReplaced {
		return fmt.Errorf("reconnect WhatsApp account %q: it is %s: %w", a.Name, a.State, ErrNotReplaced)
	}
	if _, err := m.store.SetWAAccountState(ctx, a.ID, hub.WAConnecting, "reconnect asked by staff", nil); err != nil {
		return err
	}
	m.log.Info("whatsapp account reconnect asked", "account", a.Name)
	m.wakeUp()
	return nil
}
