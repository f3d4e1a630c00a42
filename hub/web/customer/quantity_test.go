package customer_test

import (
	"strconv"
	"strings"
	"testing"

	"naryad/app/apptest"
)

// A line's quantity is written the way the customer writes numbers: 1,5 in
// Russian and Polish, 1.5 in English.
func TestLineQuantityInTheCustomersLocale(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		for i, want := range []struct{ locale, qty string }{{"ru", "1,5"}, {"pl", "1,5"}, {"en", "1.5"}} {
			t.Run(want.locale, func(t *testing.T) {
				line := estLine("1", "labor", "Brake pads fitting", "1200", true)
				line["qty"] = "1.5"
				a := secPushOrder(t, h, "КОЛ-"+want.locale, estOrder(want.locale, "+7916555060"+strconv.Itoa(i), line))
				page := estText(secBody(t, secGet(t, send, a.Path, secOpen(t, send, a.Path).cookie)))
				if !strings.Contains(page, " "+want.qty+" × ") {
					t.Errorf("the line's quantity is not written %q:\n%s", want.qty, page)
				}
			})
		}
	})
}
