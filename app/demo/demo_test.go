package demo_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"naryad/app/apptest"
	"naryad/app/demo"
	"naryad/hub"
	"naryad/hub/store/storetest"
)

// load runs the demo on h at now and returns what it printed.
func load(t *testing.T, h *apptest.Hub, now time.Time) string {
	t.Helper()
	var out bytes.Buffer
	if err := demo.LoadAt(context.Background(), h.Server, h.Config, &out, now); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	return out.String()
}

// signIn is the account line the demo prints: login and password.
var signIn = regexp.MustCompile(`Sign-in at \S+/login \(shown once\): (\S+) / (\S+)`)

func TestDemoLoadsTwiceAndItsAccountReachesEveryPage(t *testing.T) {
	h := apptest.Start(t, storetest.SQLite(t))
	guide := load(t, h, time.Now())
	for _, want := range []string{"Customer link of work order АА-000101: https://hub.example.test/c/", "DMS token (shown once):\nnrd_", "Sign-in at"} {
		if !strings.Contains(guide, want) {
			t.Fatalf("the guide lacks %q:\n%s", want, guide)
		}
	}
	account := signIn.FindStringSubmatch(guide)
	if account == nil {
		t.Fatalf("the guide prints no sign-in:\n%s", guide)
	}

	// The printed kiosk token finds the demo locker, and its customers got
	// drop-off codes.
	kioskToken := regexp.MustCompile(`kiosk --port \S+ --hub \S+ --token (\S+)`).FindStringSubmatch(guide)
	if kioskToken == nil || !regexp.MustCompile(`staff PIN of `+account[1]+`: \d{6}`).MatchString(guide) {
		t.Fatalf("the guide lacks the kiosk command or the staff PIN:\n%s", guide)
	}
	if _, err := h.Store.LockerSiteByTokenHash(context.Background(), hub.HashToken(kioskToken[1])); err != nil {
		t.Fatalf("the printed kiosk token: %v", err)
	}
	w, err := h.Store.WorkOrderByNumber(context.Background(), nodeOf(t, h), "АА-000101")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Store.LiveLockerCode(context.Background(), w.ID, hub.LockerCodeDropOff); err != nil {
		t.Fatalf("no drop-off code for the demo work order: %v", err)
	}

	// Signed in with what was printed, as a newcomer would, every staff
	// page opens: the only account of the demo is an admin.
	browser := h.NewClient(t).SignIn(account[1], account[2])
	for _, page := range []string{"/", "/inbox", "/mechanic", "/reports", "/lockers", "/admin"} {
		resp, body := browser.Do(http.MethodGet, page, nil)
		if page == "/" {
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/inbox" {
				t.Errorf("GET /: %d → %q, want the inbox", resp.StatusCode, resp.Header.Get("Location"))
			}
			continue
		}
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s as the demo's account: %d %.200s", page, resp.StatusCode, body)
		}
	}

	// Again: new token and threads, but no second account and no password.
	again := load(t, h, time.Now())
	if strings.Contains(again, "Sign-in at") || strings.Contains(again, "Key locker") {
		t.Errorf("a second run printed a new password or kiosk token:\n%s", again)
	}
}

// Whatever the hour the demo runs, its work orders were received and are
// promised within their branch's working hours, on its clock: received in
// the past, promised in the future.
func TestDemoTimesFallInWorkingHours(t *testing.T) {
	h := apptest.Start(t, storetest.SQLite(t))
	moscow, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	runs := []time.Time{
		time.Date(2026, 12, 7, 3, 15, 0, 0, moscow),   // Monday night
		time.Date(2026, 12, 9, 12, 0, 0, 0, moscow),   // Wednesday noon
		time.Date(2026, 12, 11, 21, 30, 0, 0, moscow), // Friday evening
		time.Date(2026, 12, 12, 17, 0, 0, 0, moscow),  // Saturday after closing
		time.Date(2026, 12, 13, 11, 0, 0, 0, moscow),  // Sunday
	}
	for _, now := range runs {
		load(t, h, now)
		node := nodeOf(t, h)
		var numbers []string
		if err := h.Store.Gorm(context.Background()).Raw("SELECT number FROM work_orders WHERE node_id = ? ORDER BY id", node).Scan(&numbers).Error; err != nil || len(numbers) != 3 {
			t.Fatalf("the demo's work orders: %q %v", numbers, err)
		}
		for _, number := range numbers {
			w, err := h.Store.WorkOrderByNumber(context.Background(), node, number)
			if err != nil {
				t.Fatal(err)
			}
			b, err := h.Store.Branch(context.Background(), w.BranchID)
			if err != nil {
				t.Fatal(err)
			}
			hours, err := hub.ParseHours(b.WorkingHours)
			if err != nil || hours.AlwaysOpen() {
				t.Fatalf("branch %s working hours %q: %v", b.Code, b.WorkingHours, err)
			}
			open := func(at time.Time) bool { // the branch is open the half hour before at
				return hours.Elapsed(at.Add(-30*time.Minute), at, b.Location()) == 30*time.Minute
			}
			clock := func(at time.Time) string { return at.In(b.Location()).Format("Mon 02.01 15:04 MST") }
			if !open(w.OpenedAt) || w.OpenedAt.After(now) {
				t.Errorf("run at %s: %s received %s, outside %s's hours (%s) or later than the run", clock(now), number, clock(w.OpenedAt), b.Code, b.WorkingHours)
			}
			if w.PromisedAt != nil && (!open(*w.PromisedAt) || !w.PromisedAt.After(now)) {
				t.Errorf("run at %s: %s promised %s, outside %s's hours (%s) or not later than the run", clock(now), number, clock(*w.PromisedAt), b.Code, b.WorkingHours)
			}
		}
	}
}

// Each demo customer reads the messages in their own language: the Polish
// customer's carry no Cyrillic at all (her branch, work order and money
// are Polish), the Russian customers' are Russian.
func TestDemoCustomersReadTheirOwnLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		load(t, h, time.Now())
		var sent []struct{ Name, TemplateKey, Body string }
		err := h.Store.Gorm(context.Background()).Raw(`SELECT c.name, m.template_key, m.body FROM messages m
			JOIN threads t ON t.id = m.thread_id JOIN customers c ON c.id = t.customer_id
			WHERE m.direction = ? ORDER BY m.id`, hub.DirectionOut).Scan(&sent).Error
		if err != nil {
			t.Fatal(err)
		}
		polish := map[string]bool{"Иван Петров": false, "ООО «Вектор»": false, "Anna Kowalska": true}
		told := map[string]bool{}
		for _, m := range sent {
			p, known := polish[m.Name]
			if !known {
				t.Fatalf("a message to %q, not a demo customer", m.Name)
			}
			told[m.Name] = true
			if cyrillic := strings.ContainsFunc(m.Body, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }); cyrillic == p {
				t.Errorf("%s: %s says %q", m.Name, m.TemplateKey, m.Body)
			}
		}
		if len(told) != len(polish) {
			t.Errorf("messages went to %v, want every one of %v", told, polish)
		}
	})
}

// The guide's example pushes a status change with nothing else in it. Run
// as printed, it applies, and the customer's page keeps the order's lines
// and total, which the event left out.
func TestDemoStatusChangeExample(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		guide := load(t, h, time.Now())
		token := regexp.MustCompile(`curl -s -H 'Authorization: Bearer (\S+)'`).FindStringSubmatch(guide)
		body := regexp.MustCompile(`(?s)--data-binary @- \\\n\s+\S+/api/dms/v1/events <<'EOF'\n(.*?)\nEOF\n`).FindStringSubmatch(guide)
		link := regexp.MustCompile(`Customer link of work order АА-000101: https://hub\.example\.test(/c/\S+)`).FindStringSubmatch(guide)
		if token == nil || body == nil || link == nil {
			t.Fatalf("the guide lacks the token, the example's body or the customer link:\n%s", guide)
		}
		before := customerPage(t, h, link[1])

		status, reply := h.PostEvents(t, token[1], []byte(body[1]))
		if status != http.StatusOK {
			t.Fatalf("the example: %d %v", status, reply)
		}
		if r := apptest.Results(t, reply); len(r) != 1 || r[0]["result"] != "applied" {
			t.Fatalf("the example's results: %v", r)
		}
		after := customerPage(t, h, link[1])
		if after.status != "ready" {
			t.Errorf("after the example the page shows status %q, want ready", after.status)
		}
		if after.total != before.total || after.total == "" || strings.Join(after.lines, "|") != strings.Join(before.lines, "|") || len(after.lines) == 0 {
			t.Errorf("the page showed lines %q total %q; after the example %q total %q", before.lines, before.total, after.lines, after.total)
		}
	})
}

// page is what the customer's page shows of the work order.
type page struct {
	status string   // the status's key (class status-<key>)
	lines  []string // the lines to approve
	total  string
}

func customerPage(t *testing.T, h *apptest.Hub, path string) page {
	t.Helper()
	resp := h.Do(t, httptest.NewRequest(http.MethodGet, path, nil))
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("customer page: %d %v", resp.StatusCode, err)
	}
	body := html.UnescapeString(string(raw))
	var p page
	if m := regexp.MustCompile(`class="status status-(\w+)"`).FindStringSubmatch(body); m != nil {
		p.status = m[1]
	}
	for _, m := range regexp.MustCompile(`<legend>([^<]+)</legend>`).FindAllStringSubmatch(body, -1) {
		p.lines = append(p.lines, m[1])
	}
	if m := regexp.MustCompile(`<p class="total">[^<]*<strong>([^<]+)</strong>`).FindStringSubmatch(body); m != nil {
		p.total = m[1]
	}
	return p
}

// nodeOf finds the DMS node the demo just made: the newest one.
func nodeOf(t *testing.T, h *apptest.Hub) int64 {
	t.Helper()
	nodes, err := h.Store.Nodes(context.Background())
	if err != nil || len(nodes) == 0 {
		t.Fatalf("nodes: %v %v", nodes, err)
	}
	newest := nodes[0]
	for _, n := range nodes {
		if n.ID > newest.ID {
			newest = n
		}
	}
	return newest.ID
}
