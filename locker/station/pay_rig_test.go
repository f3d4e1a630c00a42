//go:build linux || darwin

package station_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"naryad/app"
	"naryad/app/admincmd"
	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp/watest"
	"naryad/internal/stripemock"
	"naryad/payments/yookassa/yookassatest"
	"naryad/templates"
)

// The pieces of issue #16's end-to-end tests: a hub whose payment
// providers are the real peers' stand-ins (stripe-mock, the YooKassa
// fake), a branch set up with `naryad payments set`, the DMS's pushes, the
// customer's page and the DMS's change feed, all through the hub's public
// surface.

// peers are the payment providers' stand-ins a hub under test talks to:
// Stripe's own mock server (behind a recording proxy) and the YooKassa fake.
type peers struct {
	stripe *stripemock.Server
	yk     *yookassatest.Server
}

// eachPayHub runs fn against a fresh hub on every test backend, with
// providers' stand-ins of its own whose APIs the hub's payments use.
func eachPayHub(t *testing.T, fn func(t *testing.T, h *apptest.Hub, p peers)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		p := peers{stripe: stripemock.Start(t), yk: yookassatest.New(t)}
		h := apptest.StartWith(t, b, app.Deps{PaymentBaseURLs: map[string]string{
			hub.ProviderStripe: p.stripe.URL, hub.ProviderYooKassa: p.yk.URL}})
		fn(t, h, p)
	})
}

// polishBranch adds a Warsaw branch (PLN, Polish) and returns the hub as
// seen from it: pushes, locker sites and payments go to that branch.
func polishBranch(t *testing.T, h *apptest.Hub) *apptest.Hub {
	t.Helper()
	pl := hub.Branch{Code: "WAW1", Name: "Serwis Mokotów", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl", Phone: "+48221234567"}
	if err := h.Store.CreateBranch(t.Context(), &pl); err != nil {
		t.Fatal(err)
	}
	at := *h
	at.Branch = pl
	return &at
}

// setPayments configures the hub's branch with `naryad payments set`, the
// secrets in files as an operator keeps them, and returns the path of the
// webhook address it printed.
func setPayments(t *testing.T, h *apptest.Hub, provider, secretKey, webhookSecret string, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "secret-key")
	if err := os.WriteFile(keyFile, []byte(secretKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args = append([]string{"--branch", h.Branch.Code, "--provider", provider, "--secret-key-file", keyFile}, args...)
	if webhookSecret != "" {
		whFile := filepath.Join(dir, "webhook-secret")
		if err := os.WriteFile(whFile, []byte(webhookSecret), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--webhook-secret-file", whFile)
	}
	noEnv := func(string) string { return "" }
	out := runAdmin(t, h, admincmd.PaymentsSetCommand(noEnv, app.PaymentProviders()), args...)
	m := regexp.MustCompile(regexp.QuoteMeta(h.Config.BaseURL()) + `(/api/payments/` + provider + `/\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("payments set printed no webhook address:\n%s", out)
	}
	return m[1]
}

// pushEvents sends the DMS's events in one batch and fails the test
// unless every one is applied.
func pushEvents(t *testing.T, h *apptest.Hub, events ...map[string]any) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"events": events})
	if err != nil {
		t.Fatal(err)
	}
	status, reply := h.PostEvents(t, h.Token, body)
	if status != http.StatusOK {
		t.Fatalf("push: status %d %v", status, reply)
	}
	for i, r := range apptest.Results(t, reply) {
		if r["result"] != "applied" {
			t.Fatalf("push: event %d (%v): %v", i, events[i]["id"], r)
		}
	}
}

// orderEvent is a work_order event of the hub's branch: a customer with a
// phone, the lines given (none needing approval), fields on top.
func orderEvent(h *apptest.Hub, id, number string, version int, status, currency, locale string, lines []any, fields map[string]any) map[string]any {
	wo := map[string]any{
		"number": number, "version": version, "branch": h.Branch.Code, "status": status, "currency": currency,
		"customer": map[string]any{"external_id": "C-" + number, "name": "Jan Kowalski", "phones": []any{"+48601234567"}, "locale": locale},
		"vehicle":  map[string]any{"external_id": "V-" + number, "plate": "WA 12345", "make": "Škoda", "model": "Octavia"},
		"lines":    lines,
	}
	if locale == "ru" {
		wo["customer"].(map[string]any)["phones"] = []any{"+79161234567"}
	}
	for k, v := range fields {
		wo[k] = v
	}
	return map[string]any{"id": id, "type": "work_order",
		"occurred_at": time.Now().In(h.Branch.Location()).Format("2006-01-02T15:04:05"), "work_order": wo}
}

// line is a work order line of one unit at a decimal price.
func line(id, kind, name, price string) map[string]any {
	return map[string]any{"id": id, "kind": kind, "name": name, "qty": 1, "unit_price": price}
}

// documentEvent is a PDF for a work order, of a kind ("invoice", "akt").
func documentEvent(id, number, name, kind string) map[string]any {
	return map[string]any{"id": id, "type": "document", "occurred_at": "2026-12-01T12:40:00", "document": map[string]any{
		"work_order_number": number, "name": name, "kind": kind,
		"data_base64": "JVBERi0xLjQgZGVtbw==",
	}}
}

// money is an amount as the customer reads it.
func money(t *testing.T, locale string, minor int64, currency string) string {
	t.Helper()
	s, err := templates.Money(locale, minor, currency)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// lastSent is the body of the last message to the customer made from key.
func lastSent(t *testing.T, msgs []hub.Message, key string) string {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Direction == hub.DirectionOut && msgs[i].TemplateKey == key {
			return msgs[i].Body
		}
	}
	t.Fatalf("no %s message in the thread", key)
	return ""
}

// delivered is the text of the thread's last key message as it goes to
// the customer's phone: the thread keeps its links masked
// (hub.MaskLinks), so it is read from the message's outbox row while it
// waits (quiet hours may hold it) or from the SMS provider's log once
// sent, the message with its masked tokens matched to real ones.
func delivered(t *testing.T, h *apptest.Hub, msgs []hub.Message, key string) string {
	t.Helper()
	var m hub.Message
	for i := len(msgs) - 1; i >= 0 && m.ID == 0; i-- {
		if msgs[i].Direction == hub.DirectionOut && msgs[i].TemplateKey == key {
			m = msgs[i]
		}
	}
	if m.ID == 0 {
		t.Fatalf("no %s message in the thread", key)
	}
	pattern := regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(m.Body), "/c/…", "/c/[A-Za-z0-9_-]{32,}"))
	var got string
	watest.Eventually(t, "the "+key+" message on its way: "+m.Body, func() bool {
		item, _ := h.Store.OutboxByMessage(context.Background(), m.ID)
		log, _ := os.ReadFile(filepath.Join(h.Config.DataDir, "sms.log"))
		got = pattern.FindString(item.Body + "\n" + string(log))
		return got != ""
	})
	return got
}

// customerOf is a customer's phone browser on the work order's page: it
// opened the link from the SMS (a session, the page's form token).
type customerOf struct {
	t    *testing.T
	c    *apptest.Client
	path string // /c/<token>
}

var customerCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func openPage(t *testing.T, h *apptest.Hub, number string) *customerOf {
	t.Helper()
	return &customerOf{t: t, c: h.NewClient(t), path: h.CustomerPath(t, number)}
}

// page loads the order page and returns its HTML.
func (u *customerOf) page() string {
	u.t.Helper()
	resp, body := u.c.Do(http.MethodGet, u.path, nil)
	if resp.StatusCode != http.StatusOK {
		u.t.Fatalf("GET %s: %d\n%s", u.path, resp.StatusCode, body)
	}
	return body
}

// pay presses the pay button of offer and returns where it leads: the
// 303's Location.
func (u *customerOf) pay(offer string) string {
	u.t.Helper()
	m := customerCSRF.FindStringSubmatch(u.page())
	if m == nil {
		u.t.Fatal("the customer page has no form token")
	}
	resp, body := u.c.Do(http.MethodPost, u.path+"/pay", url.Values{"csrf": {m[1]}, "offer": {offer}})
	if resp.StatusCode != http.StatusSeeOther {
		u.t.Fatalf("pay %s: %d, want 303\n%s", offer, resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

// returnState is the state the return page shows for a payment (paid,
// pending, failed).
func (u *customerOf) returnState(paymentID int64) string {
	u.t.Helper()
	resp, body := u.c.Do(http.MethodGet, fmt.Sprintf("%s/pay/return/%d", u.path, paymentID), nil)
	if resp.StatusCode != http.StatusOK {
		u.t.Fatalf("return page of payment %d: %d", paymentID, resp.StatusCode)
	}
	m := regexp.MustCompile(`data-state="([a-z]+)"`).FindStringSubmatch(body)
	if m == nil {
		u.t.Fatalf("the return page shows no state:\n%s", body)
	}
	return m[1]
}

// postWebhook posts a provider's notification to the hub's webhook
// address over HTTP and returns the status.
func postWebhook(t *testing.T, base, path string, header http.Header, body []byte) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header.Clone()
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("webhook: %v", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// feedChange is one change of the DMS feed.
type feedChange struct {
	Type, Number string
	Data         map[string]any
}

// feed reads the DMS change feed from the start, as the DMS does.
func feed(t *testing.T, h *apptest.Hub) []feedChange {
	t.Helper()
	var out []feedChange
	after := int64(0)
	for range 100 {
		status, page := h.Get(t, fmt.Sprintf("/api/dms/v1/changes?after=%d&limit=1000", after))
		if status != http.StatusOK {
			t.Fatalf("changes after %d: %d %v", after, status, page)
		}
		changes, _ := page["changes"].([]any)
		for _, c := range changes {
			c := c.(map[string]any)
			data, _ := c["data"].(map[string]any)
			number, _ := c["work_order_number"].(string)
			out = append(out, feedChange{Type: c["type"].(string), Number: number, Data: data})
		}
		next := int64(page["last_seq"].(float64))
		if len(changes) == 0 || next == after {
			return out
		}
		after = next
	}
	t.Fatal("the change feed did not end within 100 pages")
	return nil
}

// changesOf are the feed's changes of one type about a work order.
func changesOf(t *testing.T, h *apptest.Hub, typ, number string) []feedChange {
	t.Helper()
	var out []feedChange
	for _, c := range feed(t, h) {
		if c.Type == typ && c.Number == number {
			out = append(out, c)
		}
	}
	return out
}

// paymentsOf lists a work order's payments, oldest first.
func paymentsOf(t *testing.T, h *apptest.Hub, number string) []hub.Payment {
	t.Helper()
	ps, err := h.Store.PaymentsOfWorkOrder(t.Context(), workOrder(t, h, number).ID)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(ps, func(a, b hub.Payment) int { return cmp.Compare(a.ID, b.ID) })
	return ps
}

// openTasks are the branch's open staff tasks of a kind.
func openTasks(t *testing.T, h *apptest.Hub, kind string) []store.StaffTask {
	t.Helper()
	all, err := h.Store.OpenStaffTasks(t.Context(), h.Branch.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.StaffTask
	for _, task := range all {
		if task.Kind == kind {
			out = append(out, task)
		}
	}
	return out
}

// contains fails the test unless s holds every want; a no-break space
// (pages keep an amount on one line with it) counts as a space.
func contains(t *testing.T, what, s string, want ...string) {
	t.Helper()
	s = strings.ReplaceAll(s, "\u00a0", " ")
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Fatalf("%s does not carry %q:\n%s", what, w, s)
		}
	}
}
