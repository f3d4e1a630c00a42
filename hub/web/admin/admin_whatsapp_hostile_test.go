package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// The branch's WhatsApp form refuses what is not a setting (negative,
// huge, not a number, NUL bytes, an unknown branch) with words, and a
// refused form leaves the stored settings as they were.
func TestWhatsAppBranchFormRefusesBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, backend storetest.Backend) {
		ctx := context.Background()
		h := startWAHub(t, st, backend)
		b := h.signIn(t, "root", store.RoleAdmin)
		branch, err := st.BranchByCode(ctx, "MSK1")
		if err != nil {
			t.Fatal(err)
		}
		good := url.Values{"groups": {"on"}, "leave-days": {"3"}, "invites": {"on"}, "sms-after-hours": {"6"}, "mark-read": {"on"}}
		if resp, _ := b.Post("/admin/whatsapp/branches/MSK1", good); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("good form: %d", resp.StatusCode)
		}
		saved, err := st.BranchWASettings(ctx, branch.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []map[string]string{
			{"leave-days": "-1"}, {"leave-days": "99999999999999999999"}, {"leave-days": "три"}, {"leave-days": ""},
			{"sms-after-hours": "-6"}, {"sms-after-hours": "169"}, {"sms-after-hours": "1e9"}, {"sms-after-hours": "6\x00"},
			{"sms-after-hours": "9223372036854775808"},
		} {
			form := url.Values{}
			for k, v := range good {
				form[k] = v
			}
			form.Del("groups")
			form.Del("mark-read") // the refused form would turn them off
			for k, v := range bad {
				form.Set(k, v)
			}
			resp, page := b.Post("/admin/whatsapp/branches/MSK1", form)
			if resp.StatusCode < 400 || resp.StatusCode >= 500 || len(strings.TrimSpace(page)) == 0 {
				t.Fatalf("%q: %d %s", bad, resp.StatusCode, page)
			}
			if now, err := st.BranchWASettings(ctx, branch.ID); err != nil || now != saved {
				t.Fatalf("%q changed the settings: %+v, was %+v (%v)", bad, now, saved, err)
			}
		}
		for _, code := range []string{"NOPE", "MSK1%00", "%2e%2e"} {
			if resp, page := b.Post("/admin/whatsapp/branches/"+code, good); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("branch %s: %d %s", code, resp.StatusCode, page)
			}
		}
	})
}
