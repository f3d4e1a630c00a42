// Package inbound is naryad's built-in SMTP listener (issue 21): it takes
// the mail sent to the addresses of hub.MailAddresses, for use behind the
// branch's MX or a relay. A customer's reply to a thread's address lands in
// that thread (reply.go); a bounce to a message's VERP address fails that
// message (bounce.go). Every other recipient is refused at RCPT, so the
// listener is no open relay and keeps no mailbox.
package inbound

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/emersion/go-smtp"

	"naryad/hub"
	"naryad/hub/reply"
	"naryad/hub/store"
)

// Fallback queues by SMS the words of an e-mail that bounced for good, for
// a branch whose e-mail settings ask for it (hub.BranchEmailSettings.
// SMSFallback). The outbound e-mail side owns it; nil writes a log line.
type Fallback interface {
	EmailFailed(ctx context.Context, messageID int64) error
}

// Options configure the listener; zero values take the defaults.
type Options struct {
	// Domain is the name the listener greets with (the reply domain).
	Domain string
	// MaxBytes bounds one message (SIZE and DATA): 25 MiB.
	MaxBytes int64
	// MaxFileBytes bounds one attachment kept (the customer page's upload
	// limit); a bigger one is left out with a note. 20 MiB.
	MaxFileBytes int64
	// MaxRecipients per message: 10. A reply goes to one thread address.
	MaxRecipients int
	// ReadTimeout, WriteTimeout per SMTP command and answer: 2 minutes.
	ReadTimeout, WriteTimeout time.Duration
	// TLS enables STARTTLS when set.
	TLS *tls.Config
	// OptOut are the STOP/START words (a reply "STOP" works as by SMS).
	OptOut reply.OptOutWords
	// Fallback sends a hard-bounced e-mail's words by SMS; optional.
	Fallback Fallback
	// Queued wakes the outbox after something was queued.
	Queued func()
	Logger *slog.Logger
}

// Listener is the SMTP server.
type Listener struct {
	st       *store.Store
	media    *hub.Media
	addrs    *hub.MailAddresses
	opts     Options
	log      *slog.Logger
	srv      *smtp.Server
	maxBytes int64
}

// storeTimeout bounds the database work for one message: the sending
// server waits for the answer to DATA.
const storeTimeout = 30 * time.Second

// New builds the listener; Serve or Run start it.
func New(st *store.Store, media *hub.Media, addrs *hub.MailAddresses, opts Options) (*Listener, error) {
	if st == nil || media == nil || addrs == nil {
		return nil, errors.New("email inbound: store, media and mail addresses are required")
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 25 << 20
	}
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = 20 << 20
	}
	if opts.MaxRecipients <= 0 {
		opts.MaxRecipients = 10
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = 2 * time.Minute
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 2 * time.Minute
	}
	if opts.Domain == "" {
		opts.Domain = addrs.Domain()
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Queued == nil {
		opts.Queued = func() {}
	}
	l := &Listener{st: st, media: media, addrs: addrs, opts: opts, log: opts.Logger.With("component", "email-inbound"), maxBytes: opts.MaxBytes}
	srv := smtp.NewServer(smtp.BackendFunc(l.newSession))
	srv.Domain = opts.Domain
	srv.MaxMessageBytes = opts.MaxBytes
	srv.MaxRecipients = opts.MaxRecipients
	srv.ReadTimeout, srv.WriteTimeout = opts.ReadTimeout, opts.WriteTimeout
	srv.TLSConfig = opts.TLS
	srv.ErrorLog = slogPrinter{l.log}
	l.srv = srv
	return l, nil
}

// LoadTLS reads the STARTTLS certificate and key files; nil, nil when
// neither is set.
func LoadTLS(certFile, keyFile string) (*tls.Config, error) {
	if certFile == "" && keyFile == "" {
		return nil, nil
	}
	if certFile == "" || keyFile == "" {
		return nil, errors.New("email inbound: STARTTLS needs both a certificate and a key file")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("email inbound: load STARTTLS certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// Run serves on ln until ctx ends, then lets open sessions finish for up
// to 10 seconds and closes the rest.
func (l *Listener) Run(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- l.srv.Serve(ln) }()
	l.log.Info("smtp listening", "addr", ln.Addr().String(), "starttls", l.opts.TLS != nil, "max_bytes", l.maxBytes)
	select {
	case err := <-errc:
		if err == nil || errors.Is(err, smtp.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("email inbound: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := l.srv.Shutdown(sctx); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		l.log.Warn("smtp shutdown", "error", err)
		_ = l.srv.Close()
	}
	// A Shutdown that came before Serve had registered ln found nothing
	// to close; closing ln ends such a Serve at its first Accept.
	_ = ln.Close()
	<-errc
	return nil
}

// slogPrinter gives go-smtp's error log to slog.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Printf(format string, v ...any) { p.log.Warn(fmt.Sprintf(format, v...)) }
func (p slogPrinter) Println(v ...any)               { p.log.Warn(fmt.Sprint(v...)) }

// The answers naryad gives, with their enhanced codes (RFC 3463).
var (
	errNoSuchUser  = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such recipient here"}
	errTryLater    = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, try again later"}
	errUnreadable  = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Message header could not be read"}
	errLineTooLong = &smtp.SMTPError{Code: 500, EnhancedCode: smtp.EnhancedCode{5, 5, 2}, Message: "Line too long"}
)

// readData reads DATA, turning go-smtp's read errors into its answers.
func (l *Listener) readData(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(r)
	var se *smtp.SMTPError
	switch {
	case err == nil:
		return b, nil
	case errors.As(err, &se):
		return nil, se // too large: 552
	case errors.Is(err, smtp.ErrTooLongLine):
		return nil, errLineTooLong
	}
	return nil, fmt.Errorf("read message: %w", err)
}
