package whatsapp

import (
	"fmt"
	"runtime/debug"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types/events"

	"naryad/hub"
)

// handle is the one handler a session registers with whatsmeow. It runs on
// whatsmeow's event goroutine: connection events are recorded (short
// database writes) and signalled to the session goroutine, then every
// event goes to the options' Handler, whose answer is whatsmeow's ack.
func (s *accountSession) handle(evt any) bool {
	func() {
		defer func() {
			if r := recover(); r != nil {
				s.m.log.Error("whatsapp connection event handling panicked", "account", s.accountName(),
					"event", fmt.Sprintf("%T", evt), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			}
		}()
		s.onConnectionEvent(evt)
	}()
	s.mu.Lock()
	sess := Session{Account: s.account, Client: s.client, Device: s.device}
	ended := s.ended
	s.mu.Unlock()
	ok := s.m.deliver(sess, evt)
	if _, isMessage := evt.(*events.Message); isMessage && !ended {
		s.messageHandled(ok)
	}
	return ok
}

// onConnectionEvent turns whatsmeow's connection events into the account's
// state, staff alerts and signals. None of them ever stops the process.
func (s *accountSession) onConnectionEvent(evt any) {
	s.mu.Lock()
	acc, ended := s.account, s.ended
	s.mu.Unlock()
	if ended {
		return // a session that ended (or a client Logout took over) records nothing
	}
	m := s.m
	switch e := evt.(type) {
	case *events.Connected:
		s.loggedIn()
		m.setState(acc, s.jid, stateChange{state: hub.WAConnected})
	case *events.Disconnected:
		m.setState(acc, s.jid, stateChange{state: hub.WADisconnected, detail: "connection lost; reconnecting"})
		s.raise(sessionSignal{kind: sigLost})
	case *events.KeepAliveTimeout:
		// whatsmeow gives up on a silent connection only when it reconnects
		// by itself; here the session does (see NewWhatsmeowClient).
		if time.Since(e.LastSuccess) < whatsmeow.KeepAliveMaxFailTime {
			return
		}
		m.setState(acc, s.jid, stateChange{state: hub.WADisconnected,
			detail: fmt.Sprintf("no answer from WhatsApp for %s; reconnecting", time.Since(e.LastSuccess).Round(time.Second))})
		s.raise(sessionSignal{kind: sigLost})
	case *events.LoggedOut:
		s.mu.Lock()
		s.forget = true
		s.mu.Unlock()
		m.setState(acc, s.jid, loggedOut(e.Reason.String()))
		s.raise(sessionSignal{kind: sigEnd})
	case *events.TemporaryBan:
		var until *time.Time
		if e.Expire > 0 {
			t := m.opts.Now().Add(e.Expire)
			until = &t
		}
		m.setState(acc, s.jid, banned(e.Code.String(), until))
		sig := sessionSignal{kind: sigBanned}
		if until != nil {
			sig.until = *until
		}
		s.raise(sig)
	case *events.StreamReplaced:
		m.setState(acc, s.jid, replaced())
		s.raise(sessionSignal{kind: sigEnd})
	case *events.ConnectFailure:
		if e.Reason == events.ConnectFailureClientOutdated {
			s.refusedAsOutdated(acc)
			return
		}
		m.setState(acc, s.jid, cannotConnect(fmt.Sprintf("WhatsApp refused the connection (%s)", describeFailure(e))))
		s.raise(sessionSignal{kind: sigLost})
	case *events.ClientOutdated:
		s.refusedAsOutdated(acc)
	case *events.PairPasskeyRequest, *events.PairPasskeyConfirmation, *events.PairPasskeyError:
		// Only a linking asks for a passkey (see link.go); a linked session
		// has nothing to answer and goes on.
		m.log.Warn("whatsapp: WhatsApp asked a linked session for a passkey; ignored", "account", acc.Name,
			"event", fmt.Sprintf("%T", evt))
	}
}

// refusedAsOutdated records WhatsApp's 405: the account shows it, staff
// get a task, and the session waits OutdatedRetry before it tries again
// (the version does not change by retrying sooner).
func (s *accountSession) refusedAsOutdated(acc hub.WAAccount) {
	s.m.log.Error("whatsapp: WhatsApp refuses this client version (405 client outdated)", "account", acc.Name,
		"version", describeVersion())
	s.m.setState(acc, s.jid, outdated(s.m.opts.OutdatedRetry))
	s.raise(sessionSignal{kind: sigOutdated})
}

func describeFailure(e *events.ConnectFailure) string {
	if e.Message != "" {
		return e.Reason.String() + ", " + e.Message
	}
	return e.Reason.String()
}
