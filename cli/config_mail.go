package cli

import (
	"flag"
	"net/mail"
	"strings"
)

// MailOut is how the hub sends e-mail: the deployment's SMTP server (a
// relay or a mail provider's submission port) and the reply domain of
// every e-mail's Reply-To and bounce address. E-mail is off without
// NARYAD_MAIL_REPLY_DOMAIN, and nothing is sent without NARYAD_SMTP_HOST.
type MailOut struct {
	SMTPHost        string // NARYAD_SMTP_HOST; empty = no e-mail is sent
	SMTPPort        int    // NARYAD_SMTP_PORT; 0 = the security's usual port (587, 465, 25)
	SMTPSecurity    string // NARYAD_SMTP_SECURITY: starttls | tls | none
	SMTPUsername    string // NARYAD_SMTP_USERNAME; empty = no login
	SMTPPassword    string // NARYAD_SMTP_PASSWORD(_FILE)
	MailFrom        string // NARYAD_MAIL_FROM: sender of a branch without its own
	MailReplyDomain string // NARYAD_MAIL_REPLY_DOMAIN: domain of the reply and bounce addresses
}

// bindMailOut registers the e-mail settings.
func (c *Config) bindMailOut(fs *flag.FlagSet, env envReader) {
	fs.StringVar(&c.SMTPHost, "smtp-host", env.str("NARYAD_SMTP_HOST", c.SMTPHost), "SMTP server that sends the e-mails; empty = none are sent (NARYAD_SMTP_HOST)")
	fs.IntVar(&c.SMTPPort, "smtp-port", env.integer("NARYAD_SMTP_PORT", c.SMTPPort), "SMTP port; 0 = 587 for starttls, 465 for tls, 25 for none (NARYAD_SMTP_PORT)")
	fs.StringVar(&c.SMTPSecurity, "smtp-security", env.str("NARYAD_SMTP_SECURITY", c.SMTPSecurity), "starttls (required STARTTLS), tls (TLS from the start) or none (NARYAD_SMTP_SECURITY)")
	fs.StringVar(&c.SMTPUsername, "smtp-username", env.str("NARYAD_SMTP_USERNAME", c.SMTPUsername), "SMTP login; empty = none (NARYAD_SMTP_USERNAME)")
	fs.StringVar(&c.SMTPPassword, "smtp-password", env.secret("NARYAD_SMTP_PASSWORD", c.SMTPPassword), "SMTP password (NARYAD_SMTP_PASSWORD, NARYAD_SMTP_PASSWORD_FILE)")
	fs.StringVar(&c.MailFrom, "mail-from", env.str("NARYAD_MAIL_FROM", c.MailFrom), "sender address of a branch without its own, e.g. serwis@example.pl (NARYAD_MAIL_FROM)")
	fs.StringVar(&c.MailReplyDomain, "mail-reply-domain", env.str("NARYAD_MAIL_REPLY_DOMAIN", c.MailReplyDomain), "domain of the e-mails' reply and bounce addresses, received by naryad's SMTP listener; e-mail is off without it (NARYAD_MAIL_REPLY_DOMAIN)")
}

// validateMailOut adds a line for each problem of the e-mail settings.
func (c *Config) validateMailOut(add func(format string, args ...any)) {
	switch c.SMTPSecurity {
	case "starttls", "tls", "none":
	default:
		add("NARYAD_SMTP_SECURITY: %q is not one of starttls, tls, none", c.SMTPSecurity)
	}
	if c.SMTPPort < 0 || c.SMTPPort > 65535 {
		add("NARYAD_SMTP_PORT: %d is not a port (1-65535, or 0 for the usual one)", c.SMTPPort)
	}
	if c.SMTPHost != "" && strings.ContainsAny(c.SMTPHost, " /:@") {
		add("NARYAD_SMTP_HOST: %q is not a host name (give the port in NARYAD_SMTP_PORT)", c.SMTPHost)
	}
	if c.SMTPHost != "" && c.MailReplyDomain == "" {
		add("NARYAD_MAIL_REPLY_DOMAIN: required with NARYAD_SMTP_HOST (the Reply-To and bounce addresses of every e-mail)")
	}
	if c.SMTPUsername != "" && c.SMTPPassword == "" {
		add("NARYAD_SMTP_PASSWORD: required with NARYAD_SMTP_USERNAME")
	}
	if c.SMTPPassword != "" && c.SMTPUsername == "" {
		add("NARYAD_SMTP_USERNAME: required with NARYAD_SMTP_PASSWORD")
	}
	if c.MailFrom != "" {
		if a, err := mail.ParseAddress(c.MailFrom); err != nil || a.Name != "" || a.Address != strings.TrimSpace(c.MailFrom) {
			add("NARYAD_MAIL_FROM: %q is not a bare e-mail address like serwis@example.pl", c.MailFrom)
		}
	}
	if c.MailReplyDomain != "" && !isDomain(c.MailReplyDomain) {
		add("NARYAD_MAIL_REPLY_DOMAIN: %q is not a domain like reply.example.pl", c.MailReplyDomain)
	}
}

// isDomain accepts a DNS name of at least two labels: letters, digits and
// inner hyphens, 63 characters a label.
func isDomain(s string) bool {
	labels := strings.Split(s, ".")
	if len(s) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
