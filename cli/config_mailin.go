package cli

import (
	"flag"
	"net"
)

// MailIn is the built-in SMTP listener's part of Config (issue 21,
// email/inbound): it receives the replies and bounces sent to the
// addresses at MailOut.MailReplyDomain, behind the branch's MX or a relay.
type MailIn struct {
	SMTPListen   string // NARYAD_SMTP_LISTEN: listen address, e.g. 0.0.0.0:2525; empty = off
	SMTPMaxBytes int    // NARYAD_SMTP_MAX_BYTES: largest message taken (SIZE and DATA)
	SMTPTLSCert  string // NARYAD_SMTP_TLS_CERT: PEM certificate file for STARTTLS
	SMTPTLSKey   string // NARYAD_SMTP_TLS_KEY: PEM key file for STARTTLS
}

// mailInDefaults: the listener is off; 25 MiB is what the big mail
// providers send at most.
func mailInDefaults() MailIn { return MailIn{SMTPMaxBytes: 25 << 20} }

func bindMailIn(fs *flag.FlagSet, m *MailIn, env envReader) {
	fs.StringVar(&m.SMTPListen, "smtp-listen", env.str("NARYAD_SMTP_LISTEN", m.SMTPListen), "listen address of the built-in SMTP server for replies and bounces, e.g. 0.0.0.0:2525; empty = off (NARYAD_SMTP_LISTEN)")
	fs.IntVar(&m.SMTPMaxBytes, "smtp-max-bytes", env.integer("NARYAD_SMTP_MAX_BYTES", m.SMTPMaxBytes), "largest e-mail the SMTP listener takes (NARYAD_SMTP_MAX_BYTES)")
	fs.StringVar(&m.SMTPTLSCert, "smtp-tls-cert", env.str("NARYAD_SMTP_TLS_CERT", m.SMTPTLSCert), "PEM certificate file; with the key, the SMTP listener offers STARTTLS (NARYAD_SMTP_TLS_CERT)")
	fs.StringVar(&m.SMTPTLSKey, "smtp-tls-key", env.str("NARYAD_SMTP_TLS_KEY", m.SMTPTLSKey), "PEM private key file for STARTTLS (NARYAD_SMTP_TLS_KEY)")
}

func (m MailIn) validate(replyDomain string, add func(format string, args ...any)) {
	if m.SMTPListen != "" {
		if _, _, err := net.SplitHostPort(m.SMTPListen); err != nil {
			add("NARYAD_SMTP_LISTEN: %q is not host:port", m.SMTPListen)
		}
		if replyDomain == "" {
			add("NARYAD_MAIL_REPLY_DOMAIN: required with NARYAD_SMTP_LISTEN (the listener takes mail for that domain only)")
		}
	}
	if m.SMTPMaxBytes < 64<<10 {
		add("NARYAD_SMTP_MAX_BYTES: %d is below 65536", m.SMTPMaxBytes)
	}
	if (m.SMTPTLSCert == "") != (m.SMTPTLSKey == "") {
		add("NARYAD_SMTP_TLS_CERT, NARYAD_SMTP_TLS_KEY: set both or neither")
	}
}
