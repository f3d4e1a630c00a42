//go:build linux || darwin

package station_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/locker/kiosk"
	"naryad/templates"
)

// The kiosk PC's clock runs in whatever zone its OS was set up with (UTC
// here); staff at the locker read times in their branch's zone, which the
// kiosk learns from the hub's sync answer.
func TestKioskShowsTimesInTheBranchZone(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		// A zone twelve hours off UTC, with no summer time, so the test
		// tells it from the kiosk PC's zone wherever it runs.
		const zone = "Asia/Kamchatka"
		if err := h.Store.Gorm(t.Context()).Exec("UPDATE branches SET time_zone = ? WHERE id = ?", zone, h.Branch.ID).Error; err != nil {
			t.Fatal(err)
		}
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		site := addLockerSite(t, h, "Yard", 1)
		addStaffPIN(t, h, "olga", staffPIN)
		h.PushWorkOrder(t, "wo-1", "ЛК-401", 1, "Принят", nil)
		code := codeIn(t, threadOf(t, h, "ЛК-401"), templates.KeyLockerDropOff)
		hubURL, _ := h.ServeAt(t, "127.0.0.1:0")
		boards, link := simulateBoards(t, 1)
		st, base := startStation(t, link, hubURL, site.Token)
		k := &front{t: t, e: st.Engine(), boards: boards}
		k.sync()
		page := &kioskPage{t: t, base: base}

		before := time.Now()
		page.post("/begin/dropoff", nil)
		page.post("/entry", url.Values{"code": {code}})
		k.shut(0, true, kiosk.ScreenDone)
		after := time.Now()
		page.post("/home", nil)
		page.post("/begin/staff", nil)
		page.post("/entry", url.Values{"code": {staffPIN}})
		body := page.get()
		m := regexp.MustCompile(`(?s)<tr id="box-\d+" class="state-held">.*?<td class="since">([^<]*)</td>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the staff menu shows no held box:\n%s", body)
		}
		// The box is held since the door closed: some minute between
		// before and after, on the branch's clock.
		var want []string
		for at := before.Truncate(time.Minute); !at.After(after); at = at.Add(time.Minute) {
			want = append(want, at.In(loc).Format("02.01 15:04"))
		}
		if !strings.Contains(strings.Join(want, "|"), m[1]) || m[1] == "" {
			t.Errorf("the staff menu says the keys are held since %q; on the branch's clock that is %s", m[1], strings.Join(want, " or "))
		}
	})
}
