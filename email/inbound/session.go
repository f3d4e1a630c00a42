package inbound

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"

	"github.com/emersion/go-smtp"

	"naryad/hub/store"
)

// target is one accepted recipient: a thread's reply address or a
// message's bounce address.
type target struct {
	addr      string
	threadID  int64 // a reply
	messageID int64 // a bounce
}

// session is one SMTP transaction's state.
type session struct {
	l       *Listener
	remote  string
	from    string
	targets []target
}

func (l *Listener) newSession(c *smtp.Conn) (smtp.Session, error) {
	remote := ""
	if c != nil && c.Conn() != nil {
		remote = c.Conn().RemoteAddr().String()
	}
	return &session{l: l, remote: remote}, nil
}

func (s *session) Reset()        { s.from, s.targets = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	s.from = from
	return nil
}

// Rcpt accepts only the addresses naryad made: a reply address of a thread
// that exists, or a bounce address. Anything else is 550 5.1.1 here, before
// any data is sent.
func (s *session) Rcpt(to string, opts *smtp.RcptOptions) error {
	if id, ok := s.l.addrs.ParseThreadReply(to); ok {
		ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		defer cancel()
		if _, err := s.l.st.Thread(ctx, id); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				s.log().Info("smtp: reply to a thread that is gone", "rcpt", to, "thread_id", id)
				return errNoSuchUser
			}
			s.log().Error("smtp: look up thread", "thread_id", id, "error", err)
			return errTryLater
		}
		s.targets = append(s.targets, target{addr: to, threadID: id})
		return nil
	}
	if id, ok := s.l.addrs.ParseBounce(to); ok {
		s.targets = append(s.targets, target{addr: to, messageID: id})
		return nil
	}
	s.log().Info("smtp: recipient refused", "rcpt", strings.ToValidUTF8(to, "?"))
	return errNoSuchUser
}

// Data stores the message for each recipient. A failure to store answers
// 451, so the sending server tries again; a copy that is already stored
// is not stored twice.
func (s *session) Data(r io.Reader) error {
	raw, err := s.l.readData(r)
	if err != nil {
		s.log().Info("smtp: message not read", "error", err)
		return err
	}
	msg, err := parseMessage(raw, s.l.opts.MaxFileBytes)
	if err != nil {
		s.log().Info("smtp: message refused", "error", err)
		return errUnreadable
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	for _, t := range s.targets {
		if t.threadID != 0 {
			err = s.l.storeReply(ctx, t.threadID, raw, msg)
		} else {
			err = s.l.handleBounce(ctx, t.messageID, msg)
		}
		if err != nil {
			s.log().Error("smtp: message not stored", "rcpt", t.addr, "error", err)
			return errTryLater
		}
	}
	return nil
}

func (s *session) log() *slog.Logger {
	return s.l.log.With("remote", s.remote, "from", strings.ToValidUTF8(s.from, "?"))
}
