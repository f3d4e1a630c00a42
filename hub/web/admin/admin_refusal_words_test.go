package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
)

// The refusals the admin forms write in Go — a new branch's and user's
// fields (checked by hub.ValidateBranch and staff.AddUser, whose own text
// names the command line's flags), the payments and WhatsApp forms — come
// in the admin's language, never in the English of the log.
func TestAdminRefusalsSpeakTheAdminsLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		b := signIn(t, h, "root", store.RoleAdmin)
		b.Lang = "pl"
		for _, c := range []struct {
			path    string
			form    url.Values
			want    []string
			notWant string
		}{
			{"/admin/branches", url.Values{"code": {"a b"}, "country": {"XX"}, "time-zone": {"Mars/Base"}, "locale": {"de"}},
				[]string{"kod: wymagany, bez spacji", "nazwa: wymagana", `kraj: &#34;XX&#34; to nie kod kraju`, `strefa czasowa: &#34;Mars/Base&#34;`, `język: &#34;de&#34;`}, "--code"},
			{"/admin/users", url.Values{"login": {"nowy"}, "role": {store.RoleAdvisor}, "password": {"short"}, "branch": {fmt.Sprint(h.Branch.ID)}},
				[]string{"hasło: co najmniej 10 znaków"}, "password:"},
			{"/admin/users", url.Values{"login": {"nowy"}, "role": {"boss"}, "password": {"long enough pass"}, "branch": {fmt.Sprint(h.Branch.ID)}},
				[]string{"rola &#34;boss&#34;: wybierz z listy"}, "must be one of"},
			{fmt.Sprintf("/admin/branches/%d/payments", h.Branch.ID), url.Values{"provider": {"paypal"}},
				[]string{"Nie zapisano:", "operator płatności: wyłączone, stripe lub yookassa"}, "provider:"},
			{"/admin/whatsapp/accounts", url.Values{"branch": {h.Branch.Code}, "name": {"x"}},
				[]string{"WhatsApp jest wyłączony w tym procesie"}, "nothing can be changed"},
		} {
			resp, page := b.Post(c.path, c.form)
			apptest.WantRefused(t, resp, page, c.want[0])
			for _, w := range c.want[1:] {
				if !strings.Contains(page, w) {
					t.Errorf("%s: page lacks %q", c.path, w)
				}
			}
			if strings.Contains(page, c.notWant) {
				t.Errorf("%s: English %q on a Polish page", c.path, c.notWant)
			}
		}
		if resp, page := b.Do(http.MethodGet, "/admin/whatsapp/accounts/999999/link", nil); resp.StatusCode != http.StatusNotFound || page != "Nie ma takiego konta WhatsApp." {
			t.Errorf("unknown account: %d %q", resp.StatusCode, page)
		}
	}, func(c *cli.Config) { c.WhatsApp = false })
}

// The WhatsApp link page and the words its script shows are in the
// admin's language; the script itself holds no words.
func TestWhatsAppLinkPageSpeaksTheAdminsLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		a := hub.WAAccount{BranchID: h.Branch.ID, Name: "main"}
		if err := h.Store.CreateWAAccount(context.Background(), &a); err != nil {
			t.Fatal(err)
		}
		b := signIn(t, h, "root", store.RoleAdmin)
		b.Lang = "ru"
		resp, page := b.Do(http.MethodGet, fmt.Sprintf("/admin/whatsapp/accounts/%d/link", a.ID), nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("link page: %d", resp.StatusCode)
		}
		for _, w := range []string{"<h1>Привязка телефона к аккаунту main</h1>", "Связанные устройства", "Ждём, когда WhatsApp предложит код…",
			"Назад к аккаунтам", `data-linked="Привязан: {phone}. Хаб подключает его."`, `data-ended="Привязка закончилась без телефона.`, `data-waiting="Ждём телефон…"`} {
			if !strings.Contains(page, w) {
				t.Errorf("link page lacks %q", w)
			}
		}
		for _, english := range []string{"Link a phone", "Waiting for", "Back to the accounts", "On the phone", "Reload this page"} {
			if strings.Contains(page, english) {
				t.Errorf("English %q on a Russian page", english)
			}
		}
		m := regexp.MustCompile(`src="(/static/a/whatsapp\.js[^"]*)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no script on the link page")
		}
		_, script := b.Do(http.MethodGet, m[1], nil)
		for _, english := range []string{"Linked:", "the phone", "The linking ended", "Waiting for"} {
			if strings.Contains(script, english) {
				t.Errorf("the script says %q itself", english)
			}
		}
	}, func(c *cli.Config) { c.WhatsApp = false })
}
