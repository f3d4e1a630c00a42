package adminpage_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/email"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/internal/mailpit"
)

const password = "s3cret-pass-word"

func signIn(t *testing.T, h *apptest.Hub, login, role string) *apptest.Client {
	t.Helper()
	_, err := staff.AddUser(context.Background(), h.Store, staff.NewUser{
		Login: login, Name: login, Role: role, Password: password, BranchIDs: []int64{h.Branch.ID},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h.NewClient(t).SignIn(login, password)
}

func audits(t *testing.T, h *apptest.Hub) int {
	t.Helper()
	log, err := h.Store.AuditLog(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == store.AuditAdminChanged && strings.Contains(e.Detail, "email_settings") {
			n++
		}
	}
	return n
}

func settings(t *testing.T, h *apptest.Hub) hub.BranchEmailSettings {
	t.Helper()
	s, _, err := h.Store.BranchEmailSettings(context.Background(), h.Branch.ID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func rsaPEM(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

// An admin sets a branch's sender: a bad address, name, domain, selector
// or key, half a DKIM setup or a DKIM domain that is not the sender's is
// refused with the reason and nothing stored; a good one is stored with
// the key sealed, audited without it, and the page never shows the key
// again, only that one is saved and its DNS record.
func TestBranchSender(t *testing.T) {
	keyPEM := rsaPEM(t)
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		admin := signIn(t, h, "root", store.RoleAdmin)
		resp, page := admin.Do(http.MethodGet, "/admin/email", nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "The branch&#39;s e-mail sender") || !strings.Contains(page, "NARYAD_SMTP_HOST is not set") {
			t.Fatalf("status %d:\n%s", resp.StatusCode, page)
		}
		form := func(kv ...string) url.Values {
			f := url.Values{"branch": {h.Branch.Code}, "from_address": {"serwis@auto.example.pl"}, "from_name": {"Serwis"}}
			for i := 0; i < len(kv); i += 2 {
				f.Set(kv[i], kv[i+1])
			}
			return f
		}
		for _, bad := range []struct {
			form    url.Values
			problem string
		}{
			{form("from_address", "Serwis <serwis@auto.example.pl>"), "one address like"},
			{form("from_address", "serwis@auto.example.pl\r\nBcc: x@y.z"), "one address like"},
			{form("from_name", "Serwis\nBcc: x@y.z"), "one line"},
			{form("dkim_domain", "auto example", "dkim_selector", "s1", "dkim_key", keyPEM), "domain name like"},
			{form("dkim_domain", "auto.example.pl", "dkim_selector", "s 1", "dkim_key", keyPEM), "selector is letters"},
			{form("dkim_domain", "auto.example.pl", "dkim_selector", "s1", "dkim_key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"), "could not be read"},
			{form("dkim_domain", "auto.example.pl", "dkim_selector", "s1"), "all three, or none"},
			{form("dkim_domain", "other.example.pl", "dkim_selector", "s1", "dkim_key", keyPEM), "does not match"},
			{form("branch", "NOPE"), "no such branch"},
		} {
			resp, page := admin.Post("/admin/email/settings", bad.form)
			apptest.WantRefused(t, resp, page, bad.problem)
		}
		if s := settings(t, h); s.FromAddress != "" || audits(t, h) != 0 {
			t.Fatalf("a refused form stored %+v", s)
		}

		resp, page = admin.Post("/admin/email/settings", form("dkim_domain", "Example.PL", "dkim_selector", "naryad1", "dkim_key", keyPEM, "sms_fallback", "1"))
		admin.WantRedirect(resp, page, "/admin/email?branch="+h.Branch.Code+"&done=settings", "The e-mail settings were saved.")
		s := settings(t, h)
		if s.FromAddress != "serwis@auto.example.pl" || s.FromName != "Serwis" || s.DKIMDomain != "example.pl" || s.DKIMSelector != "naryad1" || !s.SMSFallback {
			t.Fatalf("stored %+v", s)
		}
		if s.DKIMKeySealed == "" || strings.Contains(s.DKIMKeySealed, "PRIVATE KEY") {
			t.Fatalf("the key is stored as %q", s.DKIMKeySealed[:min(40, len(s.DKIMKeySealed))])
		}
		signer, err := email.ParseDKIMKey(keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		record, _ := email.DKIMRecord(signer)
		_, page = admin.Do(http.MethodGet, "/admin/email?branch="+h.Branch.Code, nil)
		keyBody := strings.Split(keyPEM, "\n")[2]
		if strings.Contains(page, keyBody) || !strings.Contains(page, "A key is saved") || !strings.Contains(page, "naryad1._domainkey.example.pl") || !strings.Contains(page, strings.ReplaceAll(record, "+", "&#43;")) {
			t.Fatalf("the page after saving a key:\n%s", page)
		}
		log, _ := h.Store.AuditLog(context.Background(), 10)
		if len(log) == 0 || strings.Contains(log[0].Detail, keyBody) || !strings.Contains(log[0].Detail, "dkim_key=new") {
			t.Fatalf("audit %+v", log)
		}

		// Saving again without a key keeps it; removing it drops DKIM.
		resp, page = admin.Post("/admin/email/settings", form("dkim_domain", "example.pl", "dkim_selector", "naryad1"))
		admin.WantRedirect(resp, page, "/admin/email?branch="+h.Branch.Code+"&done=settings", "saved")
		if got := settings(t, h); got.DKIMKeySealed != s.DKIMKeySealed || got.SMSFallback {
			t.Fatalf("after a save without a key: %+v", got)
		}
		resp, page = admin.Post("/admin/email/settings", form("dkim_domain", "example.pl", "dkim_selector", "naryad1", "dkim_remove", "1"))
		admin.WantRedirect(resp, page, "/admin/email?branch="+h.Branch.Code+"&done=settings", "No key.")
		if got := settings(t, h); got.DKIMKeySealed != "" || got.DKIMDomain != "" {
			t.Fatalf("after removing the key: %+v", got)
		}
		if n := audits(t, h); n != 3 {
			t.Fatalf("%d audit rows, want 3", n)
		}

		// In Russian, the page and its refusals have no English left.
		ru := h.NewClient(t)
		ru.Lang = "ru"
		ru.SignIn("root", password)
		_, page = ru.Do(http.MethodGet, "/admin/email", nil)
		resp, refused := ru.Post("/admin/email/settings", form("from_address", "nie adres"))
		apptest.WantRefused(t, resp, refused, "Адрес отправителя — один адрес")
		for _, english := range []string{"Sender", "DKIM signature", "Save", "Test e-mail", "No key", "one address like"} {
			if strings.Contains(page, english) || strings.Contains(refused, english) {
				t.Errorf("the Russian page says %q", english)
			}
		}

		// The page is the admins' alone.
		advisor := signIn(t, h, "anna", store.RoleAdvisor)
		if resp, _ := advisor.Post("/admin/email/settings", form()); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("an advisor's save: %d", resp.StatusCode)
		}
	})
}

// The test e-mail goes at once through the hub's SMTP server, from the
// branch's sender and signed with its key; a server that cannot be
// reached is shown as the error, with the address typed kept.
func TestTestEmail(t *testing.T) {
	mp := mailpit.Start(t)
	keyPEM := rsaPEM(t)
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		admin := signIn(t, h, "root", store.RoleAdmin)
		resp, page := admin.Post("/admin/email/settings", url.Values{"branch": {h.Branch.Code}, "from_address": {"serwis@auto.example.pl"},
			"dkim_domain": {"auto.example.pl"}, "dkim_selector": {"s1"}, "dkim_key": {keyPEM}})
		admin.WantRedirect(resp, page, "/admin/email?branch="+h.Branch.Code+"&done=settings", "saved")

		to := "admin-" + strconv.FormatInt(time.Now().UnixNano(), 10) + "@example.pl"
		resp, page = admin.Post("/admin/email/test", url.Values{"branch": {h.Branch.Code}, "to": {"not an address"}})
		apptest.WantRefused(t, resp, page, "one address like")
		resp, page = admin.Post("/admin/email/test", url.Values{"branch": {h.Branch.Code}, "to": {to}})
		admin.WantRedirect(resp, page, "/admin/email?branch="+h.Branch.Code+"&done=test", "The mail server accepted the test e-mail.")

		var got mailpit.Message
		deadline := time.Now().Add(10 * time.Second)
		for got.ID == "" && time.Now().Before(deadline) {
			list, _ := mp.Messages(context.Background())
			for _, m := range list {
				if len(m.To) == 1 && m.To[0].Address == to {
					got, _ = mp.Message(context.Background(), m.ID)
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		if got.From == nil || got.From.Address != "serwis@auto.example.pl" || got.Subject != "Test e-mail from naryad" {
			t.Fatalf("received %+v", got)
		}
		signer, _ := email.ParseDKIMKey(keyPEM)
		record, _ := email.DKIMRecord(signer)
		vs, err := dkim.VerifyWithOptions(bytes.NewReader(got.Raw), &dkim.VerifyOptions{LookupTXT: func(string) ([]string, error) { return []string{record}, nil }})
		if err != nil || len(vs) != 1 || vs[0].Err != nil {
			t.Fatalf("the test e-mail's signature: %v %v", vs, err)
		}
	}, func(c *cli.Config) {
		c.SMTPHost, c.SMTPPort, c.SMTPSecurity = mp.SMTPHost, mp.SMTPPort, "none"
		c.MailReplyDomain = "reply.hub.example.test"
	})

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().(*net.TCPAddr).Port
	l.Close()
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		admin := signIn(t, h, "root", store.RoleAdmin)
		resp, page := admin.Post("/admin/email/test", url.Values{"branch": {h.Branch.Code}, "to": {"anna@example.pl"}})
		apptest.WantRefused(t, resp, page, "The test e-mail was not sent: smtp connect")
		if !strings.Contains(page, `value="anna@example.pl"`) {
			t.Errorf("the address typed is gone:\n%s", page)
		}
	}, func(c *cli.Config) {
		c.SMTPHost, c.SMTPPort, c.SMTPSecurity = "127.0.0.1", closed, "none"
		c.MailFrom, c.MailReplyDomain = "hub@example.test", "reply.hub.example.test"
	})
}
