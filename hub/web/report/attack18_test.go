package report_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
)

// Hostile customers, comments and regions reach the page as text and the
// CSV as inert cells; any query string is a page or a localized 400.
func TestReportHostileDataAndQueries(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		hostile := []string{"@SUM(1+1)", "+1+cmd", "-2+3", "\t=1+1", "\r=1+1", "=1;2", `<b onmouseover=alert(3)>x</b>`}
		for i, c := range hostile {
			n := "ЗН-9" + strconv.Itoa(i)
			h.PushWorkOrder(t, "e9"+strconv.Itoa(i), n, 1, "В работе", map[string]any{
				"customer": map[string]any{"external_id": "C-x", "name": `=cmd|' /C calc'!A0<script>alert(1)</script>`, "phones": []any{"+79161230000"}, "locale": "ru"},
				"vehicle":  map[string]any{"external_id": "V-x", "plate": "В777ВВ77", "make": `@SUM(1+1)<img src=x onerror=alert(2)>`, "model": "X"},
			})
			scoreWithComment(t, h, n, 10-i, time.Duration(i+1)*time.Hour, c)
		}
		if err := h.Store.SetBranchRegion(context.Background(), h.Branch.ID, `<svg onload=alert(4)>`); err != nil {
			t.Fatal(err)
		}
		cl := w.signIn(t, "anna")
		cl.Lang = "ru"
		base := "/reports?from=2025-03-01&to=2025-03-31"
		for _, by := range []string{"branch", "region", "customer", "make"} {
			resp, page := cl.Do(http.MethodGet, base+"&by="+by, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("by=%s: %d", by, resp.StatusCode)
			}
			for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload", "<b onmouseover"} {
				if strings.Contains(page, bad) {
					t.Errorf("by=%s: %q as markup", by, bad)
				}
			}
			for _, table := range []string{"branches", "regions", "advisors", "nps", "nps_regions", "comments", "conversion", "online", "sla", "sla_advisors"} {
				resp, body := cl.Do(http.MethodGet, base+"&by="+by+"&format=csv&table="+table, nil)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s by=%s: %d %s", table, by, resp.StatusCode, body)
				}
				r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF")))
				r.Comma, r.FieldsPerRecord = ';', -1
				rows, err := r.ReadAll()
				if err != nil {
					t.Fatalf("%s: %v", table, err)
				}
				for _, row := range rows {
					for _, cell := range row {
						if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && strings.ContainsAny(cell, "=+-@(") && len(cell) > 1 && !isNumber(cell) {
							t.Errorf("%s by=%s: live cell %q", table, by, cell)
						}
					}
				}
			}
		}
		for _, q := range []string{"from=0000-01-01&to=0000-01-05", "from=9999-12-25&to=9999-12-31", "from=0001-01-01&to=0001-01-01",
			"from=2025-03-01&to=2025-03-31&by=", "by=branch%27--", "format=csv", "format=csv&table=", "format=xlsx&table=nps",
			"from=" + url.QueryEscape(strings.Repeat("9", 3000)), "from=2025-02-29", "to=2025-03-01T00:00:00Z", "from=%252e%252e",
			"from=<script>x</script>&to=2025-03-01"} {
			resp, page := cl.Do(http.MethodGet, "/reports?"+q, nil)
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: %d %s", q, resp.StatusCode, page)
			}
			if resp.StatusCode == http.StatusBadRequest && strings.Contains(page, "<script>x") {
				t.Errorf("%s: echoed as markup", q)
			}
		}
	})
}

func isNumber(s string) bool {
	for _, r := range strings.Replace(s, ",", ".", 1) {
		if !strings.ContainsRune("0123456789.-+", r) {
			return false
		}
	}
	return true
}
