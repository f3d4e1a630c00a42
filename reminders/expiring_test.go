package reminders_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/reminders"
	"naryad/templates"
)

// item stores an expiring item of a customer and returns its id.
func (w *world) item(t *testing.T, customer int64, kind, title, ends string) int64 {
	t.Helper()
	ext := "E" + w.next()
	err := w.s.UpsertExpiringItem(t.Context(), store.ExpiringItemData{NodeID: w.node.ID, ExternalID: ext, CustomerID: customer, Kind: kind, Title: title, ExpiresOn: ends})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := w.s.Gorm(t.Context()).Raw("SELECT id FROM expiring_items WHERE external_id = ?", ext).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

// days runs the rule on each local day from the first for n days (except
// those skipped, when the hub was down), sends what it proposes, and
// returns, per item title, the days it was listed on as "MM-DD".
func (w *world) days(t *testing.T, rule reminders.Rule, first string, n int, skipped ...string) map[string][]string {
	t.Helper()
	day, err := time.Parse("2006-01-02", first)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string][]string{}
	for range n {
		today := day.Format("2006-01-02")
		day = day.AddDate(0, 0, 1)
		if slices.Contains(skipped, today) {
			continue
		}
		scan := w.scan(t, w.home, today+" 11:00")
		got := w.due(t, rule, scan)
		for _, r := range got {
			for _, it := range r.Data.Items {
				listed[it.Title] = append(listed[it.Title], today[5:])
			}
		}
		w.send(t, scan, got)
	}
	return listed
}

// idList is ids ascending, comma-separated, as an occasion lists them.
func idList(ids ...int64) string {
	parts := make([]string, len(ids))
	for i, id := range slices.Sorted(slices.Values(ids)) {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, ",")
}

func TestExpiringGroupsOneCustomersItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		anna, boris, away := w.customer(t), w.customer(t), w.customer(t)
		osago := w.item(t, anna, "insurance", "ОСАГО", "2026-05-16")
		plan := w.item(t, anna, "service_plan", "Сервисный план", "2026-05-11")
		gps := w.item(t, anna, "subscription", "GPS", "2026-05-06")
		w.item(t, anna, "warranty", "Гарантия", "2026-06-30") // far off
		w.item(t, anna, "insurance", "КАСКО", "2026-04-30")   // over
		kasko := w.item(t, boris, "insurance", "КАСКО Бориса", "2026-05-01")
		w.order(t, w.other, away, 0, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		w.item(t, away, "insurance", "OC", "2026-05-01") // a customer of the other branch

		rule := reminders.NewExpiring()
		scan := w.scan(t, w.home, "2026-05-01 11:00")
		got := w.due(t, rule, scan)
		same(t, "grouped", occasions(got), []string{
			"items 2026-05-01/" + idList(osago, plan, gps),
			fmt.Sprintf("items 2026-05-01/%d", kasko),
		})
		msk := w.home.Location()
		for _, r := range got {
			if r.Rule != "expiring" || r.Audience != reminders.ToCustomer || r.Template != templates.KeyReminderExpiring {
				t.Fatalf("reminder %+v", r)
			}
			if r.CustomerID == anna {
				want := []templates.Item{
					{Title: "GPS", Kind: "subscription", ExpiresAt: time.Date(2026, 5, 6, 0, 0, 0, 0, msk)},
					{Title: "Сервисный план", Kind: "service_plan", ExpiresAt: time.Date(2026, 5, 11, 0, 0, 0, 0, msk)},
					{Title: "ОСАГО", Kind: "insurance", ExpiresAt: time.Date(2026, 5, 16, 0, 0, 0, 0, msk)},
				}
				if !slices.EqualFunc(r.Data.Items, want, func(a, b templates.Item) bool {
					return a.Title == b.Title && a.Kind == b.Kind && a.ExpiresAt.Equal(b.ExpiresAt)
				}) {
					t.Fatalf("items %+v, want %+v", r.Data.Items, want)
				}
			}
		}
		// A re-run the same day proposes nothing new.
		w.send(t, scan, got)
		if again := w.due(t, rule, scan); len(again) != 0 {
			t.Fatalf("re-run: %q", occasions(again))
		}
		// An item arriving later that day goes alone.
		late := w.item(t, anna, "insurance", "Зелёная карта", "2026-05-02")
		same(t, "a late item", occasions(w.due(t, rule, scan)), []string{fmt.Sprintf("items 2026-05-01/%d", late)})
	})
}

func TestExpiringDaysBefore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		c := w.customer(t)
		w.item(t, c, "subscription", "GPS", "2026-05-20")
		w.item(t, c, "warranty", "Гарантия", "2026-05-23")
		// From May 1: the GPS subscription is 19 days off, so its first day
		// is May 5 (15 days before).
		got := w.days(t, reminders.NewExpiring(), "2026-05-01", 25)
		if want := []string{"05-05", "05-10", "05-15", "05-19", "05-20"}; !slices.Equal(got["GPS"], want) {
			t.Fatalf("GPS listed on %v, want %v", got["GPS"], want)
		}
		if want := []string{"05-08", "05-13", "05-18", "05-22", "05-23"}; !slices.Equal(got["Гарантия"], want) {
			t.Fatalf("warranty listed on %v, want %v", got["Гарантия"], want)
		}
	})
}

func TestExpiringCatchesUpAMissedDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		c := w.customer(t)
		w.item(t, c, "subscription", "GPS", "2026-05-20")
		// Down on May 10 and 11: the 10-day reminder goes on the 12th; the
		// 5-day one on time.
		got := w.days(t, reminders.NewExpiring(), "2026-05-01", 25, "2026-05-10", "2026-05-11")
		if want := []string{"05-05", "05-12", "05-15", "05-19", "05-20"}; !slices.Equal(got["GPS"], want) {
			t.Fatalf("GPS listed on %v, want %v", got["GPS"], want)
		}
	})
}

func TestExpiredListForStaff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		anna, away := w.customer(t), w.customer(t)
		rule := reminders.NewExpiredList()
		scan := w.scan(t, w.home, "2026-05-01 08:00")
		w.item(t, anna, "insurance", "ОСАГО", "2026-05-01") // today: not expired yet
		if got := w.due(t, rule, scan); got != nil {
			t.Fatalf("nothing expired, yet: %+v", got)
		}
		w.item(t, anna, "insurance", "КАСКО", "2026-04-30")
		w.item(t, anna, "subscription", "GPS", "2026-04-01")
		w.item(t, anna, "warranty", "Гарантия", "2026-03-31") // more than 30 days ago
		w.order(t, w.other, away, 0, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		w.item(t, away, "insurance", "OC", "2026-04-30")

		got := w.due(t, rule, scan)
		if len(got) != 1 {
			t.Fatalf("staff lists: %+v", got)
		}
		r := got[0]
		if r.Rule != "expired_list" || r.Audience != reminders.ToStaff || r.CustomerID != 0 ||
			r.Subject != fmt.Sprintf("branch:%d", w.home.ID) || r.Occasion != "2026-05-01" {
			t.Fatalf("task %+v", r)
		}
		if !strings.Contains(r.Title, "2") || !strings.Contains(r.Title, "30") {
			t.Fatalf("title %q, want the count 2 and the 30 days", r.Title)
		}
		lines := strings.Split(r.Body, "\n")
		if len(lines) != 2 || !strings.Contains(lines[0], "2026-04-01 · GPS (subscription)") ||
			!strings.Contains(lines[1], "2026-04-30 · КАСКО (insurance)") || !strings.Contains(lines[1], "+7916") {
			t.Fatalf("body:\n%s", r.Body)
		}
		// The other branch gets its own list, in its language.
		other := w.due(t, rule, w.scan(t, w.other, "2026-05-01 08:00"))
		if len(other) != 1 || !strings.Contains(other[0].Title, "Wygasłe") || other[0].Subject != fmt.Sprintf("branch:%d", w.other.ID) {
			t.Fatalf("other branch: %+v", other)
		}
	})
}
