package account

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A driver's phone on a company's record sees the car they brought and
// their own visits in the garage (the company rule); "download my data"
// must not hand over more: not the fleet's other cars and visits, not the
// other drivers' conversations.
func TestPrivacyExportKeepsToTheGarageRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := storetest.NewFleetWorld(t, st)
		other := w.Visit2.ID // driver 2's visit in the car driver 1 also brought
		var th2 int64
		if err := st.Gorm(ctx).Raw("SELECT id FROM threads WHERE work_order_id = ?", other).Scan(&th2).Error; err != nil || th2 == 0 {
			t.Fatalf("driver 2's thread: %d %v", th2, err)
		}
		if _, err := st.QueueMessage(ctx, store.Outgoing{ThreadID: th2, Channel: hub.ChannelSMS, Recipient: w.Driver2, Body: "driver two private words"}); err != nil {
			t.Fatal(err)
		}
		app, h := newGarageApp(t, st, hub.NewMedia(t.TempDir()))
		ck, _ := signIn(t, h, w.Driver1)
		c := garageClient{t: t, app: app, cookie: ck}
		body := c.page("/account/privacy/export", http.StatusOK)
		mustContain(t, "driver 1's export", body, w.Visit1.Number, "WW 1001A", w.Driver1)
		mustNotContain(t, "driver 1's export", body, w.Visit2.Number, w.Visit3.Number, "WW 2001A", "WW 3001A",
			w.Driver2, w.Manager, "driver two private words")

		// The manager speaks for the company: the fleet is theirs to export,
		// but still not the drivers' conversations on the drivers' phones.
		ck, _ = signIn(t, h, w.Manager)
		body = garageClient{t: t, app: app, cookie: ck}.page("/account/privacy/export", http.StatusOK)
		mustContain(t, "the manager's export", body, w.Visit1.Number, w.Visit3.Number, "WW 3001A")
		mustNotContain(t, "the manager's export", body, "driver two private words")
	})
}

// Asking for deletion 15 times at once raises one task per branch.
func TestPrivacyDeletionAskedAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		const phone = "+48601234599"
		seedCustomer(t, st, phone)
		app, h := newTestApp(t, st)
		ck, csrf := signIn(t, h, phone)
		var wg sync.WaitGroup
		for i := 0; i < 15; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := formRequest("/account/privacy/delete", "_csrf="+csrf)
				req.AddCookie(ck)
				if resp, err := app.Test(req, -1); err != nil || resp.StatusCode >= 400 {
					t.Errorf("deletion request: %v %v", resp, err)
				}
			}()
		}
		wg.Wait()
		var n int64
		if err := st.Gorm(context.Background()).Raw("SELECT COUNT(*) FROM staff_tasks WHERE kind = ?", store.TaskPrivacyDeletion).Scan(&n).Error; err != nil || n != 1 {
			t.Fatalf("%d deletion tasks after 15 requests at once (%v)", n, err)
		}
	})
}

func formRequest(path, form string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, path, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}
