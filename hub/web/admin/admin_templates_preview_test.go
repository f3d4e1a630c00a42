package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/store"
)

// The template page previews a default text with a sample work order
// line in the admin's language, whichever language the text is in.
func TestTemplatePreviewSamplesInTheAdminsLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		b := signIn(t, h, "root", store.RoleAdmin)
		for _, c := range []struct{ admin, line, notLine string }{
			{"pl", "Klocki hamulcowe", "Brake pads"},
			{"ru", "Тормозные колодки", "Brake pads"},
			{"en", "Brake pads", "Klocki hamulcowe"},
		} {
			b.Lang = c.admin
			for _, locale := range []string{"ru", "pl", "en"} {
				q := url.Values{"branch": {h.Branch.Code}, "key": {"reminder.declined_work"}, "locale": {locale}}
				resp, page := b.Do(http.MethodGet, "/admin/templates?"+q.Encode(), nil)
				_, preview, _ := strings.Cut(page, `<pre id="default">`)
				preview, _, _ = strings.Cut(preview, "</pre>")
				if resp.StatusCode != http.StatusOK || !strings.Contains(preview, c.line) || strings.Contains(preview, c.notLine) {
					t.Errorf("%s admin, %s text: %d, preview %q, want the line %q", c.admin, locale, resp.StatusCode, preview, c.line)
				}
			}
		}
	})
}
