package inbox_test

import (
	"context"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// cardLocales are the staff's languages, each with the note that explains
// the card's total, as the page writes it before the DMS's figure.
var cardLocales = []struct{ lang, note string }{
	{"ru", "Как видит клиент, с учётом его решений; в учётной системе"},
	{"pl", "Tak jak widzi klient, z uwzględnieniem jego decyzji; w systemie DMS"},
	{"en", "As the customer sees it, with their answers applied; the DMS shows"},
}

var (
	cardTotal     = regexp.MustCompile(`<td class="num total">([^<]*)</td>`)
	customerTotal = regexp.MustCompile(`class="total">[^<]*<strong[^>]*>([^<]*)</strong>`)
)

// readable is a page's text as a reader sees it: entities decoded, the
// no-break spaces that keep sums on one line made plain.
func readable(s string) string { return strings.ReplaceAll(html.UnescapeString(s), "\u00a0", " ") }

func rub(t *testing.T, locale string, minor int64) string {
	t.Helper()
	s, err := templates.Money(locale, minor, "RUB")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func find(t *testing.T, re *regexp.Regexp, page, what string) string {
	t.Helper()
	m := re.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no %s in:\n%s", what, page)
	}
	return readable(m[1])
}

// decide stores the customer's answers on the work order's current version,
// as their page does.
func decide(t *testing.T, h *apptest.Hub, th hub.Thread, answers map[string]string) {
	t.Helper()
	ctx := context.Background()
	w, err := h.Store.WorkOrder(ctx, *th.WorkOrderID)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := h.Store.Lines(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ds []store.Decision
	for _, l := range lines {
		if d, ok := answers[l.ExternalID]; ok {
			ds = append(ds, store.Decision{LineID: l.ID, Decision: d})
		}
	}
	ev := store.Evidence{By: "customer", IP: "203.0.113.7", UserAgent: "test", At: time.Now()}
	if _, err := h.Store.DecideLines(ctx, w, th, ds, ev); err != nil {
		t.Fatal(err)
	}
}

// After the customer declined the pads and approved the recommended
// wipers, the advisor's card totals what the customer's page does (the
// diagnostics and the wipers), strikes the pads out, and names the DMS's
// own figure beside it, in every staff language. Once the DMS sends its
// next version, the card shows that version's total as the page does.
func TestTheOrderCardTotalIsTheCustomersTotal(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		line := func(id, kind, name, price string, approval bool) map[string]any {
			return map[string]any{"id": id, "kind": kind, "name": name, "qty": 1, "unit_price": price, "needs_approval": approval}
		}
		// The DMS's total: 1 500 + 6 800 = 8 300; recommendations are not in it.
		h.PushWorkOrder(t, "e1-v2", "ЗН-1", 2, "В работе", map[string]any{"lines": []any{
			line("1", "labor", "Диагностика", "1500", false),
			line("2", "part", "Тормозные колодки", "6800", true),
			line("3", "recommendation", "Щётки стеклоочистителя", "2000", true),
		}})
		decide(t, h, w.a, map[string]string{"2": hub.DecisionDeclined, "3": hub.DecisionApproved})
		base := "/inbox/threads/" + strconv.FormatInt(w.a.ID, 10)
		customers := find(t, customerTotal, customerPage(t, h, "ЗН-1"), "customer page total")

		anna := w.signIn(t, "anna")
		for _, lc := range cardLocales {
			anna.Lang = lc.lang
			_, page := anna.Do("GET", base, nil)
			if got, want := find(t, cardTotal, page, "card total"), rub(t, lc.lang, 350000); got != want {
				t.Errorf("%s: card total %q, want %q (1 500 + 2 000, as the customer's page: %q)", lc.lang, got, want, customers)
			}
			if lc.lang == "ru" && find(t, cardTotal, page, "card total") != customers {
				t.Errorf("ru: the card and the customer's page disagree on the total")
			}
			if !regexp.MustCompile(`<tr class="declined">\s*<td class="item">Тормозные колодки<`).MatchString(page) {
				t.Errorf("%s: the declined pads are not shown as declined:\n%s", lc.lang, page)
			}
			if note := lc.note + " " + rub(t, lc.lang, 830000); !strings.Contains(readable(page), note) {
				t.Errorf("%s: the card does not say %q:\n%s", lc.lang, note, page)
			}
		}

		// A status-only version before the DMS read the answers: its total is
		// still 8 300, and the card keeps the customer's 3 500 as the page does.
		h.PushWorkOrder(t, "e1-v3", "ЗН-1", 3, "Готов", map[string]any{"lines": []any{
			line("1", "labor", "Диагностика", "1500", false),
			line("2", "part", "Тормозные колодки", "6800", true),
			line("3", "recommendation", "Щётки стеклоочистителя", "2000", true),
		}})
		anna.Lang = "ru"
		_, page := anna.Do("GET", base, nil)
		customers = find(t, customerTotal, customerPage(t, h, "ЗН-1"), "customer page total")
		if got, want := find(t, cardTotal, page, "card total"), rub(t, "ru", 350000); got != want || got != customers {
			t.Errorf("after a status-only version: card total %q, customer's page %q, want %q", got, customers, want)
		}

		// The DMS took the answers in: no pads, the wipers added.
		h.PushWorkOrder(t, "e1-v4", "ЗН-1", 4, "В работе", map[string]any{"lines": []any{
			line("1", "labor", "Диагностика", "1500", false),
			line("3", "labor", "Щётки стеклоочистителя", "2000", false),
			line("4", "labor", "Проверка схождения", "500", false),
		}})
		anna.Lang = "en"
		_, page = anna.Do("GET", base, nil)
		if got, want := find(t, cardTotal, page, "card total"), rub(t, "en", 400000); got != want {
			t.Errorf("card total %q after the DMS's new version, want its own %q", got, want)
		}
		if strings.Contains(readable(page), cardLocales[2].note) {
			t.Errorf("the card still explains a total the DMS now agrees with:\n%s", page)
		}
	})
}

// A reply drafted from a branch's template that names the order's total
// names the total the customer's page shows, not the DMS's.
func TestTemplatePickerNamesTheCustomersTotal(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		if err := h.Store.SaveTemplateOverride(context.Background(), h.Branch.ID, "status.ready", "ru",
			"Заказ {{.WorkOrderNumber}} готов, к оплате {{money .TotalMinor .Currency}}."); err != nil {
			t.Fatal(err)
		}
		decide(t, h, w.a, map[string]string{"2": hub.DecisionDeclined}) // 1 500 + 6 800 → 1 500
		anna := w.signIn(t, "anna")
		_, page := anna.Do("GET", "/inbox/threads/"+strconv.FormatInt(w.a.ID, 10)+"?template=status.ready", nil)
		draft := find(t, regexp.MustCompile(`(?s)<textarea id="reply"[^>]*>(.*?)</textarea>`), page, "reply box")
		if want := "Заказ ЗН-1 готов, к оплате " + rub(t, "ru", 150000) + "."; draft != want {
			t.Errorf("draft %q, want %q", draft, want)
		}
	})
}
