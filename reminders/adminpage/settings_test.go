package adminpage_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/store"
)

// The branch's declined_offer_days is shown (90 by default) and saved
// from /admin/reminders with an audit row; anything but a whole number
// from 1 to 730, or another branch's code, is refused and nothing stored.
// The form speaks the staff member's language.
func TestAdminRemindersSetsTheDeclinedOfferDays(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		admin := signIn(t, h, "root", store.RoleAdmin)
		_, page := admin.Do(http.MethodGet, "/admin/reminders", nil)
		if !strings.Contains(page, `name="declined-offer-days" min="1" max="730" value="90"`) {
			t.Fatalf("page lacks the setting at 90:\n%s", page)
		}
		before := audits(t, h, store.AuditAdminChanged)
		resp, page := admin.Post("/admin/reminders/settings", url.Values{"branch": {h.Branch.Code}, "declined-offer-days": {" 30 "}})
		admin.WantRedirect(resp, page, "/admin/reminders?branch="+h.Branch.Code+"&done=settings", "The reminder settings were saved.")
		days := func() int {
			set, err := h.Store.BranchReminderSettings(ctx, h.Branch.ID)
			if err != nil {
				t.Fatal(err)
			}
			return set.DeclinedOfferDays
		}
		if days() != 30 || audits(t, h, store.AuditAdminChanged) != before+1 {
			t.Fatalf("days %d, audits %d (before %d)", days(), audits(t, h, store.AuditAdminChanged), before)
		}
		for _, bad := range []string{"0", "731", "abc", "3\x00", "", "1e2", strings.Repeat("9", 5000)} {
			resp, page := admin.Post("/admin/reminders/settings", url.Values{"branch": {h.Branch.Code}, "declined-offer-days": {bad}})
			if resp.StatusCode != http.StatusBadRequest || (bad != "3\x00" && !strings.Contains(page, "from 1 to 730")) {
				t.Errorf("%q: status %d:\n%s", bad, resp.StatusCode, page)
			}
		}
		resp, page = admin.Post("/admin/reminders/settings", url.Values{"branch": {"NOPE"}, "declined-offer-days": {"10"}})
		apptest.WantRefused(t, resp, page, "There is no such branch")
		if days() != 30 {
			t.Fatalf("a refused form stored %d", days())
		}
		for lang, want := range map[string]string{"ru": "Такого филиала нет", "pl": "Nie ma takiego oddziału"} {
			admin.Lang = lang
			resp, page = admin.Post("/admin/reminders/settings", url.Values{"branch": {"NOPE"}, "declined-offer-days": {"10"}})
			apptest.WantRefused(t, resp, page, want)
		}

		admin.Lang = "ru-RU,ru;q=0.9"
		if _, page := admin.Do(http.MethodGet, "/admin/reminders", nil); !strings.Contains(page, "Предложить отклонённые работы снова через") {
			t.Errorf("the form is not in Russian:\n%s", page)
		}
	})
}
