package admin_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"go.mau.fi/whatsmeow/types/events"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/admin"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

var waRoutes = []struct{ method, path string }{
	{http.MethodGet, "/admin/whatsapp"},
	{http.MethodPost, "/admin/whatsapp/accounts"},
	{http.MethodPost, "/admin/whatsapp/accounts/1/pacing"},
	{http.MethodPost, "/admin/whatsapp/accounts/1/link"},
	{http.MethodGet, "/admin/whatsapp/accounts/1/link"},
	{http.MethodGet, "/admin/whatsapp/accounts/1/qr.png"},
	{http.MethodGet, "/admin/whatsapp/accounts/1/state"},
	{http.MethodPost, "/admin/whatsapp/accounts/1/logout"},
	{http.MethodPost, "/admin/whatsapp/accounts/1/reconnect"},
	{http.MethodPost, "/admin/whatsapp/branches/MSK1"},
}

// The hub as wired without WhatsApp: the page is for admins only and shows
// every account's state plainly, read-only.
func TestWhatsAppPageReadOnlyWithoutManager(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		states := map[string]func(a hub.WAAccount){}
		until := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
		set := func(state, detail string, ban *time.Time) func(a hub.WAAccount) {
			return func(a hub.WAAccount) {
				if err := h.Store.SetWALinked(ctx, a.ID, "4850010"+strconv.FormatInt(a.ID, 10)+":1@s.whatsapp.net", "+4850010"+strconv.FormatInt(a.ID, 10)); err != nil {
					t.Fatal(err)
				}
				if _, err := h.Store.SetWAAccountState(ctx, a.ID, state, detail, ban); err != nil {
					t.Fatal(err)
				}
			}
		}
		states["up"] = set(hub.WAConnected, "", nil)
		states["flaky"] = set(hub.WADisconnected, "connection lost; reconnecting", nil)
		states["gone"] = func(a hub.WAAccount) {
			if err := h.Store.SetWAUnlinked(ctx, a.ID, hub.WALoggedOut, "the phone removed this linked device"); err != nil {
				t.Fatal(err)
			}
		}
		states["naughty"] = set(hub.WABanned, "101: too many", &until)
		states["twin"] = set(hub.WAReplaced, "another program connected", nil)
		states["old"] = set(hub.WAOutdated, "405 client outdated", nil)
		for name, fn := range states {
			a := hub.WAAccount{BranchID: h.Branch.ID, Name: name}
			if err := h.Store.CreateWAAccount(ctx, &a); err != nil {
				t.Fatal(err)
			}
			fn(a)
		}
		advisor := signIn(t, h, "anna", store.RoleAdvisor)
		root := signIn(t, h, "root", store.RoleAdmin)
		for _, r := range waRoutes {
			if resp, _ := advisor.Do(r.method, r.path, url.Values{}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("advisor %s %s: %d", r.method, r.path, resp.StatusCode)
			}
		}
		resp, page := root.Do(http.MethodGet, "/admin/whatsapp", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for _, want := range []string{
			`<a href="/admin/whatsapp" aria-current="page">WhatsApp</a>`, "WhatsApp is off in this process",
			">connected<", "disconnected since ", "connection lost; reconnecting", "logged out — link again",
			"banned until 2025-03-10 15:00 MSK", "replaced by another session — reconnect", "3 s between messages, 30 new chats a day",
			"WhatsApp refuses this naryad version — upgrade",
			"Group per work order: off.", "Customer messages marked read when an advisor opens the thread: yes.",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(page, `method="post" action="/admin/whatsapp`) {
			t.Error("the read-only page offers changes")
		}
		resp, page = root.Post("/admin/whatsapp/accounts", url.Values{"branch": {"MSK1"}, "name": {"new"}})
		apptest.WantRefused(t, resp, page, "WhatsApp is off in this process")
		if _, err := h.Store.WAAccountByName(ctx, "new"); err == nil {
			t.Fatal("an account was added while WhatsApp is off")
		}
	}, func(c *cli.Config) { c.WhatsApp = false })
}

// waHub is the admin pages with a running manager, which stores what
// customers send, and the fake WhatsApp.
type waHub struct {
	st     *store.Store
	app    *fiber.App
	reg    *watest.Registry
	mgr    *whatsapp.Manager
	branch hub.Branch
}

func startWAHub(t *testing.T, st *store.Store, b storetest.Backend) *waHub {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := &waHub{st: st}
	h.branch = hub.Branch{Code: "MSK1", Name: "Москва", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
	if err := st.CreateBranch(ctx, &h.branch); err != nil {
		t.Fatal(err)
	}
	sessions, err := whatsapp.OpenSessions(ctx, b.DatabaseURL, b.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sessions.Close() })
	var mu sync.Mutex
	linked := 0
	h.reg = &watest.Registry{Setup: func(f *watest.Fake) {
		watest.Pairable(f)
		if f.Device.ID == nil { // a linking: each links another phone
			mu.Lock()
			linked++
			f.PairJID = watest.PhoneJID("4850010020" + strconv.Itoa(linked))
			f.PairJID.Device = 7
			mu.Unlock()
			f.QRCodes = []string{"2@ref-one,noise,identity,adv"}
		}
	}}
	inbound := whatsapp.NewInbound(st, hub.NewMedia(t.TempDir()), whatsapp.InboundOptions{Logger: log})
	h.mgr = whatsapp.NewManager(st, sessions, h.reg.NewClient, whatsapp.ManagerOptions{Handler: inbound.Handle,
		Logger: log, Reload: 20 * time.Millisecond, Backoff: func(int) time.Duration { return time.Millisecond }})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- h.mgr.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done })

	staffPages, err := staff.New(st, staff.Options{Secret: "test-secret-0123456789-0123456789-0123456789", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	adminPages, err := admin.New(st, staffPages.RequireStaff, admin.Options{Logger: log, WhatsApp: h.mgr})
	if err != nil {
		t.Fatal(err)
	}
	h.app = fiber.New(fiber.Config{DisableStartupMessage: true})
	staffPages.Register(h.app)
	adminPages.Register(h.app)
	return h
}

// waBrowser is a signed-in user of a waHub.
type waBrowser = apptest.Client

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs in through the login form and keeps the form token of the
// WhatsApp page (none for a user the page refuses).
func (h *waHub) signIn(t *testing.T, login, role string) *waBrowser {
	t.Helper()
	_, err := staff.AddUser(context.Background(), h.st, staff.NewUser{Login: login, Role: role, Password: password, BranchIDs: []int64{h.branch.ID}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := apptest.NewAppClient(t, h.app)
	b.Lang = "en" // the words these tests expect are English
	_, page := b.Do(http.MethodGet, "/login", nil)
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("login page:\n%s", page)
	}
	if resp, _ := b.Do(http.MethodPost, "/login", url.Values{"login": {login}, "password": {password}, "csrf": {m[1]}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	if _, page = b.Do(http.MethodGet, "/admin/whatsapp", nil); csrfInput.MatchString(page) {
		b.CSRF = csrfInput.FindStringSubmatch(page)[1]
	}
	return b
}

// waState polls the link page's state endpoint.
func waState(t *testing.T, b *waBrowser, id int64, from string) map[string]any {
	t.Helper()
	resp, body := b.Do(http.MethodGet, "/admin/whatsapp/accounts/"+strconv.FormatInt(id, 10)+"/state?from="+url.QueryEscape(from), nil)
	var s map[string]any
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &s) != nil {
		t.Fatalf("state: %d %s", resp.StatusCode, body)
	}
	return s
}

// With the manager: accounts are added, paced, linked by QR code (shown as
// a live PNG) or by phone code, reconnected after a takeover and logged
// out; the group setting is saved; every change is audited.
func TestWhatsAppPageManagesAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, backend storetest.Backend) {
		ctx := context.Background()
		h := startWAHub(t, st, backend)
		advisor := h.signIn(t, "anna", store.RoleAdvisor)
		for _, r := range waRoutes {
			if resp, _ := advisor.Do(r.method, r.path, url.Values{}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("advisor %s %s: %d", r.method, r.path, resp.StatusCode)
			}
		}
		b := h.signIn(t, "root", store.RoleAdmin)
		if b.CSRF == "" {
			t.Fatal("no form token on the page")
		}
		audits := func() int {
			log, _ := st.AuditLog(ctx, 1000)
			n := 0
			for _, e := range log {
				if e.Action == store.AuditAdminChanged {
					n++
				}
			}
			return n
		}

		// Accounts.
		for _, c := range []struct{ branch, name, want string }{
			{"MSK1", "my account", "only letters"},
			{"NOPE", "main", "Unknown branch &#34;NOPE&#34;"},
		} {
			resp, page := b.Post("/admin/whatsapp/accounts", url.Values{"branch": {c.branch}, "name": {c.name}})
			apptest.WantRefused(t, resp, page, c.want)
		}
		resp, page := b.Post("/admin/whatsapp/accounts", url.Values{"branch": {"MSK1"}, "name": {"main"}})
		b.WantRedirect(resp, page, "/admin/whatsapp?done=wa-account", "not linked — link a phone")
		resp, page = b.Post("/admin/whatsapp/accounts", url.Values{"branch": {"MSK1"}, "name": {"main"}})
		apptest.WantRefused(t, resp, page, "exists already")
		acc, err := st.WAAccountByName(ctx, "main")
		if err != nil || acc.BranchID != h.branch.ID || audits() != 1 {
			t.Fatalf("account %+v %v, %d audit rows", acc, err, audits())
		}
		id := strconv.FormatInt(acc.ID, 10)

		// Pacing.
		for _, f := range []url.Values{
			{"min-interval": {"0.5"}, "new-chats": {"10"}, "daily-sends": {"100"}},
			{"min-interval": {"5000"}, "new-chats": {"10"}, "daily-sends": {"100"}},
			{"min-interval": {"2"}, "new-chats": {"-1"}, "daily-sends": {"100"}},
			{"min-interval": {"x"}, "new-chats": {"10"}, "daily-sends": {"100"}},
			{"min-interval": {"2"}, "new-chats": {"10"}, "daily-sends": {"-1"}},
			{"min-interval": {"2"}, "new-chats": {"10"}},
		} {
			resp, page = b.Post("/admin/whatsapp/accounts/"+id+"/pacing", f)
			apptest.WantRefused(t, resp, page, "not saved")
		}
		resp, page = b.Post("/admin/whatsapp/accounts/"+id+"/pacing", url.Values{"min-interval": {"2,5"}, "new-chats": {"12"}, "daily-sends": {"150"}})
		b.WantRedirect(resp, page, "/admin/whatsapp?done=wa-pacing", `name="daily-sends" value="150"`)
		if a, _ := st.WAAccount(ctx, acc.ID); a.MinIntervalMs != 2500 || a.DailyNewChats != 12 || a.DailySends != 150 || audits() != 2 {
			t.Fatalf("pacing %+v, %d audit rows", a, audits())
		}

		// Branch setting.
		if w, _ := st.BranchWASettings(ctx, h.branch.ID); !w.GroupInvites || w.UndeliveredSMSHours != store.DefaultWAUndeliveredSMSHours {
			t.Fatalf("a new branch's settings %+v, want invites on and SMS after 6 h", w)
		}
		resp, page = b.Post("/admin/whatsapp/branches/MSK1", url.Values{"groups": {"on"}, "leave-days": {"91"}, "sms-after-hours": {"6"}})
		apptest.WantRefused(t, resp, page, "from 0 to 90")
		resp, page = b.Post("/admin/whatsapp/branches/MSK1", url.Values{"groups": {"on"}, "leave-days": {"5"}, "sms-after-hours": {"169"}})
		apptest.WantRefused(t, resp, page, "to 168")
		resp, page = b.Post("/admin/whatsapp/branches/MSK1", url.Values{"groups": {"on"}, "leave-days": {"5"}, "sms-after-hours": {"12"}})
		b.WantRedirect(resp, page, "/admin/whatsapp?done=wa-branch", `name="sms-after-hours" value="12"`)
		if w, _ := st.BranchWASettings(ctx, h.branch.ID); !w.Groups || w.GroupLeaveDays != 5 || w.GroupInvites || w.UndeliveredSMSHours != 12 || audits() != 3 {
			t.Fatalf("settings %+v, %d audit rows", w, audits())
		}

		// Linking by QR code.
		resp, _ = b.Post("/admin/whatsapp/accounts/"+id+"/link", url.Values{})
		linkURL := "/admin/whatsapp/accounts/" + id + "/link?from="
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != linkURL {
			t.Fatalf("link: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		watest.Eventually(t, "a QR code", func() bool { a, _ := st.WAAccount(ctx, acc.ID); return a.LinkCode != "" })
		resp, page = b.Do(http.MethodGet, linkURL, nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `src="/admin/whatsapp/accounts/`+id+`/qr.png"`) ||
			!strings.Contains(page, `<script src="/static/a/whatsapp.js?v=`) {
			t.Fatalf("link page %d:\n%s", resp.StatusCode, page)
		}
		resp, png := b.Do(http.MethodGet, "/admin/whatsapp/accounts/"+id+"/qr.png", nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" ||
			!strings.Contains(resp.Header.Get("Cache-Control"), "no-store") || !strings.HasPrefix(png, "\x89PNG") ||
			!strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "sandbox;") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("qr.png: %d %q %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"),
				resp.Header.Get("Content-Security-Policy"))
		}
		if s := waState(t, b, acc.ID, ""); s["linking"] != true || s["code_id"] == "" || s["linked"] != false {
			t.Fatalf("state while linking %v", s)
		}
		h.reg.All()[0].ScanQR()
		watest.Eventually(t, "the page to say linked", func() bool { return waState(t, b, acc.ID, "")["linked"] == true })
		if s := waState(t, b, acc.ID, ""); s["phone"] != "+48500100201" {
			t.Fatalf("state after linking %v", s)
		}
		watest.Eventually(t, "connected", func() bool { a, _ := st.WAAccount(ctx, acc.ID); return a.State == hub.WAConnected })
		if resp, _ := b.Do(http.MethodGet, "/admin/whatsapp/accounts/"+id+"/qr.png", nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("qr.png after linking: %d", resp.StatusCode)
		}
		_, page = b.Do(http.MethodGet, "/admin/whatsapp", nil)
		if !strings.Contains(page, "48 500 100 201</td>") || !strings.Contains(page, ">connected<") || !strings.Contains(page, "Link another phone") {
			t.Fatalf("page after linking:\n%s", page)
		}

		// Linking another account by phone number.
		resp, page = b.Post("/admin/whatsapp/accounts", url.Values{"branch": {"MSK1"}, "name": {"spare"}})
		b.WantRedirect(resp, page, "/admin/whatsapp?done=wa-account", "spare")
		spare, _ := st.WAAccountByName(ctx, "spare")
		spareID := strconv.FormatInt(spare.ID, 10)
		resp, page = b.Post("/admin/whatsapp/accounts/"+spareID+"/link", url.Values{"phone": {"12"}})
		apptest.WantRefused(t, resp, page, "phone number to link by code")
		resp, _ = b.Post("/admin/whatsapp/accounts/"+spareID+"/link", url.Values{"phone": {"+48 500 100 202"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("link by phone: %d", resp.StatusCode)
		}
		watest.Eventually(t, "the pairing code", func() bool { return waState(t, b, spare.ID, "")["pairing_code"] == "FAKE-CODE" })
		if _, page = b.Do(http.MethodGet, "/admin/whatsapp/accounts/"+spareID+"/link", nil); !strings.Contains(page, "FAKE-CODE") {
			t.Fatalf("link page lacks the pairing code:\n%s", page)
		}
		if resp, _ := b.Do(http.MethodGet, "/admin/whatsapp/accounts/"+spareID+"/qr.png", nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("qr.png of a pairing code: %d", resp.StatusCode)
		}
		linker := h.reg.All()[len(h.reg.All())-1]
		if err := linker.Pair(ctx, linker.PairJID); err != nil {
			t.Fatal(err)
		}
		watest.Eventually(t, "spare linked", func() bool { return waState(t, b, spare.ID, "")["linked"] == true })

		// Another session takes "main" over; staff reconnect it.
		var session *watest.Fake
		watest.Eventually(t, "main's session", func() bool { session = h.reg.For("48500100201"); return session != nil && session.Connects() == 1 })
		session.Emit(&events.StreamReplaced{})
		watest.Eventually(t, "replaced", func() bool { a, _ := st.WAAccount(ctx, acc.ID); return a.State == hub.WAReplaced })
		_, page = b.Do(http.MethodGet, "/admin/whatsapp", nil)
		if !strings.Contains(page, "replaced by another session — reconnect") || !strings.Contains(page, "/accounts/"+id+"/reconnect") {
			t.Fatalf("page of a replaced account:\n%s", page)
		}
		resp, page = b.Post("/admin/whatsapp/accounts/"+spareID+"/reconnect", url.Values{})
		apptest.WantRefused(t, resp, page, "only an account replaced by another session")
		before := audits()
		resp, page = b.Post("/admin/whatsapp/accounts/"+id+"/reconnect", url.Values{})
		b.WantRedirect(resp, page, "/admin/whatsapp?done=wa-reconnect", "The account connects again.")
		watest.Eventually(t, "reconnected", func() bool { a, _ := st.WAAccount(ctx, acc.ID); return a.State == hub.WAConnected })

		// Logging out.
		resp, page = b.Post("/admin/whatsapp/accounts/"+id+"/logout", url.Values{})
		b.WantRedirect(resp, page, "/admin/whatsapp?done=wa-logout", "The account was logged out.")
		if a, _ := st.WAAccount(ctx, acc.ID); a.State != hub.WAUnlinked || a.JID != "" || audits() != before+2 {
			t.Fatalf("after logout %+v, %d audit rows", a, audits())
		}
		resp, page = b.Post("/admin/whatsapp/accounts/"+id+"/logout", url.Values{})
		apptest.WantRefused(t, resp, page, "no phone is linked")
		if resp, _ := b.Post("/admin/whatsapp/accounts/999999/logout", url.Values{}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown account: %d", resp.StatusCode)
		}
	})
}
