package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"naryad/cli"
	"naryad/email"
	"naryad/email/inbound"
	"naryad/hub"
	"naryad/hub/reply"
	"naryad/hub/store"
)

var _ inbound.Fallback = (*email.Fallback)(nil)

// mailIn is the built-in SMTP listener for replies and bounces, with the
// address it listens on; nil when NARYAD_SMTP_LISTEN is empty.
type mailIn struct {
	listener *inbound.Listener
	addr     string
}

// newMailIn builds the listener (email/inbound) when NARYAD_SMTP_LISTEN is
// set. A customer's reply is kept to the customer page's upload limit per
// attachment; STOP works by e-mail as by SMS. A hard bounce on a branch
// with sms_fallback sends the e-mail's words by SMS (email.Fallback), with
// the customer's page link.
func newMailIn(cfg *cli.Config, st *store.Store, media *hub.Media, links *hub.Links, out *mailOut, queued func(), log *slog.Logger) (*mailIn, error) {
	if cfg.SMTPListen == "" {
		return nil, nil
	}
	addrs := out.addrs
	if addrs == nil {
		return nil, fmt.Errorf("NARYAD_SMTP_LISTEN: needs NARYAD_MAIL_REPLY_DOMAIN")
	}
	tlsConf, err := inbound.LoadTLS(cfg.SMTPTLSCert, cfg.SMTPTLSKey)
	if err != nil {
		return nil, err
	}
	l, err := inbound.New(st, media, addrs, inbound.Options{
		MaxBytes: int64(cfg.SMTPMaxBytes), MaxFileBytes: int64(cfg.UploadMaxBytes), TLS: tlsConf,
		OptOut: reply.NewOptOutWords(cfg.OptOutList()), Queued: queued, Logger: log,
		// The listener wakes the outboxes (Queued) after the fallback.
		Fallback: email.NewFallback(st, links, email.FallbackOptions{Logger: log}),
	})
	if err != nil {
		return nil, err
	}
	return &mailIn{listener: l, addr: cfg.SMTPListen}, nil
}

// listen opens the SMTP socket; a port that cannot be had stops `serve`
// as the HTTP port does.
func (m *mailIn) listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", m.addr)
	if err != nil {
		return nil, fmt.Errorf("smtp listen on %s: %w", m.addr, err)
	}
	return ln, nil
}

// run serves until ctx ends (the hub's shutdown), then lets open sessions
// finish briefly.
func (m *mailIn) run(ctx context.Context, ln net.Listener, log *slog.Logger) {
	if err := m.listener.Run(ctx, ln); err != nil {
		log.Error("smtp listener stopped", "error", err)
	}
}
