package app

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"log/slog"
	"time"

	"naryad/cli"
	"naryad/email"
	emailadmin "naryad/email/adminpage"
	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/store"
)

// The e-mail outbox (issue 21). An SMTP server that is down keeps a
// message for about 1.7 hours of backoff (the outbox's default 12
// attempts) before it fails or goes by SMS; one attempt is a whole SMTP
// conversation.
const (
	emailSendTimeout = time.Minute
	emailLease       = emailSendTimeout + time.Minute
	emailSMTPTimeout = 30 * time.Second // connecting, TLS, the login, each command
)

// mailOut is e-mail as a channel in this process: the addresses its
// e-mails answer to and, when an SMTP server is configured, the pool
// that sends them and the sender the admin's test e-mail goes through.
type mailOut struct {
	addrs  *hub.MailAddresses // nil: e-mail is off (no NARYAD_MAIL_REPLY_DOMAIN)
	sender *email.Sender      // nil: nothing is sent (no NARYAD_SMTP_HOST)
	pool   *outbox.Pool
}

// sendingAddresses is the hub's mail addresses when this hub sends
// e-mail, nil when it does not: what writers of e-mails (the reminders)
// are given, so nothing queues an e-mail no outbox would send.
func (m *mailOut) sendingAddresses() *hub.MailAddresses {
	if m.sender == nil {
		return nil
	}
	return m.addrs
}

// newMailOut builds the e-mail channel from the settings; smsQueued wakes
// the SMS outbox when an e-mail falls back to SMS.
func newMailOut(cfg *cli.Config, st *store.Store, secret string, links *hub.Links, smsQueued func(), log *slog.Logger) (*mailOut, error) {
	m := &mailOut{}
	if cfg.MailReplyDomain == "" {
		if cfg.SMTPHost != "" {
			return nil, fmt.Errorf("e-mail: NARYAD_SMTP_HOST needs NARYAD_MAIL_REPLY_DOMAIN")
		}
		return m, nil
	}
	addrs, err := hub.NewMailAddresses(secret, cfg.MailReplyDomain)
	if err != nil {
		return nil, fmt.Errorf("e-mail: %w", err)
	}
	m.addrs = addrs
	if cfg.SMTPHost == "" {
		return m, nil
	}
	sealer, err := hub.NewSealer(secret)
	if err != nil {
		return nil, fmt.Errorf("e-mail: %w", err)
	}
	m.sender, err = email.NewSender(st, email.Options{
		SMTP: email.SMTP{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Security: cfg.SMTPSecurity,
			Username: cfg.SMTPUsername, Password: cfg.SMTPPassword, Timeout: emailSMTPTimeout},
		Addresses: addrs, DefaultFrom: cfg.MailFrom, Sealer: sealer, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	m.pool, err = outbox.New(st, map[string]outbox.Sender{hub.ChannelEmail: m.sender}, outbox.Options{
		Workers: cfg.OutboxWorkers, SendTimeout: emailSendTimeout, Lease: emailLease, Logger: log,
		Reroute: email.NewFallback(st, links, email.FallbackOptions{Logger: log, Queued: smsQueued}),
	})
	if err != nil {
		return nil, fmt.Errorf("e-mail outbox: %w", err)
	}
	log.Info("e-mail configured", "smtp_host", cfg.SMTPHost, "smtp_security", cfg.SMTPSecurity, "reply_domain", addrs.Domain())
	return m, nil
}

// wake asks the e-mail outbox to look for work now.
func (m *mailOut) wake() {
	if m != nil && m.pool != nil {
		m.pool.Wake()
	}
}

// MailAddresses is the hub's one maker of reply and bounce addresses, nil
// when e-mail is off (no NARYAD_MAIL_REPLY_DOMAIN): the reminders and the
// inbound listener take it from here.
func (s *Server) MailAddresses() *hub.MailAddresses { return s.mail.addrs }

// newMailPage is /admin/email, a branch's sender. It is there even when
// this hub sends nothing, so the settings can be made ready; its test
// e-mail then says that sending is off.
func newMailPage(cfg *cli.Config, st *store.Store, secret string, m *mailOut, requireStaff func(roles ...string) fiber.Handler, log *slog.Logger) (*emailadmin.Handler, error) {
	sealer, err := hub.NewSealer(secret)
	if err != nil {
		return nil, fmt.Errorf("e-mail page: %w", err)
	}
	var tester emailadmin.Tester // a nil interface without a sender, not a nil *email.Sender
	if m.sender != nil {
		tester = m.sender
	}
	return emailadmin.New(st, requireStaff, emailadmin.Options{Logger: log, Sealer: sealer, Tester: tester, DefaultFrom: cfg.MailFrom})
}
