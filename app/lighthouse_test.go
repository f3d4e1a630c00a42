package app_test

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/app/demo"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
)

// minAccessibility is the Lighthouse accessibility score the advisors'
// pages keep (issue #18).
const minAccessibility = 0.95

// TestLighthouseAccessibilityOfInboxAndThread runs Lighthouse's
// accessibility audit on the inbox and a thread page of the demo data, as
// its admin, at desktop width (both panes and the side panel shown).
func TestLighthouseAccessibilityOfInboxAndThread(t *testing.T) {
	h := apptest.Start(t, storetest.SQLite(t))
	var guide bytes.Buffer
	if err := demo.LoadAt(context.Background(), h.Server, h.Config, &guide, time.Now()); err != nil {
		t.Fatalf("demo: %v\n%s", err, guide.String())
	}
	account := regexp.MustCompile(`Sign-in at \S+/login \(shown once\): (\S+) / (\S+)`).FindStringSubmatch(guide.String())
	if account == nil {
		t.Fatalf("the demo printed no sign-in:\n%s", guide.String())
	}
	client := h.NewClient(t).SignIn(account[1], account[2])
	_, inbox := client.Do(http.MethodGet, "/inbox", nil)
	thread := regexp.MustCompile(`href="(/inbox/threads/\d+)"`).FindStringSubmatch(inbox)
	if thread == nil {
		t.Fatalf("the demo's inbox links no thread:\n%.2000s", inbox)
	}
	session := client.Cookies["nrd_staff"]
	headers := map[string]string{"Cookie": session.Name + "=" + session.Value, "Accept-Language": "ru-RU,ru;q=0.9"}
	base := h.Run(t)
	for _, page := range []string{"/inbox", thread[1]} {
		audit := webtest.Accessibility(t, base+page, headers, true)
		t.Logf("%s: %s", page, audit)
		if audit.URL != base+page {
			t.Fatalf("lighthouse audited %s, not %s: the session cookie was not taken", audit.URL, base+page)
		}
		if audit.Score < minAccessibility {
			t.Errorf("%s: %s, want at least %.0f", page, audit, minAccessibility*100)
		}
	}
}
