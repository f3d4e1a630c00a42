package email

import (
	"cmp"
	"context"
	"crypto/tls"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP security modes (NARYAD_SMTP_SECURITY).
const (
	SecurityStartTLS = "starttls" // plain connection upgraded with STARTTLS, which must be offered (port 587)
	SecurityTLS      = "tls"      // TLS from the first byte (port 465)
	SecurityNone     = "none"     // no encryption: a relay on the same host or network, or a test server
)

// SMTP is the deployment's outgoing mail server.
type SMTP struct {
	Host     string
	Port     int    // 0 = the security's usual port: 587, 465 or 25
	Security string // SecurityStartTLS (default), SecurityTLS or SecurityNone
	Username string // "" sends without logging in
	Password string
	// Timeout bounds connecting, the greeting, TLS and the login, and
	// each command after them when the caller's context has no earlier
	// deadline; default 30 s.
	Timeout time.Duration
	// TLSConfig overrides the TLS settings (tests with their own CA).
	TLSConfig *tls.Config
}

const defaultSMTPTimeout = 30 * time.Second

// transport speaks SMTP through go-mail's client: go-mail dials, says
// EHLO, upgrades to TLS and logs in; naryad then writes the envelope and
// the already rendered (and signed) bytes itself, because a signature
// must cover exactly the bytes sent and go-mail would render the message
// anew.
type transport struct {
	client  *gomail.Client
	timeout time.Duration
}

func newTransport(cfg SMTP) (*transport, error) {
	if cfg.Host == "" {
		return nil, fmt.Errorf("smtp: no host")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultSMTPTimeout
	}
	opts := []gomail.Option{gomail.WithTimeout(cfg.Timeout)}
	port := cfg.Port
	switch cfg.Security {
	case SecurityStartTLS, "":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		port = cmp.Or(port, 587)
	case SecurityTLS:
		opts = append(opts, gomail.WithSSL())
		port = cmp.Or(port, 465)
	case SecurityNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		port = cmp.Or(port, 25)
	default:
		return nil, fmt.Errorf("smtp: security %q is not one of starttls, tls, none", cfg.Security)
	}
	opts = append(opts, gomail.WithPort(port))
	if cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(cfg.TLSConfig))
	}
	if cfg.Username != "" {
		// The strongest mechanism the server offers; PLAIN and LOGIN
		// only over TLS (go-mail refuses them on a plain connection).
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	c, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	return &transport{client: c, timeout: cfg.Timeout}, nil
}

// send delivers one envelope over a connection of its own. Every step
// ends by ctx's deadline or the transport's timeout, whichever is first.
func (t *transport) send(ctx context.Context, env envelope) error {
	ctx, cancel := context.WithTimeout(ctx, 2*t.timeout)
	defer cancel()
	sc, err := t.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return classify(stageConnect, err)
	}
	defer func() { _ = t.client.CloseWithSMTPClient(sc) }()
	// go-mail's deadline covered the dial and the login; the rest of the
	// conversation gets what is left of ctx.
	if deadline, ok := ctx.Deadline(); ok {
		if err := sc.UpdateDeadline(time.Until(deadline)); err != nil {
			return classify(stageConnect, err)
		}
	}
	if err := sc.Mail("<" + env.From + ">"); err != nil {
		return classify(stageMailFrom, err)
	}
	if err := sc.Rcpt("<" + env.To + ">"); err != nil {
		return classify(stageRcptTo, err)
	}
	w, err := sc.Data()
	if err != nil {
		return classify(stageData, err)
	}
	if _, err := w.Write(env.Data); err != nil {
		_ = w.Close()
		return classify(stageData, err)
	}
	// The answer to the final dot is where a server refuses the content.
	return classify(stageData, w.Close())
}
