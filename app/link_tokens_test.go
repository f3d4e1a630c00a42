package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp/watest"
)

// smsLoanLink is a courtesy-car link as the SMS carries it.
var smsLoanLink = regexp.MustCompile(`/l/(nrd_[A-Za-z0-9_-]{32,})`)

// A customer's link tokens reach their phone and nothing else: a status
// message's page link and a courtesy-car offer's link are in the SMS, but
// not on the inbox's thread page, not in the DMS feed, not in the stored
// messages, and not in the outbox once the SMS went out.
func TestLinkTokensOnlyOnTheCustomersPhone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		ctx := context.Background()
		h := apptest.Start(t, b)
		h.Run(t)
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "root", Name: "Анна", Role: store.RoleAdmin,
			Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		car := hub.CourtesyCar{BranchID: h.Branch.ID, Plate: "А 777 АА 77", Model: "Škoda Rapid", Fuel: hub.FuelPetrol}
		if err := h.Store.AddCourtesyCar(ctx, &car); err != nil {
			t.Fatal(err)
		}

		// The status message: its page link goes out by SMS.
		h.PushWorkOrder(t, "e1", "АА-000123", 1, "Принят", nil)
		th := h.Thread(t, "АА-000123")
		pageToken := h.Server.Links().Token(mustLink(t, h, th.ID))
		watest.Eventually(t, "the status SMS with the page link", func() bool {
			return strings.Contains(smsLog(t, h), "/c/"+pageToken)
		})

		// The advisor offers a car: its link goes out by SMS.
		admin := h.NewClient(t).SignIn("root", "s3cret-pass-word")
		start := time.Now().In(h.Branch.Location()).Add(time.Hour).Truncate(time.Minute)
		thread := "/inbox/threads/" + strconv.FormatInt(th.ID, 10)
		resp, page := admin.Post(thread+"/loans", url.Values{"car": {strconv.FormatInt(car.ID, 10)},
			"handover": {start.Format("2006-01-02T15:04")}, "due_back": {start.Add(48 * time.Hour).Format("2006-01-02T15:04")},
			"fuel": {"6"}, "odometer": {"12345"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("offer: %d\n%s", resp.StatusCode, page)
		}
		var loanToken string
		watest.Eventually(t, "the offer's SMS with the car's link", func() bool {
			m := smsLoanLink.FindStringSubmatch(smsLog(t, h))
			if m != nil {
				loanToken = m[1]
			}
			return m != nil
		})
		if l, err := h.Store.LoanByToken(ctx, loanToken); err != nil || l.ThreadID != th.ID {
			t.Fatalf("the SMS's link opens %+v %v", l, err)
		}
		secrets := []string{pageToken, loanToken}
		leaks := func(where, text string) {
			t.Helper()
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Errorf("%s carries the token %s…", where, s[:8])
				}
			}
		}

		// Every outbox row ended (sent) holds the link masked.
		watest.Eventually(t, "every outbox row to end", func() bool {
			pending, _, _, err := h.Store.OutboxStats(ctx)
			return err == nil && pending == 0
		})
		msgs, err := h.Store.Messages(ctx, th.ID)
		if err != nil {
			t.Fatal(err)
		}
		outbound := 0
		for _, m := range msgs {
			leaks(fmt.Sprintf("message %d", m.ID), m.Body)
			if m.Direction != hub.DirectionOut {
				continue
			}
			outbound++
			item, err := h.Store.OutboxByMessage(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			leaks(fmt.Sprintf("outbox row %d (%s)", item.ID, item.State), item.Body)
		}
		if outbound < 2 {
			t.Fatalf("%d outgoing messages, want the status and the offer", outbound)
		}

		// The inbox's thread page shows both links masked.
		resp, page = admin.Do(http.MethodGet, thread, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("thread page: %d", resp.StatusCode)
		}
		leaks("the inbox's thread page", page)
		if !strings.Contains(page, "/l/"+hub.LinkMask) || !strings.Contains(page, "/c/"+hub.LinkMask) {
			t.Errorf("the thread page does not show the masked links")
		}

		// The DMS's feed of everything the hub did.
		status, feed := h.Get(t, "/api/dms/v1/changes?after=0&limit=1000")
		if status != http.StatusOK {
			t.Fatalf("feed: %d", status)
		}
		raw, err := json.Marshal(feed)
		if err != nil {
			t.Fatal(err)
		}
		leaks("the DMS feed", string(raw))
	})
}

// A WhatsApp message rerouted to SMS carries the real courtesy-car link
// (the outbox item's text; the stored message has it masked), and the
// ended WhatsApp row keeps no token.
func TestRerouteToSMSKeepsTheRealLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		ctx := context.Background()
		h := apptest.Start(t, b, func(c *cli.Config) { c.WhatsApp = false })
		h.Run(t)
		h.PushWorkOrder(t, "e1", "АА-000123", 1, "Принят", nil)
		th := h.Thread(t, "АА-000123")
		token, err := hub.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		link := h.Config.BaseURL() + "/l/" + token
		m, err := h.Store.QueueMessage(ctx, store.Outgoing{ThreadID: th.ID, Channel: hub.ChannelWhatsApp,
			Recipient: th.Phone, Body: "Подменный автомобиль: " + link})
		if err != nil {
			t.Fatal(err)
		}
		watest.Eventually(t, "the message by SMS with the real link", func() bool {
			return strings.Contains(smsLog(t, h), "Подменный автомобиль: "+link)
		})
		if got, _ := h.Store.Message(ctx, m.ID); got.Delivery != hub.DeliveryFailed || strings.Contains(got.Body, token) {
			t.Fatalf("the WhatsApp message: %s %q", got.Delivery, got.Body)
		}
		if item, _ := h.Store.OutboxByMessage(ctx, m.ID); strings.Contains(item.Body, token) || item.State != hub.OutboxFailed {
			t.Fatalf("the rerouted WhatsApp row: %s %q", item.State, item.Body)
		}
	})
}
