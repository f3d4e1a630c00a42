// Package cli is naryad's command line, shared by the hub and the kiosk:
// the Command type every subcommand is, and the settings read from NARYAD_*
// environment variables and their flag equivalents (a flag wins over the
// environment), with every default in one struct, validated at start-up.
// It is a leaf: it imports no naryad package, so the locker's commands use
// it without depending on the hub.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is every setting of the hub. Zero values are never used: Defaults
// fills them and Bind lets the environment and flags override.
type Config struct {
	Addr        string // NARYAD_ADDR
	DataDir     string // NARYAD_DATA_DIR
	DatabaseURL string // NARYAD_DATABASE_URL; empty = embedded SQLite in DataDir
	PublicURL   string // NARYAD_PUBLIC_URL; base of magic links
	Secret      string // NARYAD_SECRET(_FILE); empty = generated into DataDir

	SMSProvider      string // NARYAD_SMS_PROVIDER: log | twilio
	TwilioAccountSID string // NARYAD_TWILIO_ACCOUNT_SID
	TwilioAuthToken  string // NARYAD_TWILIO_AUTH_TOKEN(_FILE)
	TwilioFrom       string // NARYAD_TWILIO_FROM: sender number or messaging service SID
	TwilioBaseURL    string // NARYAD_TWILIO_BASE_URL: API root, changed only in tests

	StripeBaseURL   string // NARYAD_STRIPE_BASE_URL: Stripe's API root, changed only in tests (stripe-mock)
	YooKassaBaseURL string // NARYAD_YOOKASSA_BASE_URL: YooKassa's API root, changed only in tests

	DMSMaxBodyBytes   int           // NARYAD_DMS_MAX_BODY_BYTES
	UploadMaxBytes    int           // NARYAD_UPLOAD_MAX_BYTES: largest file a customer may send
	CustomerRateLimit int           // NARYAD_CUSTOMER_RATE_LIMIT: requests per minute per IP under /c/
	LinkTTL           time.Duration // NARYAD_LINK_TTL: magic link lifetime after hand-over
	LoginWait         time.Duration // NARYAD_LOGIN_WAIT: how long a sign-in waits for a password check before "busy"
	OutboxWorkers     int           // NARYAD_OUTBOX_WORKERS
	OutboxMaxAttempts int           // NARYAD_OUTBOX_MAX_ATTEMPTS
	DebugAddr         string        // NARYAD_DEBUG_ADDR: Go profiler (pprof) listener; empty = off
	TrustedProxies    string        // NARYAD_TRUSTED_PROXIES: comma-separated IPs/CIDRs whose X-Forwarded-For is believed
	LogLevel          string        // NARYAD_LOG_LEVEL: debug | info | warn | error
	LogFormat         string        // NARYAD_LOG_FORMAT: text | json
	OptOutWords       string        // NARYAD_OPTOUT_WORDS: comma-separated replies that stop reminders

	// The key locker (see package locker). `naryad kiosk` drives the boards on
	// LockerPort and syncs with the hub at KioskHub; `naryad serve` runs the
	// same module in process when LockerPort is set.
	LockerPort  string // NARYAD_LOCKER_PORT: serial device of the lock boards, e.g. /dev/ttyUSB0 or COM3
	LockerToken string // NARYAD_LOCKER_TOKEN(_FILE): the site's kiosk token from `naryad locker site add`
	LockBitOpen bool   // NARYAD_LOCK_BIT_OPEN: the boards report a set lock bit as open (default: closed)
	KioskAddr   string // NARYAD_KIOSK_ADDR: where the kiosk's touch-screen UI listens
	KioskHub    string // NARYAD_KIOSK_HUB: the hub's URL, for `naryad kiosk`

	WhatsApp bool // NARYAD_WHATSAPP: run the linked WhatsApp accounts (default on)

	MailOut // NARYAD_SMTP_* and NARYAD_MAIL_*: sending e-mail (config_mail.go)
	MailIn  // the SMTP listener for replies and bounces (config_mailin.go)

	envProblems []string // environment values that did not parse
}

// Defaults returns the settings naryad runs with when nothing is configured.
func Defaults() Config {
	return Config{
		Addr:              "127.0.0.1:8080",
		DataDir:           "./data",
		SMSProvider:       "log",
		TwilioBaseURL:     "https://api.twilio.com",
		DMSMaxBodyBytes:   32 << 20,
		LoginWait:         10 * time.Second,
		UploadMaxBytes:    20 << 20,
		CustomerRateLimit: 120,
		LinkTTL:           30 * 24 * time.Hour,
		OutboxWorkers:     4,
		OutboxMaxAttempts: 8,
		LogLevel:          "info",
		LogFormat:         "text",
		KioskAddr:         "127.0.0.1:8090",
		OptOutWords:       "STOP,СТОП,NIE",
		WhatsApp:          true,
		MailOut:           MailOut{SMTPSecurity: "starttls"},
		MailIn:            mailInDefaults(),
	}
}

// Bind registers every setting on fs with its environment value (or default)
// as the flag default, so parsing fs yields the final configuration.
func Bind(fs *flag.FlagSet, getenv func(string) string) *Config {
	c := Defaults()
	env := envReader{getenv: getenv, problems: &c.envProblems}
	fs.StringVar(&c.Addr, "addr", env.str("NARYAD_ADDR", c.Addr), "HTTP listen address (NARYAD_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", env.str("NARYAD_DATA_DIR", c.DataDir), "directory for the SQLite file, media and logs (NARYAD_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", env.str("NARYAD_DATABASE_URL", c.DatabaseURL), "postgres://… URL; empty = embedded SQLite (NARYAD_DATABASE_URL)")
	fs.StringVar(&c.PublicURL, "public-url", env.str("NARYAD_PUBLIC_URL", c.PublicURL), "public base URL of customer links; empty = http://ADDR (NARYAD_PUBLIC_URL)")
	fs.StringVar(&c.Secret, "secret", env.secret("NARYAD_SECRET", c.Secret), "key that derives magic links; several instances must share it (NARYAD_SECRET, NARYAD_SECRET_FILE)")
	fs.StringVar(&c.SMSProvider, "sms-provider", env.str("NARYAD_SMS_PROVIDER", c.SMSProvider), "log or twilio (NARYAD_SMS_PROVIDER)")
	fs.StringVar(&c.TwilioAccountSID, "twilio-account-sid", env.str("NARYAD_TWILIO_ACCOUNT_SID", c.TwilioAccountSID), "Twilio account SID (NARYAD_TWILIO_ACCOUNT_SID)")
	fs.StringVar(&c.TwilioAuthToken, "twilio-auth-token", env.secret("NARYAD_TWILIO_AUTH_TOKEN", c.TwilioAuthToken), "Twilio auth token (NARYAD_TWILIO_AUTH_TOKEN, NARYAD_TWILIO_AUTH_TOKEN_FILE)")
	fs.StringVar(&c.TwilioFrom, "twilio-from", env.str("NARYAD_TWILIO_FROM", c.TwilioFrom), "sender number (E.164), alphanumeric sender ID, or messaging service SID MG + 32 hex digits (NARYAD_TWILIO_FROM)")
	fs.StringVar(&c.TwilioBaseURL, "twilio-base-url", env.str("NARYAD_TWILIO_BASE_URL", c.TwilioBaseURL), "Twilio API root (NARYAD_TWILIO_BASE_URL)")
	fs.StringVar(&c.StripeBaseURL, "stripe-base-url", env.str("NARYAD_STRIPE_BASE_URL", c.StripeBaseURL), "Stripe API root; empty = Stripe's own; set only in tests, e.g. stripe-mock (NARYAD_STRIPE_BASE_URL)")
	fs.StringVar(&c.YooKassaBaseURL, "yookassa-base-url", env.str("NARYAD_YOOKASSA_BASE_URL", c.YooKassaBaseURL), "YooKassa API root; empty = YooKassa's own; set only in tests (NARYAD_YOOKASSA_BASE_URL)")
	fs.IntVar(&c.DMSMaxBodyBytes, "dms-max-body-bytes", env.integer("NARYAD_DMS_MAX_BODY_BYTES", c.DMSMaxBodyBytes), "largest exchange request body accepted (NARYAD_DMS_MAX_BODY_BYTES)")
	fs.IntVar(&c.UploadMaxBytes, "upload-max-bytes", env.integer("NARYAD_UPLOAD_MAX_BYTES", c.UploadMaxBytes), "largest photo or file a customer may send (NARYAD_UPLOAD_MAX_BYTES)")
	fs.IntVar(&c.CustomerRateLimit, "customer-rate-limit", env.integer("NARYAD_CUSTOMER_RATE_LIMIT", c.CustomerRateLimit), "requests per minute one IP may make to customer pages (NARYAD_CUSTOMER_RATE_LIMIT)")
	fs.DurationVar(&c.LinkTTL, "link-ttl", env.duration("NARYAD_LINK_TTL", c.LinkTTL), "how long a customer link lives after hand-over (NARYAD_LINK_TTL)")
	fs.DurationVar(&c.LoginWait, "login-wait", env.duration("NARYAD_LOGIN_WAIT", c.LoginWait), "how long a sign-in waits for a free password check before the page says to try again (NARYAD_LOGIN_WAIT)")
	fs.IntVar(&c.OutboxWorkers, "outbox-workers", env.integer("NARYAD_OUTBOX_WORKERS", c.OutboxWorkers), "parallel message senders (NARYAD_OUTBOX_WORKERS)")
	fs.IntVar(&c.OutboxMaxAttempts, "outbox-max-attempts", env.integer("NARYAD_OUTBOX_MAX_ATTEMPTS", c.OutboxMaxAttempts), "delivery attempts before a message is failed (NARYAD_OUTBOX_MAX_ATTEMPTS)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env.str("NARYAD_TRUSTED_PROXIES", c.TrustedProxies), "comma-separated IPs or CIDRs of reverse proxies whose X-Forwarded-For names the client (NARYAD_TRUSTED_PROXIES)")
	fs.StringVar(&c.DebugAddr, "debug-addr", env.str("NARYAD_DEBUG_ADDR", c.DebugAddr), "address for the Go profiler (pprof), e.g. 127.0.0.1:6060; keep it off public interfaces (NARYAD_DEBUG_ADDR)")
	fs.StringVar(&c.LogLevel, "log-level", env.str("NARYAD_LOG_LEVEL", c.LogLevel), "debug, info, warn or error (NARYAD_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", env.str("NARYAD_LOG_FORMAT", c.LogFormat), "text or json (NARYAD_LOG_FORMAT)")
	fs.StringVar(&c.OptOutWords, "optout-words", env.str("NARYAD_OPTOUT_WORDS", c.OptOutWords), "comma-separated replies that stop a customer's reminders; START or СТАРТ starts them again (NARYAD_OPTOUT_WORDS)")
	fs.StringVar(&c.LockerPort, "locker-port", env.str("NARYAD_LOCKER_PORT", c.LockerPort), "serial device of the key locker's lock boards; with serve, runs the locker in process (NARYAD_LOCKER_PORT)")
	fs.StringVar(&c.LockerToken, "locker-token", env.secret("NARYAD_LOCKER_TOKEN", c.LockerToken), "the locker site's kiosk token (NARYAD_LOCKER_TOKEN, NARYAD_LOCKER_TOKEN_FILE)")
	fs.BoolVar(&c.LockBitOpen, "lock-bit-open", env.boolean("NARYAD_LOCK_BIT_OPEN", c.LockBitOpen), "the lock boards report a set lock bit as open rather than closed (NARYAD_LOCK_BIT_OPEN)")
	fs.StringVar(&c.KioskAddr, "kiosk-addr", env.str("NARYAD_KIOSK_ADDR", c.KioskAddr), "listen address of the kiosk's touch-screen UI (NARYAD_KIOSK_ADDR)")
	fs.StringVar(&c.KioskHub, "kiosk-hub", env.str("NARYAD_KIOSK_HUB", c.KioskHub), "URL of the hub a kiosk syncs with (NARYAD_KIOSK_HUB)")
	fs.BoolVar(&c.WhatsApp, "whatsapp", env.boolean("NARYAD_WHATSAPP", c.WhatsApp), "run WhatsApp accounts; false keeps every linked account offline in this process (NARYAD_WHATSAPP)")
	c.bindMailOut(fs, env)
	bindMailIn(fs, &c.MailIn, env)
	return &c
}

// Validate reports every problem at once, one line each.
func (c *Config) Validate() error {
	problems := append([]string(nil), c.envProblems...)
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if c.Addr == "" {
		add("NARYAD_ADDR: must not be empty")
	}
	if c.DataDir == "" {
		add("NARYAD_DATA_DIR: must not be empty")
	}
	if c.DatabaseURL != "" && !c.IsPostgres() {
		add("NARYAD_DATABASE_URL: %q is not a postgres:// or postgresql:// URL (leave it empty for embedded SQLite)", redact(c.DatabaseURL))
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("NARYAD_PUBLIC_URL: %q is not an http(s) URL with a host", c.PublicURL)
		}
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		add("NARYAD_SECRET: must be at least 32 characters")
	}
	switch c.SMSProvider {
	case "log":
	case "twilio":
		if c.TwilioAccountSID == "" {
			add("NARYAD_TWILIO_ACCOUNT_SID: required with NARYAD_SMS_PROVIDER=twilio")
		}
		if c.TwilioAuthToken == "" {
			add("NARYAD_TWILIO_AUTH_TOKEN: required with NARYAD_SMS_PROVIDER=twilio")
		}
		if c.TwilioFrom == "" {
			add("NARYAD_TWILIO_FROM: required with NARYAD_SMS_PROVIDER=twilio")
		}
		if c.PublicURL == "" {
			add("NARYAD_PUBLIC_URL: required with NARYAD_SMS_PROVIDER=twilio (customer links and delivery callbacks)")
		}
	default:
		add("NARYAD_SMS_PROVIDER: %q is not one of log, twilio", c.SMSProvider)
	}
	if c.LoginWait < time.Second || c.LoginWait > 5*time.Minute {
		add("NARYAD_LOGIN_WAIT: %s is not between 1s and 5m", c.LoginWait)
	}
	if c.DMSMaxBodyBytes < 1024 {
		add("NARYAD_DMS_MAX_BODY_BYTES: %d is below 1024", c.DMSMaxBodyBytes)
	}
	if c.UploadMaxBytes < 1024 {
		add("NARYAD_UPLOAD_MAX_BYTES: %d is below 1024", c.UploadMaxBytes)
	}
	if c.CustomerRateLimit < 1 {
		add("NARYAD_CUSTOMER_RATE_LIMIT: must be at least 1")
	}
	if c.LinkTTL <= 0 {
		add("NARYAD_LINK_TTL: must be positive")
	}
	if c.OutboxWorkers < 1 || c.OutboxWorkers > 64 {
		add("NARYAD_OUTBOX_WORKERS: %d is not between 1 and 64", c.OutboxWorkers)
	}
	if c.OutboxMaxAttempts < 1 {
		add("NARYAD_OUTBOX_MAX_ATTEMPTS: must be at least 1")
	}
	for _, p := range c.Proxies() {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			add("NARYAD_TRUSTED_PROXIES: %q is not an IP address or CIDR", p)
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add("NARYAD_LOG_LEVEL: %q is not one of debug, info, warn, error", c.LogLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		add("NARYAD_LOG_FORMAT: %q is not one of text, json", c.LogFormat)
	}
	if len(c.OptOutList()) == 0 {
		add("NARYAD_OPTOUT_WORDS: must name at least one word")
	}
	for _, w := range c.OptOutList() {
		if u := strings.ToUpper(w); u == "START" || u == "СТАРТ" {
			add("NARYAD_OPTOUT_WORDS: %q is the word that opts back in", w)
		}
	}
	if c.LockerPort != "" && c.LockerToken == "" {
		add("NARYAD_LOCKER_TOKEN: required with NARYAD_LOCKER_PORT (create one with `naryad locker site add`)")
	}
	if c.KioskHub != "" {
		u, err := url.Parse(c.KioskHub)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("NARYAD_KIOSK_HUB: %q is not an http(s) URL with a host", c.KioskHub)
		}
	}
	for _, s := range [][2]string{{"NARYAD_STRIPE_BASE_URL", c.StripeBaseURL}, {"NARYAD_YOOKASSA_BASE_URL", c.YooKassaBaseURL}} {
		if u, err := url.Parse(s[1]); s[1] != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
			add("%s: %q is not an http(s) URL with a host", s[0], s[1])
		}
	}
	c.validateMailOut(add)
	c.MailIn.validate(c.MailReplyDomain, add)
	if len(problems) > 0 {
		return errors.New("invalid configuration:\n  " + strings.Join(problems, "\n  "))
	}
	return nil
}

// IsPostgres tells whether the hub runs on PostgreSQL rather than SQLite.
func (c *Config) IsPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// Proxies lists the trusted reverse proxies.
func (c *Config) Proxies() []string {
	var out []string
	for _, p := range strings.Split(c.TrustedProxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// OptOutList lists the opt-out words, trimmed, empty ones left out.
func (c *Config) OptOutList() []string {
	var out []string
	for _, w := range strings.Split(c.OptOutWords, ",") {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// SQLitePath is the embedded database file inside the data directory.
func (c *Config) SQLitePath() string { return filepath.Join(c.DataDir, "naryad.db") }

// BaseURL is where customers reach the hub: the public URL, or the listen
// address when none is set (fine on one machine, wrong behind a proxy).
func (c *Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return "http://" + c.Addr
}

// redact hides a password in a URL before it is printed.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// ReadSecretFile is used for NARYAD_*_FILE variants: the file's content,
// trimmed, stands for the variable itself.
func readSecretFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read secret file: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
