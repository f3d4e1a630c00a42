package whatsapp

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	wastore "go.mau.fi/whatsmeow/store"

	"naryad/hub"
)

// accountSession runs one account's connection: it connects, waits for
// what whatsmeow reports, and reconnects with backoff or waits out a ban.
// whatsmeow's event goroutine only records states and raises signals (see
// account_events.go); every wait happens here, on the session's goroutine.
type accountSession struct {
	m      *Manager
	id     int64
	jid    string // the device this session runs; a relinked account gets a new session
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	wakeC  chan struct{} // a signal is pending

	mu      sync.Mutex
	account hub.WAAccount
	client  Client
	device  *wastore.Device
	pending sessionSignal // strongest signal not acted on yet
	keep    bool          // Logout took the client over: leave it connected
	ended   bool          // the session no longer handles connection events
	forget  bool          // logged out: delete the device's session when the session ends
	online  bool          // logged in since the last reconnect: the backoff starts again
	// redeliveries counts the reconnects for redelivery since a message
	// was last stored: their backoff attempt.
	redeliveries int
}

// sessionSignal is what the event goroutine asks the session goroutine to do;
// a stronger one wins over a weaker one still pending.
type sessionSignal struct {
	kind  signalKind
	until time.Time // sigBanned: when the ban ends (zero: not said)
}

type signalKind int

const (
	sigNone      signalKind = iota
	sigLost                 // the connection is gone: reconnect after backoff
	sigRedeliver            // a message could not be stored: reconnect so WhatsApp delivers it again
	sigBanned               // temporarily banned: reconnect after the ban
	sigOutdated             // WhatsApp refuses this client version: try again after OutdatedRetry
	sigEnd                  // logged out or replaced: the session ends
)

func newAccountSession(parent context.Context, m *Manager, a hub.WAAccount) *accountSession {
	ctx, cancel := context.WithCancel(parent)
	return &accountSession{m: m, id: a.ID, jid: a.JID, account: a, ctx: ctx, cancel: cancel,
		done: make(chan struct{}), wakeC: make(chan struct{}, 1)}
}

// run is the session goroutine.
func (s *accountSession) run() {
	m := s.m
	defer m.wg.Done()
	defer close(s.done)
	defer m.forget(s)
	defer func() {
		if r := recover(); r != nil {
			m.log.Error("whatsapp session panicked; it restarts at the next reload", "account", s.accountName(),
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	release, ok, err := m.sessions.lockAccount(s.ctx, s.id)
	if err != nil {
		m.log.Warn("whatsapp session not started; retried at the next reload", "account", s.accountName(), "error", err)
		return
	}
	if !ok {
		m.log.Debug("whatsapp account runs in another instance", "account", s.accountName())
		return
	}
	defer release()
	device, ok := s.loadDevice()
	if !ok {
		return
	}
	cli := m.newClient(device)
	cli.AddEventHandlerWithSuccessStatus(s.handle)
	s.mu.Lock()
	s.client, s.device = cli, device
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		keep, forget := s.keep, s.forget
		s.ended = true
		s.mu.Unlock()
		if !keep {
			cli.Disconnect()
		}
		if forget {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), 10*time.Second)
			defer cancel()
			if err := m.sessions.Delete(ctx, s.jid); err != nil {
				m.log.Warn("whatsapp: delete logged-out session", "account", s.accountName(), "error", err)
			}
		}
	}()
	m.log.Info("whatsapp session started", "account", s.accountName(), "jid", s.jid)
	s.connectLoop(cli)
}

// loadDevice opens the account's device, retrying database errors with
// backoff; a device that is gone means the phone must be linked again.
func (s *accountSession) loadDevice() (*wastore.Device, bool) {
	for attempt := 1; ; attempt++ {
		device, err := s.m.sessions.Device(s.ctx, s.jid)
		if err == nil && device != nil {
			return device, true
		}
		if err == nil {
			s.m.setState(s.currentAccount(), s.jid, sessionGone())
			return nil, false
		}
		s.m.log.Warn("whatsapp: load session", "account", s.accountName(), "attempt", attempt, "error", err)
		if !s.sleep(s.m.opts.Backoff(attempt)) {
			return nil, false
		}
	}
}

// connectLoop connects, then acts on what the connection reports, until
// the session ends.
func (s *accountSession) connectLoop(cli Client) {
	m := s.m
	attempt := 0
	if a := s.currentAccount(); a.State == hub.WABanned && a.BanExpiresAt != nil {
		// Started during a ban (the hub restarted): wait it out first.
		if !s.waitBan(*a.BanExpiresAt, &attempt) {
			return
		}
	}
	for {
		if err := cli.Connect(); err != nil {
			attempt++
			m.log.Warn("whatsapp connect failed", "account", s.accountName(), "attempt", attempt, "error", err)
			m.setState(s.currentAccount(), s.jid, connectFailed(err))
			if !s.sleep(m.opts.Backoff(attempt)) {
				return
			}
			continue
		}
		sig, ok := s.await()
		if !ok {
			return
		}
		switch sig.kind {
		case sigEnd:
			return
		case sigLost:
			cli.Disconnect()
			if s.wasOnline() {
				attempt = 0
			}
			attempt++
			if !s.sleep(m.opts.Backoff(attempt)) {
				return
			}
		case sigRedeliver:
			cli.Disconnect()
			wait := m.opts.Backoff(s.redeliveryAttempt())
			m.log.Warn("whatsapp: a message could not be stored; reconnecting so WhatsApp delivers it again",
				"account", s.accountName(), "in", wait)
			if !s.sleep(wait) {
				return
			}
		case sigBanned:
			cli.Disconnect()
			if !s.waitBan(sig.until, &attempt) {
				return
			}
		case sigOutdated:
			cli.Disconnect()
			if !s.sleep(m.opts.OutdatedRetry) {
				return
			}
		}
	}
}

// await waits for a signal to act on; false when the session must stop.
func (s *accountSession) await() (sessionSignal, bool) {
	for {
		select {
		case <-s.ctx.Done():
			return sessionSignal{}, false
		case <-s.wakeC:
			if sig := s.take(); sig.kind != sigNone {
				return sig, true
			}
		}
	}
}

// waitBan waits until the ban's end, re-reading the clock every Reload so
// the wait follows the clock rather than a timer set hours ago; a ban of
// unknown length is retried with backoff.
func (s *accountSession) waitBan(until time.Time, attempt *int) bool {
	if until.IsZero() {
		*attempt++
		return s.sleep(s.m.opts.Backoff(*attempt))
	}
	for {
		left := until.Sub(s.m.opts.Now())
		if left <= 0 {
			*attempt = 0
			return true
		}
		if !s.sleep(min(left, s.m.opts.Reload)) {
			return false
		}
	}
}

// sleep waits d; false when the session must stop (its context ended or it
// was logged out or replaced meanwhile).
func (s *accountSession) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return false
		case <-t.C:
			return true
		case <-s.wakeC:
			s.mu.Lock()
			ending := s.pending.kind == sigEnd
			s.mu.Unlock()
			if ending {
				return false
			}
		}
	}
}

// raise records a signal from the event goroutine without blocking it.
func (s *accountSession) raise(sig sessionSignal) {
	s.mu.Lock()
	if sig.kind >= s.pending.kind {
		s.pending = sig
	}
	s.mu.Unlock()
	select {
	case s.wakeC <- struct{}{}:
	default:
	}
}

// loggedIn notes a login (events.Connected), so the next loss starts the
// backoff from the first attempt again.
func (s *accountSession) loggedIn() {
	s.mu.Lock()
	s.online = true
	s.mu.Unlock()
}

// wasOnline tells whether the session logged in since it was last asked.
func (s *accountSession) wasOnline() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	online := s.online
	s.online = false
	return online
}

// messageHandled notes the outcome of storing a message: a failure asks
// the session to reconnect (WhatsApp delivers an unacknowledged message
// again, and the decrypted-event buffer keeps it readable, see
// NewWhatsmeowClient); a success ends a run of such reconnects.
func (s *accountSession) messageHandled(ok bool) {
	if !ok {
		s.raise(sessionSignal{kind: sigRedeliver})
		return
	}
	s.mu.Lock()
	s.redeliveries = 0
	s.mu.Unlock()
}

// redeliveryAttempt counts a reconnect for redelivery and returns its
// backoff attempt: it grows with every reconnect after which storing still
// failed (a database that is down is not hammered), however many messages
// failed in each, and starts again once a message is stored.
func (s *accountSession) redeliveryAttempt() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.redeliveries++
	return s.redeliveries
}

// take returns the pending signal and clears it.
func (s *accountSession) take() sessionSignal {
	s.mu.Lock()
	defer s.mu.Unlock()
	sig := s.pending
	s.pending = sessionSignal{}
	return sig
}

// stop ends the session (disconnecting its client) and waits for it.
func (s *accountSession) stop() {
	s.cancel()
	<-s.done
}

// takeOver ends the session but leaves its client connected, for Logout to
// log out through; nil when the session had no client yet.
func (s *accountSession) takeOver() Client {
	s.mu.Lock()
	s.keep, s.ended = true, true
	s.mu.Unlock()
	s.stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.client
}

func (s *accountSession) setAccount(a hub.WAAccount) {
	s.mu.Lock()
	s.account = a
	s.mu.Unlock()
}

func (s *accountSession) currentAccount() hub.WAAccount {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.account
}

func (s *accountSession) accountName() string { return s.currentAccount().Name }

func (s *accountSession) currentClient() Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.client
}
