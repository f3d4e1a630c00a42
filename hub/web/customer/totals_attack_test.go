package customer_test

import (
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// The total at every step of a choice that declines a part and approves a
// recommendation (5 000 labour + 7 500 part declined + 2 000 recommendation
// approved = 7 000): the live total's start and deltas, the review, the
// page after the confirm, after a status-only DMS version, and after the
// DMS took the decisions in (the part gone, the recommendation now work).
func TestTheTotalAgreesAtEveryStepWithARecommendation(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		phone, number := "+79165550971", "ИТОГ-Р"
		lines := []any{estLine("1", "labor", "Diagnostics", "5000", false),
			estLine("2", "part", "Struts", "7500", true), estLine("3", "recommendation", "Cabin filter", "2000", true)}
		a := secPushOrder(t, h, number, estOrder("ru", phone, lines...))
		want := estMoney(t, "ru", 700000)
		v := secOpen(t, send, a.Path)
		page := secBody(t, secGet(t, send, a.Path, v.cookie))
		start, _ := strconv.ParseInt(estFind(t, regexp.MustCompile(`data-total="(-?\d+)"`), page, "data-total"), 10, 64)
		delta := func(line hub.WorkOrderLine, d string) int64 {
			re := regexp.MustCompile(`name="` + estKey(line) + `" value="` + d + `" data-delta="(-?\d+)"`)
			n, _ := strconv.ParseInt(estFind(t, re, page, "delta"), 10, 64)
			return n
		}
		struts, filter := a.line(t, h, "2"), a.line(t, h, "3")
		if live := start + delta(struts, hub.DecisionDeclined) + delta(filter, hub.DecisionApproved); live != 700000 {
			t.Errorf("the live total would show %d, want 700000", live)
		}
		review := estReview(t, send, v, url.Values{estKey(struts): {hub.DecisionDeclined}, estKey(filter): {hub.DecisionApproved}})
		if got := estFind(t, estNewTotal, review, "new total"); got != want {
			t.Errorf("review %q, want %q", got, want)
		}
		secExpectRedirect(t, secPostForm(t, send, a.Path+"/estimate", v.cookie, estForm(review)), a.Path+"?ok=thanks")
		check := func(step string) {
			t.Helper()
			page := secBody(t, secGet(t, send, a.Path, v.cookie))
			if got := estFind(t, estOrderTotal, page, "order total"); got != want {
				t.Errorf("%s: page total %q, want %q", step, got, want)
			}
		}
		check("after the confirm")
		h.PushWorkOrder(t, "wo-"+number+"-2", number, 2, "В работе", estOrder("ru", phone, lines...))
		check("after a status-only version")
		h.PushWorkOrder(t, "wo-"+number+"-3", number, 3, "В работе", estOrder("ru", phone,
			estLine("1", "labor", "Diagnostics", "5000", false), estLine("3", "part", "Cabin filter", "2000", false)))
		check("after the DMS took the decisions in")
	})
}
