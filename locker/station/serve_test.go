//go:build linux || darwin

package station_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/templates"
)

// `naryad serve --locker-port` runs the locker inside the hub: the kiosk
// page is served on the kiosk address, the boards are driven over their
// serial line, and a drop-off reaches the work order's thread through the
// in-process link. The hub has no kiosk URL configured (KioskHub is
// empty), so nothing can have gone over HTTP to the hub.
func TestServeRunsTheLockerInProcess(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		site := addLockerSite(t, h, "North gate", 1)
		h.PushWorkOrder(t, "wo-1", "ЛК-301", 1, "Принят", nil)
		code := codeIn(t, threadOf(t, h, "ЛК-301"), templates.KeyLockerDropOff)
		boards, link := simulateBoards(t, 1)
		h.Config.LockerPort, h.Config.LockerToken, h.Config.KioskAddr = link, site.Token, freeAddr(t)
		if h.Config.KioskHub != "" {
			t.Fatalf("the hub has a kiosk hub URL %q: the test could not tell the links apart", h.Config.KioskHub)
		}
		h.Run(t)
		page := &kioskPage{t: t, base: "http://" + h.Config.KioskAddr}

		// The page names the site once the kiosk has synced in process.
		waitUntil(t, 10*time.Second, func() string { return "the kiosk page never named the site:\n" + page.get() },
			func() bool { return strings.Contains(page.get(), site.Name) })

		page.post("/begin/dropoff", nil)
		page.post("/entry", url.Values{"code": {code}})
		if body := page.get(); !strings.Contains(body, `id="door-message"`) || !strings.Contains(body, `<p class="box-number" aria-hidden="true">1</p>`) {
			t.Fatalf("after the code, the page does not show box 1 open:\n%s", body)
		}
		if n, closed := boards.Unlocks(0, 0), boards.Lock(0, 0).Closed; n != 1 || closed {
			t.Fatalf("box 1: %d unlock pulses, closed %t; want one pulse and the door open", n, closed)
		}
		boards.SetItem(0, 0, true)
		boards.CloseDoor(0, 0)
		waitUntil(t, 5*time.Second, func() string { return "the page never showed the drop-off done:\n" + page.get() },
			func() bool { return strings.Contains(page.get(), `id="done-message"`) })

		waitUntil(t, 10*time.Second, func() string {
			return fmt.Sprintf("the thread never got the drop-off: %+v", threadOf(t, h, "ЛК-301"))
		},
			func() bool {
				msgs := threadOf(t, h, "ЛК-301")
				return noteCount(msgs, "keys received from the customer") == 1 && sentCount(msgs, templates.KeyLockerReceived) == 1
			})
	})
}

// kioskPage is the touch-screen page as the kiosk's browser uses it.
type kioskPage struct {
	t    *testing.T
	base string
}

// client does not follow the page's post-redirect-get, so post can check
// each tap was taken (303).
var client = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// get is the page the screen shows now ("" while it does not answer).
func (p *kioskPage) get() string {
	resp, err := client.Get(p.base + "/")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return ""
	}
	return string(body)
}

// post is a tap on the page: a form posted from the page itself.
func (p *kioskPage) post(path string, form url.Values) {
	p.t.Helper()
	req, err := http.NewRequestWithContext(p.t.Context(), http.MethodPost, p.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := client.Do(req)
	if err != nil {
		p.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		body, _ := io.ReadAll(resp.Body)
		p.t.Fatalf("POST %s = %d to %q, want 303 to /\n%s", path, resp.StatusCode, resp.Header.Get("Location"), body)
	}
}
