package app_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow/types"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"naryad/app"
	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp/watest"
)

var (
	signInToken = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	sixDigits   = regexp.MustCompile(`\b\d{6}\b`)
)

// Sign-in codes by WhatsApp through the whole hub: with a connected
// account the sign-in page offers WhatsApp, the code arrives in the
// customer's WhatsApp chat and signs them in; when WhatsApp fails, the
// page says so and offers SMS, whose code lands in sms.log. Only
// WhatsApp's servers are fake.
func TestSignInCodeByWhatsApp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		ctx := context.Background()
		const customer = "+79161234567"
		reg := &watest.Registry{Setup: func(f *watest.Fake) {
			watest.Pairable(f)
			f.QRCodes = []string{"2@qr-ref,noise,identity,adv"}
			f.PairJID = types.JID{User: "74957770011", Server: types.DefaultUserServer, Device: 3}
			f.OnWhatsApp["79161234567"] = true
		}}
		h := apptest.StartWith(t, b, app.Deps{WhatsAppClient: reg.NewClient})
		h.Run(t)
		visitor := h.NewClient(t)
		visitor.Lang = "en"
		signInPage := func() (string, string) {
			t.Helper()
			resp, page := visitor.Do(http.MethodGet, "/account/sign-in", nil)
			m := signInToken.FindStringSubmatch(page)
			if resp.StatusCode != http.StatusOK || m == nil {
				t.Fatalf("sign-in page: %d\n%s", resp.StatusCode, page)
			}
			return page, m[1]
		}

		// No account linked yet: SMS only.
		if page, _ := signInPage(); strings.Contains(page, `value="whatsapp"`) {
			t.Fatal("WhatsApp offered with no account connected")
		}

		// The admin links the branch's phone.
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "root", Name: "Root", Role: store.RoleAdmin,
			Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		admin := h.NewClient(t).SignIn("root", "s3cret-pass-word")
		if resp, page := admin.Post("/admin/whatsapp/accounts", url.Values{"branch": {"MSK1"}, "name": {"reception"}}); resp.StatusCode != 303 {
			t.Fatalf("add account: %d\n%s", resp.StatusCode, page)
		}
		acc, err := h.Store.WAAccountByName(ctx, "reception")
		if err != nil {
			t.Fatal(err)
		}
		if resp, page := admin.Post("/admin/whatsapp/accounts/"+strconv.FormatInt(acc.ID, 10)+"/link", url.Values{}); resp.StatusCode != 303 {
			t.Fatalf("link: %d\n%s", resp.StatusCode, page)
		}
		watest.Eventually(t, "a QR code to show", func() bool { a, _ := h.Store.WAAccount(ctx, acc.ID); return a.LinkCode != "" })
		reg.All()[0].ScanQR()
		watest.Eventually(t, "the account to connect", func() bool { a, _ := h.Store.WAAccount(ctx, acc.ID); return a.State == hub.WAConnected })
		phone := reg.For("74957770011")
		watest.Eventually(t, "the sign-in page to offer WhatsApp", func() bool {
			page, _ := signInPage()
			return strings.Contains(page, `value="whatsapp"`)
		})

		// The code goes by WhatsApp, to the customer's chat, and signs in.
		_, token := signInPage()
		resp, page := visitor.Do(http.MethodPost, "/account/sign-in", url.Values{"_csrf": {token}, "phone": {"+7 916 123-45-67"}, "via": {"whatsapp"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "via=whatsapp") {
			t.Fatalf("send by WhatsApp: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), page)
		}
		sent := phone.Sent()
		if len(sent) != 1 || sent[0].To.User != "79161234567" {
			t.Fatalf("WhatsApp sends %+v", sent)
		}
		code := sixDigits.FindString(sent[0].Message.GetConversation())
		if code == "" || strings.Contains(smsLog(t, h), code) {
			t.Fatalf("code %q in %q (or in the SMS log)", code, sent[0].Message.GetConversation())
		}
		if _, page := visitor.Do(http.MethodGet, resp.Header.Get("Location"), nil); !strings.Contains(page, "by WhatsApp") {
			t.Fatalf("the code step does not say WhatsApp:\n%s", page)
		}
		resp, _ = visitor.Do(http.MethodPost, "/account/sign-in/code", url.Values{"_csrf": {token}, "phone": {customer}, "code": {code}})
		if resp.StatusCode != http.StatusSeeOther || visitor.Cookies["nrd_a"] == nil {
			t.Fatalf("enter the WhatsApp code: %d", resp.StatusCode)
		}

		// WhatsApp fails: the page says so and offers SMS, which works.
		phone.Lock()
		phone.SendErr = func(types.JID, *waE2E.Message) error { return context.DeadlineExceeded }
		phone.Unlock()
		other := h.NewClient(t)
		other.Lang = "en"
		_, page = other.Do(http.MethodGet, "/account/sign-in", nil)
		token = signInToken.FindStringSubmatch(page)[1]
		resp, page = other.Do(http.MethodPost, "/account/sign-in", url.Values{"_csrf": {token}, "phone": {customer}, "via": {"whatsapp"}})
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(page, "could not be sent by WhatsApp") ||
			!strings.Contains(page, `value="sms"`) || strings.Contains(page, `value="whatsapp"`) || !strings.Contains(html.UnescapeString(page), `value="+79161234567"`) {
			t.Fatalf("WhatsApp failure: %d\n%s", resp.StatusCode, page)
		}
		resp, _ = other.Do(http.MethodPost, "/account/sign-in", url.Values{"_csrf": {token}, "phone": {customer}, "via": {"sms"}})
		if resp.StatusCode != http.StatusSeeOther || strings.Contains(resp.Header.Get("Location"), "whatsapp") {
			t.Fatalf("send by SMS after the failure: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		watest.Eventually(t, "the code in sms.log", func() bool { return strings.Contains(smsLog(t, h), customer) })
	})
}
