//go:build linux || darwin

package station_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"naryad/app"
	"naryad/app/admincmd"
	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
	"naryad/hub/whatsapp/watest"
	"naryad/identity"
	"naryad/identity/stripeid"
	"naryad/internal/stripemock"
	"naryad/locker/kiosk"
	"naryad/payments/stripepay"
)

// The pieces of issue #20's end-to-end tests: a Polish branch whose
// courtesy cars an admin sets up on the admin's pages, an advisor in the
// inbox, the customer's phone in headless Chromium, a key locker whose
// station drives simulated boards over a pseudo-terminal, and Stripe
// (stripe-mock behind its recording proxy, and stand-ins for its hosted
// pages inside the browser), all through the hub's public surfaces.

// loanRig is one hub with all of that around it.
type loanRig struct {
	t       *testing.T
	h       *apptest.Hub // as seen from the Polish branch
	base    string       // the hub's address, which is also its public URL
	browser context.Context
	mock    *stripemock.Server
	admin   *apptest.Client
	advisor *apptest.Client
	k       *front
}

const (
	identityWhsec = "whsec_naryad_e2e_identity_endpoint"
	identityAt    = "/v1/identity/verification_sessions"
	advisorName   = "Ewa Wiśniewska"
	staffPassword = "s3cret-pass-word"
)

// eachLoanRig runs fn on a fresh rig on every test backend, with one
// browser for all of them.
func eachLoanRig(t *testing.T, fn func(t *testing.T, r *loanRig)) {
	t.Helper()
	browser := webtest.StartBrowser(t)
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		fn(t, newLoanRig(t, b, browser))
	})
}

// newLoanRig starts the hub at an address known beforehand (the links it
// sends and the address Stripe sends the customer back to are that
// address, so the browser follows them), its Polish branch with an admin
// and an advisor who has a kiosk PIN, a key locker "Podwórze" of one board
// and its station.
func newLoanRig(t *testing.T, b storetest.Backend, browser context.Context) *loanRig {
	t.Helper()
	ctx := t.Context()
	r := &loanRig{t: t, browser: browser, mock: stripemock.Start(t)}
	addr := freeAddr(t)
	h := apptest.StartWith(t, b, app.Deps{PaymentBaseURLs: map[string]string{hub.ProviderStripe: r.mock.URL}},
		func(c *cli.Config) { c.PublicURL = "http://" + addr })
	r.h = polishBranch(t, h)
	for _, u := range []staff.NewUser{
		{Login: "root", Name: "Anna Nowak", Role: store.RoleAdmin, Password: staffPassword, BranchIDs: []int64{r.h.Branch.ID}},
		{Login: "ewa", Name: advisorName, Role: store.RoleAdvisor, Password: staffPassword, BranchIDs: []int64{r.h.Branch.ID}},
	} {
		if _, err := staff.AddUser(ctx, r.h.Store, u, nil); err != nil {
			t.Fatal(err)
		}
	}
	runAdmin(t, r.h, admincmd.LockerPINSetCommand(), "--login", "ewa", "--pin", staffPIN)
	site := addLockerSite(t, r.h, "Podwórze", 1)
	r.base, _ = r.h.ServeAt(t, addr)
	boards, link := simulateBoards(t, 1)
	st, _ := startStation(t, link, r.base, site.Token)
	r.k = &front{t: t, e: st.Engine(), boards: boards}
	r.admin = r.h.NewClient(t).SignIn("root", staffPassword)
	r.advisor = r.h.NewClient(t).SignIn("ewa", staffPassword)
	return r
}

// adminPost sends an admin's form on the branch's courtesy cars page and
// fails unless it is taken.
func (r *loanRig) adminPost(path string, form url.Values) {
	r.t.Helper()
	resp, body := r.admin.Post(fmt.Sprintf("/admin/branches/%d/loaners%s", r.h.Branch.ID, path), form)
	if resp.StatusCode != http.StatusSeeOther {
		r.t.Fatalf("admin POST loaners%s: %d\n%s", path, resp.StatusCode, body)
	}
}

// addCar adds a courtesy car to the branch's fleet.
func (r *loanRig) addCar(plate, model string) {
	r.t.Helper()
	r.adminPost("", url.Values{"plate": {plate}, "model": {model}, "fuel": {hub.FuelPetrol}})
}

// loanSettings sets the branch's identity check (manual or stripe) and
// deposit ("" none, else złoty as typed), with the standard terms.
func (r *loanRig) loanSettings(method, deposit string) {
	r.t.Helper()
	form := url.Values{"identity_method": {method}, "photo_retention_days": {"30"}}
	if deposit != "" {
		form.Set("deposit", deposit)
		form.Set("deposit_currency", "PLN")
	}
	r.adminPost("/settings", form)
}

var identityWebhookURL = regexp.MustCompile(`<pre id="identity-webhook-url">([^<]+)</pre>`)

// stripeIdentity stores the branch's Stripe Identity webhook secret (the
// API key is the branch's Stripe payments key) and returns the path of the
// webhook address the page shows.
func (r *loanRig) stripeIdentity() string {
	r.t.Helper()
	r.adminPost("/identity", url.Values{"webhook_secret": {identityWhsec}})
	_, page := r.admin.Do(http.MethodGet, fmt.Sprintf("/admin/branches/%d/loaners", r.h.Branch.ID), nil)
	m := identityWebhookURL.FindStringSubmatch(page)
	if m == nil || !strings.HasPrefix(html.UnescapeString(m[1]), r.base+"/api/identity/stripe/") {
		r.t.Fatalf("the admin page shows no identity webhook address of the hub:\n%s", page)
	}
	return strings.TrimPrefix(html.UnescapeString(m[1]), r.base)
}

// order has the DMS push a work order of the branch's Polish customer.
func (r *loanRig) order(number string) {
	r.t.Helper()
	pushEvents(r.t, r.h, orderEvent(r.h, "wo-"+number, number, 1, "В работе", "PLN", "pl",
		[]any{line("1", "labor", "Naprawa skrzyni biegów", "3200")}, nil))
}

// thread is the inbox address of a work order's thread.
func (r *loanRig) thread(number string) string {
	return "/inbox/threads/" + strconv.FormatInt(r.h.Thread(r.t, number).ID, 10)
}

var (
	loanItem   = regexp.MustCompile(`id="loan-(\d+)"`)
	customerAt = regexp.MustCompile(`/l/(nrd_[A-Za-z0-9_-]+)`)
)

// offer has the advisor offer the car of plate on the work order's thread
// from its card in the inbox (handover now, back in two days, 6/8 of a
// tank, 41 250 km), and returns the loan's id (the card's newest) and the
// customer's link as the message to them carries it.
func (r *loanRig) offer(number, plate string) (int64, string) {
	r.t.Helper()
	thread := r.thread(number)
	_, page := r.advisor.Do(http.MethodGet, thread, nil)
	m := regexp.MustCompile(`<option value="(\d+)"[^>]*>[^<]*` + regexp.QuoteMeta(plate) + `</option>`).FindStringSubmatch(page)
	if m == nil {
		r.t.Fatalf("the card offers no car %s:\n%s", plate, page)
	}
	at := time.Now().In(r.h.Branch.Location()).Truncate(time.Minute)
	resp, body := r.advisor.Post(thread+"/loans", url.Values{"car": {m[1]}, "handover": {at.Format("2006-01-02T15:04")},
		"due_back": {at.Add(48 * time.Hour).Format("2006-01-02T15:04")}, "fuel": {"6"}, "odometer": {"41 250"}})
	if resp.StatusCode != http.StatusSeeOther {
		r.t.Fatalf("offer of %s: %d\n%s", plate, resp.StatusCode, body)
	}
	_, page = r.advisor.Do(http.MethodGet, thread, nil)
	item := loanItem.FindStringSubmatch(page)
	if item == nil {
		r.t.Fatalf("the card lists no loan after the offer:\n%s", page)
	}
	id, _ := strconv.ParseInt(item[1], 10, 64)
	// The thread keeps the link masked (hub.MaskLinks): the token is read
	// where the customer's phone gets it, the outbox row while it waits
	// or the SMS log once it is sent.
	msgs := threadOf(r.t, r.h, number)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Direction != hub.DirectionOut || !strings.Contains(msgs[i].Body, r.base+"/l/") {
			continue
		}
		var link string
		watest.Eventually(r.t, "the loan's link on its way to the customer", func() bool {
			item, err := r.h.Store.OutboxByMessage(context.Background(), msgs[i].ID)
			log, _ := os.ReadFile(filepath.Join(r.h.Config.DataDir, "sms.log"))
			all := customerAt.FindAllStringSubmatch(item.Body+"\n"+string(log), -1)
			if err != nil || len(all) == 0 {
				return false
			}
			link = r.base + "/l/" + all[0][1] // the row's own, when it still has it
			if !strings.Contains(item.Body, "/l/nrd_") {
				link = r.base + "/l/" + all[len(all)-1][1] // else the newest sent
			}
			return true
		})
		return id, link
	}
	r.t.Fatalf("the customer was sent no link to the loan")
	return 0, ""
}

// putKeyIn has the advisor sign in at the kiosk and put the loan's key
// into the box that opens, as the staff menu offers it, and returns the
// box's lock index.
func (r *loanRig) putKeyIn(loanID int64, car string) int {
	r.t.Helper()
	k := r.k
	k.sync()
	if err := k.enter(kiosk.ModeStaff, staffPIN); err != nil || k.e.Screen().Kind != kiosk.ScreenStaffMenu {
		r.t.Fatalf("staff PIN: %v, screen %+v", err, k.e.Screen())
	}
	if lk := k.e.Screen().LoanKeys; !slices.Contains(lk, kiosk.LoanKey{LoanID: loanID, Car: car}) {
		r.t.Fatalf("the staff menu's courtesy cars %+v lack loan %d, %s", lk, loanID, car)
	}
	box := k.opens("staff putting the key in", func() error { return k.e.StaffPutLoanKey(r.t.Context(), loanID) })
	k.shut(box, true, kiosk.ScreenStaffMenu)
	k.e.Home()
	k.sync()
	return box
}

// phone opens the customer's link on a 360 × 740 phone.
func (r *loanRig) phone(link string) *webtest.Tab {
	r.t.Helper()
	p := webtest.NewTab(r.t, r.browser)
	p.Do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	p.Open(link)
	p.WaitFor("the loan page", `document.getElementById("loan")`, "body")
	return p
}

// stripeHostedPages answers the tab's requests to Stripe's hosted pages
// (Identity's and Checkout's) with a stand-in, inside the browser: the
// loan page's Content-Security-Policy lets its identity and deposit
// buttons lead only to Stripe's own origins, and a test reaches no Stripe.
// On the stand-in the customer does what they do there and taps Done,
// which leads back to the address the hub gave when it made the session.
func (r *loanRig) stripeHostedPages(p *webtest.Tab) {
	r.t.Helper()
	paused := make(chan *fetch.EventRequestPaused, 16)
	if err := chromedp.Listen(p.Ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			paused <- e // Listen's fn may not block long: the buffer is far over what a test asks
		}
	}); err != nil {
		r.t.Fatal(err)
	}
	go func() {
		for {
			select {
			case <-p.Ctx.Done():
				return
			case e := <-paused:
				_, _ = chromedp.Call(p.Ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: e.RequestID, ResponseCode: http.StatusOK,
					ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html; charset=utf-8"}}, Body: r.hostedPage(e.Request.URL)})
			}
		}
	}()
	patterns := []*fetch.RequestPattern{{URLPattern: stripeid.HostedOrigin + "/*"}, {URLPattern: stripepay.HostedOrigin + "/*"}}
	if _, err := chromedp.Call(p.Ctx, fetch.Enable, fetch.EnableParams{Patterns: patterns}); err != nil {
		r.t.Fatalf("intercept Stripe's pages: %v", err)
	}
}

// hostedPage is the stand-in's page at address u, leading back to where
// the hub asked Stripe to send the customer when it made the session.
func (r *loanRig) hostedPage(u string) []byte {
	made, back := identityAt, "return_url"
	if strings.HasPrefix(u, stripepay.HostedOrigin+"/") {
		made, back = sessions, "success_url"
	}
	to := ""
	for _, q := range r.mock.Requests() {
		if q.Method == http.MethodPost && q.Path == made {
			to = q.Form.Get(back)
		}
	}
	return fmt.Appendf(nil, `<!doctype html><title>Stripe</title><h1 id="stripe-hosted">Stripe (test)</h1><a id="back" href="%s">Done</a>`,
		html.EscapeString(to))
}

// verificationSession makes stripe-mock answer the next session made
// with id and its hosted page's address.
func (r *loanRig) verificationSession(id string) {
	r.mock.Patch(http.MethodPost, identityAt, map[string]any{"id": id, "url": stripeid.HostedOrigin + "/start/test_" + id, "status": "requires_input"})
}

// identityEvent posts Stripe's webhook event of a verification session
// of the loan in status, signed with secret, to the hub's address path,
// and returns the answer's status.
func (r *loanRig) identityEvent(path, secret, eventID, status, sessionID string, loanID int64) int {
	r.t.Helper()
	body := stripemock.ObjectEvent(eventID, "identity.verification_session."+status, "identity.verification_session",
		verificationSessionObject(sessionID, status, loanID))
	return postWebhook(r.t, r.base, path, stripemock.Signed(secret, body, time.Now()), body)
}

// stripeSays makes stripe-mock answer a read of the verification session
// with this status, as Stripe would once the customer got that far: the
// loan page reads the session back when the customer returns
// (identity.Service.Refresh).
func (r *loanRig) stripeSays(sessionID, status string, loanID int64) {
	r.mock.Patch(http.MethodGet, identityAt+"/"+sessionID, verificationSessionObject(sessionID, status, loanID))
}

func verificationSessionObject(sessionID, status string, loanID int64) map[string]any {
	ref := identity.Reference(loanID)
	return map[string]any{"id": sessionID, "status": status, "type": "document", "client_reference_id": ref,
		"metadata": map[string]any{stripeid.MetadataReference: ref}}
}

// loanChanges are the DMS feed's loan changes about a work order, read
// with the DMS node's token, oldest first.
func loanChanges(t *testing.T, h *apptest.Hub, number string) []hub.LoanData {
	t.Helper()
	var out []hub.LoanData
	for _, c := range changesOf(t, h, hub.ChangeLoan, number) {
		raw, err := json.Marshal(c.Data)
		if err != nil {
			t.Fatal(err)
		}
		var d hub.LoanData
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

// events are the changes' events.
func events(changes []hub.LoanData) string {
	var out []string
	for _, c := range changes {
		out = append(out, c.Event)
	}
	return strings.Join(out, " ")
}

// download fetches a URL of the hub (with the DMS node's token when
// token is set) and fails unless it answers 200.
func download(t *testing.T, u, token string) ([]byte, http.Header) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return body, resp.Header
}

// idPhotos writes five JPEG photos, one of each kind of the manual check,
// each its own picture (the hub keeps one file per content).
func idPhotos(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	out := map[string]string{}
	for i, kind := range hub.IDPhotoKinds() {
		img := image.NewRGBA(image.Rect(0, 0, 64, 48))
		for x := range 64 {
			for y := range 48 {
				img.Set(x, y, color.RGBA{uint8(40 * i), uint8(x * 4), uint8(y * 5), 255})
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, nil); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, kind+".jpg")
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		out[kind] = path
	}
	return out
}

// sendPhotos has the customer take the five photos on the page, one by
// one (the page sends each as soon as it is chosen), and waits until the
// page says they are all in.
func sendPhotos(p *webtest.Tab, photos map[string]string) {
	p.T.Helper()
	kinds := hub.IDPhotoKinds()
	for i, kind := range kinds {
		p.Submit("take the photo "+kind, chromedp.SetUploadFiles(chromedp.CSS(`#photo-`+kind+` input[type=file]`), []string{photos[kind]}))
		if i < len(kinds)-1 {
			p.WaitFor(kind+" received", `document.querySelector("#photo-`+kind+`.received")`, "#identity")
		}
	}
	p.WaitFor("all photos in", `document.getElementById("identity-submitted")`, "#identity")
}

// reviewVersion is the loan's version in the card's approve form: what
// the advisor looked at.
func reviewVersion(t *testing.T, page string, loanID int64) string {
	t.Helper()
	m := regexp.MustCompile(fmt.Sprintf(`action="[^"]*/loans/%d/identity/approve">\s*<input type="hidden" name="csrf" value="[^"]*"><input type="hidden" name="version" value="(\d+)">`, loanID)).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the card offers no review of loan %d's photos:\n%s", loanID, page)
	}
	return m[1]
}
