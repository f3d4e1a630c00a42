package adminpage_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/store"
	"naryad/reminders"
)

// The branch's channels per customer rule: thread only until changed,
// saved with one audit row, a rule with no channel refused (nothing
// stored), in the staff member's language.
func TestAdminRemindersChannels(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		admin := signIn(t, h, "root", store.RoleAdmin)
		_, page := admin.Do(http.MethodGet, "/admin/reminders", nil)
		if !strings.Contains(page, `name="thread.expiring" aria-label="SMS / WhatsApp" checked`) || strings.Contains(page, `name="email.expiring" aria-label="E-mail" checked`) {
			t.Fatalf("page lacks the thread-only default:\n%s", page)
		}
		form := url.Values{"branch": {h.Branch.Code}}
		for _, rule := range reminders.CustomerRules() {
			form.Set("thread."+rule, "on")
		}
		form.Set("email.expiring", "on")
		before := audits(t, h, store.AuditAdminChanged)
		resp, page := admin.Post("/admin/reminders/channels", form)
		admin.WantRedirect(resp, page, "/admin/reminders?branch="+h.Branch.Code+"&done=channels", "The reminder channels were saved.")
		got, err := h.Store.ReminderChannelOf(ctx, h.Branch.ID, reminders.RuleExpiring)
		if err != nil || !got.Thread || !got.Email {
			t.Fatalf("expiring = %+v, %v", got, err)
		}
		if n := audits(t, h, store.AuditAdminChanged); n != before+1 {
			t.Fatalf("audits %d, want %d", n, before+1)
		}
		if _, page := admin.Do(http.MethodGet, "/admin/reminders", nil); !strings.Contains(page, `name="email.expiring" aria-label="E-mail" checked`) {
			t.Fatalf("saved e-mail not shown:\n%s", page)
		}

		bad := url.Values{"branch": {h.Branch.Code}, "email.expiring": {"on"}}
		resp, page = admin.Post("/admin/reminders/channels", bad)
		apptest.WantRefused(t, resp, page, "Choose at least one channel")
		admin.Lang = "pl"
		resp, page = admin.Post("/admin/reminders/channels", bad)
		apptest.WantRefused(t, resp, page, "Wybierz co najmniej jeden kanał")
		resp, page = admin.Post("/admin/reminders/channels", url.Values{"branch": {"NOPE"}})
		apptest.WantRefused(t, resp, page, "Nie ma takiego oddziału")
		if got, _ := h.Store.ReminderChannelOf(ctx, h.Branch.ID, reminders.RuleExpiring); !got.Thread || !got.Email {
			t.Fatalf("a refused form changed expiring: %+v", got)
		}
		if got, _ := h.Store.ReminderChannelOf(ctx, h.Branch.ID, reminders.RuleKeys); !got.Thread || got.Email {
			t.Fatalf("a refused form changed keys: %+v", got)
		}
	})
}
