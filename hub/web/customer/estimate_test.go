package customer_test

import (
	"context"
	"html"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/templates"
)

// estLocales are the customer's languages, each with the words the tests
// look for.
var estLocales = []struct {
	locale  string
	changed string // the notice when the estimate changed under the review
}{
	{"ru", "Смета изменилась, пока вы её смотрели. Проверьте новые суммы и подтвердите ещё раз."},
	{"pl", "Kosztorys zmienił się w trakcie przeglądania. Sprawdź nowe kwoty i potwierdź ponownie."},
	{"en", "The estimate changed while you were reviewing it. Please check the new figures and confirm again."},
}

// estOrder is a work order's fields for the DMS: its customer speaks locale
// and has a phone of its own; lines as given.
func estOrder(locale, phone string, lines ...any) map[string]any {
	return map[string]any{
		"customer": map[string]any{"external_id": "C" + phone, "name": "Jan Kowalski", "phones": []any{phone}, "locale": locale},
		"lines":    lines,
	}
}

func estLine(id, kind, name, price string, needsApproval bool) map[string]any {
	return map[string]any{"id": id, "kind": kind, "name": name, "qty": 1, "unit_price": price, "needs_approval": needsApproval}
}

// estMoney is a sum as the page writes it in locale (with plain spaces: the
// bodies are read through estText).
func estMoney(t testing.TB, locale string, minor int64) string {
	t.Helper()
	s, err := templates.Money(locale, minor, "RUB")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// estText is an HTML body as a reader sees its text: entities decoded, the
// no-break spaces that keep sums on one line made plain.
func estText(body string) string {
	return strings.ReplaceAll(html.UnescapeString(body), "\u00a0", " ")
}

var (
	estHiddenField = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	estNewTotal    = regexp.MustCompile(`id="new-total">([^<]*)<`)
	estOrderTotal  = regexp.MustCompile(`class="total">[^<]*<strong[^>]*>([^<]*)</strong>`)
)

// estForm is what a form of the page would post: its hidden fields.
func estForm(body string) url.Values {
	f := url.Values{}
	for _, m := range estHiddenField.FindAllStringSubmatch(body, -1) {
		f.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return f
}

func estFind(t testing.TB, re *regexp.Regexp, body, what string) string {
	t.Helper()
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in:\n%s", what, body)
	}
	return estText(m[1])
}

// estReview posts the page's estimate form with these choices and returns
// the review step's body.
func estReview(t testing.TB, send secSender, v *secVisitor, choices url.Values) string {
	t.Helper()
	f := url.Values{"csrf": {v.csrf}}
	for k, vs := range choices {
		f[k] = vs
	}
	resp := secPostForm(t, send, v.path+"/estimate/review", v.cookie, f)
	body := secBody(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("review: %d %s", resp.StatusCode, body)
	}
	return body
}

func estKey(l hub.WorkOrderLine) string { return "line_" + strconv.FormatInt(l.ID, 10) }

// The customer reviews a line at 5 000 ₽; the DMS then re-prices it at
// 50 000 ₽ before the confirm. The confirm stores nothing and shows the new
// figures with a notice in the customer's language; confirming those
// stores the decision at the price shown.
func TestConfirmAfterTheDMSChangedAPriceShowsTheNewFiguresAndStoresNothing(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		for i, lc := range estLocales {
			t.Run(lc.locale, func(t *testing.T) {
				number, phone := "ЦЕНА-"+lc.locale, "+7916555010"+strconv.Itoa(i)
				version := func(pads string) map[string]any {
					return estOrder(lc.locale, phone, estLine("1", "labor", "Oil change", "1500", false),
						estLine("2", "part", "Brake pads", pads, true))
				}
				a := secPushOrder(t, h, number, version("5000"))
				v := secOpen(t, send, a.Path)
				pads := a.line(t, h, "2")
				review := estReview(t, send, v, url.Values{estKey(pads): {hub.DecisionApproved}})
				if got, want := estFind(t, estNewTotal, review, "new total"), estMoney(t, lc.locale, 650000); got != want {
					t.Fatalf("reviewed total %q, want %q", got, want)
				}

				h.PushWorkOrder(t, "wo-"+number+"-2", number, 2, "В работе", version("50000"))
				before := secCount(t, h)
				resp := secPostForm(t, send, a.Path+"/estimate", v.cookie, estForm(review))
				again := secBody(t, resp)
				if resp.StatusCode != http.StatusConflict {
					t.Fatalf("confirm of the old figures: %d (Location %q), want 409 with the new figures", resp.StatusCode, resp.Header.Get("Location"))
				}
				if after := secCount(t, h); after != before {
					t.Errorf("the confirm of old figures stored something: before %+v, after %+v", before, after)
				}
				if got := a.line(t, h, "2"); got.Decision != "" {
					t.Errorf("line decided at the new price the customer never saw: %+v", got)
				}
				text := estText(again)
				if !strings.Contains(text, lc.changed) {
					t.Errorf("no notice %q in:\n%s", lc.changed, again)
				}
				if want := estMoney(t, lc.locale, 5000000); !strings.Contains(text, want) {
					t.Errorf("the new line price %q is not shown:\n%s", want, again)
				}
				if got, want := estFind(t, estNewTotal, again, "new total"), estMoney(t, lc.locale, 5150000); got != want {
					t.Errorf("new total shown again %q, want %q", got, want)
				}

				// The figures shown now are the ones confirmed and sent.
				secExpectRedirect(t, secPostForm(t, send, a.Path+"/estimate", v.cookie, estForm(again)), a.Path+"?ok=thanks")
				var sent []secChange
				for _, c := range secFeed(t, h) {
					if c.Type == hub.ChangeLineDecision && c.WorkOrderNumber == number {
						sent = append(sent, c)
					}
				}
				if len(sent) != 1 || sent[0].Data["total_minor"] != float64(5000000) || sent[0].Data["decision"] != hub.DecisionApproved {
					t.Errorf("line_decision changes = %+v, want one approval of 50 000 (5000000 minor)", sent)
				}
			})
		}
	})
}

// A confirm that does not say which version it reviewed (a page from before
// the version was sent, or a hand-made form) is shown the figures instead of
// being stored.
func TestConfirmWithoutTheReviewedVersionStoresNothing(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		a := secPushOrder(t, h, "ВЕР-1", nil)
		v := secOpen(t, send, a.Path)
		pads := a.line(t, h, "2")
		before := secCount(t, h)
		for _, version := range []string{"", "abc", "0", "2"} {
			f := url.Values{"csrf": {v.csrf}, estKey(pads): {hub.DecisionApproved}}
			if version != "" {
				f.Set("version", version)
			}
			resp := secPostForm(t, send, a.Path+"/estimate", v.cookie, f)
			body := secBody(t, resp)
			if resp.StatusCode != http.StatusConflict || !strings.Contains(estText(body), estLocales[0].changed) {
				t.Errorf("version %q: %d (Location %q), want 409 with the notice (%.300s)", version, resp.StatusCode, resp.Header.Get("Location"), body)
			}
		}
		if after := secCount(t, h); after != before {
			t.Errorf("confirms without the reviewed version stored something: before %+v, after %+v", before, after)
		}
	})
}

// A new line to decide arrives between review and confirm: the reviewed
// choices no longer cover the estimate, so the customer is sent back to the
// page (with the notice) to choose again.
func TestConfirmAfterTheDMSAddedALineSendsBackToThePage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		lines := []any{estLine("1", "labor", "Oil change", "1500", false), estLine("2", "part", "Brake pads", "5000", true)}
		a := secPushOrder(t, h, "НОВ-1", estOrder("ru", "+79165550200", lines...))
		v := secOpen(t, send, a.Path)
		review := estReview(t, send, v, url.Values{estKey(a.line(t, h, "2")): {hub.DecisionApproved}})
		h.PushWorkOrder(t, "wo-НОВ-1-2", "НОВ-1", 2, "В работе",
			estOrder("ru", "+79165550200", append(lines, estLine("3", "part", "Wipers", "900", true))...))
		before := secCount(t, h)
		secExpectRedirect(t, secPostForm(t, send, a.Path+"/estimate", v.cookie, estForm(review)), a.Path+"?err=estimate_changed")
		if after := secCount(t, h); after != before {
			t.Errorf("stored something: before %+v, after %+v", before, after)
		}
		body := estText(secBody(t, secGet(t, send, a.Path+"?err=estimate_changed", v.cookie)))
		if !strings.Contains(body, estLocales[0].changed) || !strings.Contains(body, "Wipers") {
			t.Errorf("the page lacks the notice or the new line:\n%s", body)
		}
	})
}

// The same confirm sent fifteen times at once (a double-tapping customer, a
// flaky connection resending) stores one set of decisions and one
// line_decision change per line.
func TestTheSameConfirmPostedManyTimesAtOnceIsStoredOnce(t *testing.T) {
	const copies = 15
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		base := h.Run(t)
		send := secOverSocket(t, base, "127.0.0.1")
		a := secPushOrder(t, h, "РАЗ-15", estOrder("ru", "+79165550300",
			estLine("1", "labor", "Oil change", "1500", false),
			estLine("2", "part", "Brake pads", "6800", true),
			estLine("3", "recommendation", "Cabin filter", "1200", true)))
		v := secOpen(t, send, a.Path)
		review := estReview(t, send, v, url.Values{
			estKey(a.line(t, h, "2")): {hub.DecisionDeclined}, estKey(a.line(t, h, "3")): {hub.DecisionApproved}})
		confirm := estForm(review).Encode()
		messages := secThreadMessages(t, h, a.Thread)

		// Each copy has its own connection, and all wait at the gate.
		client := &http.Client{
			Transport:     &http.Transport{DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext, MaxIdleConnsPerHost: copies},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Timeout:       60 * time.Second,
		}
		gate := make(chan struct{})
		var wg sync.WaitGroup
		answers := make([]string, copies)
		for i := range copies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, base+a.Path+"/estimate", strings.NewReader(confirm))
				if err != nil {
					answers[i] = err.Error()
					return
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Cookie", "nrd_c="+v.cookie)
				<-gate
				resp, err := client.Do(req)
				if err != nil {
					answers[i] = err.Error()
					return
				}
				resp.Body.Close()
				answers[i] = strconv.Itoa(resp.StatusCode) + " " + resp.Header.Get("Location")
			}()
		}
		close(gate)
		wg.Wait()

		tally := map[string]int{}
		for _, ans := range answers {
			tally[ans]++
		}
		thanks, already := "303 "+a.Path+"?ok=thanks", "303 "+a.Path+"?err=decided_already"
		if tally[thanks] != 1 || tally[already] != copies-1 {
			t.Errorf("answers %v, want one %q and %d %q", tally, thanks, copies-1, already)
		}
		perLine := map[string]int{}
		for _, c := range secFeed(t, h) {
			if c.Type == hub.ChangeLineDecision && c.WorkOrderNumber == a.Number {
				perLine[c.Data["line_id"].(string)]++
			}
		}
		if len(perLine) != 2 || perLine["2"] != 1 || perLine["3"] != 1 {
			t.Errorf("line_decision changes per line = %v, want one for line 2 and one for line 3", perLine)
		}
		if got := secThreadMessages(t, h, a.Thread); got != messages+2 {
			t.Errorf("thread has %d messages, want %d: one note per decision", got, messages+2)
		}
	})
}

// After an approval and a refusal the page's total is the total the review
// announced, in every language, with the declined line shown as declined;
// once the DMS sends a new version, its own total is shown.
func TestThePageTotalIsTheReviewedTotalUntilTheDMSSendsANewVersion(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		for i, lc := range estLocales {
			t.Run(lc.locale, func(t *testing.T) {
				number, phone := "ИТОГ-"+lc.locale, "+7916555040"+strconv.Itoa(i)
				// 5 000 + 7 500 + 1 800 = 14 300 before; 12 500 once the
				// struts are approved and the pads declined.
				a := secPushOrder(t, h, number, estOrder(lc.locale, phone,
					estLine("1", "labor", "Diagnostics", "5000", false),
					estLine("2", "part", "Struts", "7500", true),
					estLine("3", "part", "Brake pads", "1800", true)))
				v := secOpen(t, send, a.Path)
				review := estReview(t, send, v, url.Values{
					estKey(a.line(t, h, "2")): {hub.DecisionApproved}, estKey(a.line(t, h, "3")): {hub.DecisionDeclined}})
				reviewed := estFind(t, estNewTotal, review, "new total")
				if want := estMoney(t, lc.locale, 1250000); reviewed != want {
					t.Fatalf("review's new total %q, want %q", reviewed, want)
				}
				secExpectRedirect(t, secPostForm(t, send, a.Path+"/estimate", v.cookie, estForm(review)), a.Path+"?ok=thanks")

				page := secBody(t, secGet(t, send, a.Path, v.cookie))
				if got := estFind(t, estOrderTotal, page, "order total"); got != reviewed {
					t.Errorf("page total %q after the decisions, but the review said %q", got, reviewed)
				}
				if !regexp.MustCompile(`<li class="declined">\s*<span>Brake pads</span>`).MatchString(page) {
					t.Errorf("the declined line is not shown as declined:\n%s", page)
				}

				// The DMS took the decisions in: it dropped the pads and
				// added a check (5 000 + 7 500 + 500). Its total stands.
				h.PushWorkOrder(t, "wo-"+number+"-2", number, 2, "В работе", estOrder(lc.locale, phone,
					estLine("1", "labor", "Diagnostics", "5000", false),
					estLine("2", "part", "Struts", "7500", true),
					estLine("4", "labor", "Alignment check", "500", false)))
				page = secBody(t, secGet(t, send, a.Path, v.cookie))
				if got, want := estFind(t, estOrderTotal, page, "order total"), estMoney(t, lc.locale, 1300000); got != want {
					t.Errorf("page total %q after the DMS's new version, want its total %q", got, want)
				}
			})
		}
	})
}
