package account

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/reply"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// seedCustomer stores a branch, a customer holding phone and their thread
// with one message each way and a staff note.
func seedCustomer(t *testing.T, st *store.Store, phone string) (customerID int64, thread hub.Thread) {
	t.Helper()
	ctx := context.Background()
	db := st.Gorm(ctx)
	b := hub.Branch{Code: "WAW", Name: "Warszawa", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"}
	if err := st.CreateBranch(ctx, &b); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := db.Raw("INSERT INTO customers (name, created_at, updated_at) VALUES ('Jan Kowalski', ?, ?) RETURNING id", now, now).Scan(&customerID).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("INSERT INTO customer_phones (customer_id, e164) VALUES (?, ?)", customerID, phone).Error; err != nil {
		t.Fatal(err)
	}
	thread = hub.Thread{BranchID: b.ID, CustomerID: &customerID, Phone: phone, Channel: hub.ChannelSMS, State: hub.ThreadOpen, LastActivityAt: now, CreatedAt: now}
	if err := db.Create(&thread).Error; err != nil {
		t.Fatal(err)
	}
	for _, m := range []hub.Message{
		{ThreadID: thread.ID, Direction: hub.DirectionIn, Body: "Kiedy odbiór?", CreatedAt: now, UpdatedAt: now},
		{ThreadID: thread.ID, Direction: hub.DirectionNote, Body: "staff only note", CreatedAt: now, UpdatedAt: now},
	} {
		if err := db.Create(&m).Error; err != nil {
			t.Fatal(err)
		}
	}
	return customerID, thread
}

func TestPrivacyConsentExportDeletion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		const phone = "+48601234567"
		customerID, thread := seedCustomer(t, st, phone)
		app, h := newTestApp(t, st)
		ck, csrf := signIn(t, h, phone)
		do := func(method, target string, form url.Values) (*http.Response, string) {
			req := httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(ck)
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			return resp, string(b)
		}
		optedOut := func() bool {
			rc, err := st.ReminderRecipients(ctx, []int64{customerID})
			if err != nil {
				t.Fatal(err)
			}
			return rc[customerID].OptedOutAt != nil
		}

		if resp, body := do("GET", "/account/privacy", nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, `data-purpose="reminders" data-granted="true"`) {
			t.Fatalf("privacy page: %d", resp.StatusCode)
		}
		// Withdrawing reminders on the page: the reminders skip the customer.
		resp, _ := do("POST", "/account/privacy/consent", url.Values{"_csrf": {csrf}, "phone": {phone}, "purpose": {"reminders"}, "granted": {"0"}})
		if resp.StatusCode != http.StatusSeeOther || !optedOut() {
			t.Fatalf("withdraw reminders: %d, opted out %v", resp.StatusCode, optedOut())
		}
		if out, _ := st.CustomerOptedOut(ctx, customerID); !out {
			t.Fatal("the send-time check still reminds")
		}
		// Another's phone, an unknown purpose, no CSRF: refused, nothing stored.
		for _, form := range []url.Values{
			{"_csrf": {csrf}, "phone": {"+48601234568"}, "purpose": {"marketing"}, "granted": {"0"}},
			{"_csrf": {csrf}, "phone": {phone}, "purpose": {"spam"}, "granted": {"0"}},
			{"_csrf": {csrf}, "phone": {phone}, "purpose": {"marketing"}, "granted": {"maybe"}},
		} {
			if resp, _ := do("POST", "/account/privacy/consent", form); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("bad consent %v: %d", form, resp.StatusCode)
			}
		}
		if resp, _ := do("POST", "/account/privacy/consent", url.Values{"phone": {phone}, "purpose": {"marketing"}, "granted": {"0"}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("consent without CSRF: %d", resp.StatusCode)
		}
		if denied, _ := st.ConsentDenied(ctx, "+48601234568", store.ConsentMarketing); denied {
			t.Fatal("a refused change was stored")
		}

		// START by SMS gives reminders back, STOP takes them away: source stop_reply.
		words := reply.NewOptOutWords(strings.Split(reply.DefaultOptOutWords, ","))
		if err := words.Apply(ctx, st, thread, "start"); err != nil {
			t.Fatal(err)
		}
		if optedOut() {
			t.Fatal("START did not give the reminders back")
		}
		if err := words.Apply(ctx, st, thread, "STOP!"); err != nil {
			t.Fatal(err)
		}
		cs, _ := st.Consents(ctx, phone)
		if cs[1].Purpose != store.ConsentReminders || cs[1].Granted || cs[1].Source != store.ConsentFromStopReply || !optedOut() {
			t.Fatalf("after STOP: %+v", cs[1])
		}
		hist, _ := st.ConsentHistory(ctx, phone)
		if len(hist) != 3 {
			t.Fatalf("history %+v", hist)
		}
		if _, body := do("GET", "/account/privacy", nil); !strings.Contains(body, `data-purpose="reminders" data-granted="false"`) || !strings.Contains(body, "STOP/START") {
			t.Fatal("the page does not show the STOP")
		}

		// The data download: the customer's own, no staff notes.
		resp, body := do("GET", "/account/privacy/export", nil)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("export: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		var data struct {
			Phones    []string
			Customers []map[string]any
			Messages  []map[string]any
			Consents  []store.Consent
		}
		if err := json.Unmarshal([]byte(body), &data); err != nil {
			t.Fatal(err)
		}
		if len(data.Phones) != 1 || len(data.Customers) != 1 || data.Customers[0]["name"] != "Jan Kowalski" ||
			len(data.Messages) != 1 || data.Messages[0]["body"] != "Kiedy odbiór?" || len(data.Consents) != 3 {
			t.Fatalf("export: %s", body)
		}

		// Deletion: one task at the thread's branch, however often asked.
		for i := 0; i < 2; i++ {
			if resp, _ := do("POST", "/account/privacy/delete", url.Values{"_csrf": {csrf}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("delete: %d", resp.StatusCode)
			}
		}
		tasks, err := st.OpenStaffTasks(ctx, thread.BranchID)
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) != 1 || tasks[0].Kind != store.TaskPrivacyDeletion || !strings.Contains(tasks[0].Body, phone) || !strings.Contains(tasks[0].Title, "usunięcie") {
			t.Fatalf("tasks %+v", tasks)
		}
		if _, body := do("GET", "/account/privacy", nil); strings.Contains(body, `action="/account/privacy/delete"`) {
			t.Fatal("the page still offers deletion")
		}
	})
}
