package cli

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func parse(t *testing.T, env map[string]string, args ...string) *Config {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c := Bind(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDefaultsAreValid(t *testing.T) {
	c := parse(t, nil)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.SMSProvider != "log" || c.IsPostgres() || c.BaseURL() != "http://127.0.0.1:8080" {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secretFile, []byte("from-a-file-0123456789-0123456789\n"), 0o600)
	env := map[string]string{
		"NARYAD_ADDR": "0.0.0.0:9000", "NARYAD_LINK_TTL": "48h",
		"NARYAD_DATABASE_URL": "postgres://u@db/naryad", "NARYAD_SECRET_FILE": secretFile,
	}
	c := parse(t, env, "--addr", "127.0.0.1:7000")
	if c.Addr != "127.0.0.1:7000" || c.LinkTTL != 48*time.Hour || !c.IsPostgres() || c.Secret != "from-a-file-0123456789-0123456789" {
		t.Fatalf("config = %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateReportsEveryProblemOnItsOwnLine(t *testing.T) {
	env := map[string]string{"NARYAD_OUTBOX_WORKERS": "0", "NARYAD_SECRET": "short", "NARYAD_LOG_LEVEL": "loud", "NARYAD_SECRET_FILE": "/nonexistent"}
	err := parse(t, env, "--sms-provider", "carrier-pigeon").Validate()
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	for _, want := range []string{"NARYAD_OUTBOX_WORKERS", "NARYAD_SECRET: must be at least 32", "NARYAD_LOG_LEVEL", "NARYAD_SMS_PROVIDER"} {
		found := false
		for _, l := range lines {
			found = found || strings.Contains(l, want)
		}
		if !found {
			t.Errorf("no line names %s:\n%s", want, err)
		}
	}
}

func TestLockerSettings(t *testing.T) {
	c := parse(t, map[string]string{"NARYAD_LOCKER_PORT": "/dev/ttyUSB0", "NARYAD_LOCK_BIT_OPEN": "true"})
	if !c.LockBitOpen || c.KioskAddr != "127.0.0.1:8090" {
		t.Fatalf("config = %+v", c)
	}
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "NARYAD_LOCKER_TOKEN: required") {
		t.Fatalf("a locker port without a token: %v", err)
	}
	err = parse(t, map[string]string{"NARYAD_LOCK_BIT_OPEN": "sometimes", "NARYAD_KIOSK_HUB": "hub.local"}).Validate()
	if err == nil || !strings.Contains(err.Error(), "NARYAD_LOCK_BIT_OPEN") || !strings.Contains(err.Error(), "NARYAD_KIOSK_HUB") {
		t.Fatalf("bad locker values: %v", err)
	}
}

func TestWhatsAppSetting(t *testing.T) {
	if c := parse(t, nil); !c.WhatsApp {
		t.Fatal("WhatsApp accounts run by default")
	}
	if c := parse(t, map[string]string{"NARYAD_WHATSAPP": "false"}); c.WhatsApp {
		t.Fatal("NARYAD_WHATSAPP=false ignored")
	}
	if c := parse(t, map[string]string{"NARYAD_WHATSAPP": "false"}, "-whatsapp=true"); !c.WhatsApp {
		t.Fatal("the flag does not win over the environment")
	}
	err := parse(t, map[string]string{"NARYAD_WHATSAPP": "maybe"}).Validate()
	if err == nil || !strings.Contains(err.Error(), "NARYAD_WHATSAPP") {
		t.Fatalf("a bad value is not reported: %v", err)
	}
}

// The payment providers' API roots are empty (their own) unless a test
// points the binary at a fake; anything set must be an http(s) URL.
func TestPaymentBaseURLSettings(t *testing.T) {
	c := parse(t, nil)
	if c.StripeBaseURL != "" || c.YooKassaBaseURL != "" {
		t.Fatalf("defaults = %q %q", c.StripeBaseURL, c.YooKassaBaseURL)
	}
	c = parse(t, map[string]string{"NARYAD_STRIPE_BASE_URL": "http://127.0.0.1:12111"}, "--yookassa-base-url", "http://127.0.0.1:9/v3")
	if err := c.Validate(); err != nil || c.StripeBaseURL != "http://127.0.0.1:12111" || c.YooKassaBaseURL != "http://127.0.0.1:9/v3" {
		t.Fatalf("set: %v %+v", err, c)
	}
	err := parse(t, map[string]string{"NARYAD_STRIPE_BASE_URL": "127.0.0.1:12111", "NARYAD_YOOKASSA_BASE_URL": "ftp://x"}).Validate()
	if err == nil || !strings.Contains(err.Error(), "NARYAD_STRIPE_BASE_URL") || !strings.Contains(err.Error(), "NARYAD_YOOKASSA_BASE_URL") {
		t.Fatalf("bad values: %v", err)
	}
}

// E-mail is off by default; a host needs the reply domain, a login both
// halves, and the sender and domain must be what they say.
func TestMailOutSettings(t *testing.T) {
	if c := parse(t, nil); c.SMTPHost != "" || c.SMTPSecurity != "starttls" || c.Validate() != nil {
		t.Fatalf("defaults = %+v", c.MailOut)
	}
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("s3cret\n"), 0o600)
	c := parse(t, map[string]string{
		"NARYAD_SMTP_HOST": "smtp.example.pl", "NARYAD_SMTP_PORT": "465", "NARYAD_SMTP_SECURITY": "tls",
		"NARYAD_SMTP_USERNAME": "hub", "NARYAD_SMTP_PASSWORD_FILE": pw,
		"NARYAD_MAIL_FROM": "serwis@example.pl", "NARYAD_MAIL_REPLY_DOMAIN": "reply.example.pl",
	})
	if err := c.Validate(); err != nil || c.SMTPPassword != "s3cret" || c.SMTPPort != 465 || c.MailReplyDomain != "reply.example.pl" {
		t.Fatalf("set: %v %+v", err, c.MailOut)
	}
	err := parse(t, map[string]string{
		"NARYAD_SMTP_HOST": "smtp.example.pl:587", "NARYAD_SMTP_SECURITY": "ssl", "NARYAD_SMTP_PORT": "70000",
		"NARYAD_SMTP_USERNAME": "hub", "NARYAD_MAIL_FROM": "Serwis <serwis@example.pl>",
	}).Validate()
	for _, want := range []string{"NARYAD_SMTP_HOST", "NARYAD_SMTP_SECURITY", "NARYAD_SMTP_PORT", "NARYAD_SMTP_PASSWORD: required",
		"NARYAD_MAIL_REPLY_DOMAIN: required", "NARYAD_MAIL_FROM"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("no line names %s: %v", want, err)
		}
	}
	err = parse(t, map[string]string{"NARYAD_MAIL_REPLY_DOMAIN": "reply@example.pl"}).Validate()
	if err == nil || !strings.Contains(err.Error(), "NARYAD_MAIL_REPLY_DOMAIN") {
		t.Fatalf("a bad domain: %v", err)
	}
}

// The SMTP listener is off by default; on, it needs the reply domain, a
// host:port, a sane size limit and both TLS files or neither.
func TestMailInConfig(t *testing.T) {
	c := parse(t, nil)
	if c.SMTPListen != "" || c.SMTPMaxBytes != 25<<20 {
		t.Fatalf("defaults: %+v", c.MailIn)
	}
	c = parse(t, map[string]string{"NARYAD_SMTP_LISTEN": "0.0.0.0:2525", "NARYAD_MAIL_REPLY_DOMAIN": "reply.example.pl", "NARYAD_SMTP_MAX_BYTES": "1048576"})
	if err := c.Validate(); err != nil || c.SMTPListen != "0.0.0.0:2525" || c.SMTPMaxBytes != 1<<20 {
		t.Fatalf("%+v %v", c.MailIn, err)
	}
	for env, want := range map[string]string{
		"NARYAD_SMTP_LISTEN=0.0.0.0:2525":        "NARYAD_MAIL_REPLY_DOMAIN: required",
		"NARYAD_SMTP_MAX_BYTES=100":              "NARYAD_SMTP_MAX_BYTES",
		"NARYAD_SMTP_TLS_CERT=/etc/ssl/cert.pem": "set both or neither",
	} {
		k, v, _ := strings.Cut(env, "=")
		err := parse(t, map[string]string{k: v}).Validate()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", env, err, want)
		}
	}
	if err := parse(t, map[string]string{"NARYAD_SMTP_LISTEN": "2525", "NARYAD_MAIL_REPLY_DOMAIN": "r.example"}).Validate(); err == nil {
		t.Error("a listen address without a host:port passed")
	}
}
