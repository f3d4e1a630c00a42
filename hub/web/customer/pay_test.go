package customer_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store/storetest"
	"naryad/hub/web/customer"
)

// payLocales are the words the return page must say in each language.
var payLocales = []struct {
	locale, phone                                string
	paid, pending, failed, cancelled, paidAmount string
	pay, generic                                 string
}{
	{"ru", "+79160000201", "Оплата прошла", "Платёж обрабатывается", "Оплата не прошла", "Оплата отменена", "Оплачено",
		"Оплатить", "Не удалось открыть страницу оплаты. Попробуйте ещё раз через минуту или позвоните нам."},
	{"pl", "+79160000202", "Płatność przyjęta", "Płatność w trakcie", "Płatność nieudana", "Płatność anulowana", "Zapłacono",
		"Zapłać", "Nie udało się otworzyć strony płatności. Spróbuj ponownie za minutę lub zadzwoń do nas."},
	{"en", "+79160000203", "Payment received", "Payment in progress", "Payment failed", "Payment cancelled", "Paid",
		"Pay", "We could not open the payment page. Please try again in a minute or call us."},
}

var (
	payFormRe    = regexp.MustCompile(`(?s)<form method="post" action="([^"]+)" class="pay-offer">(.*?)</form>`)
	payH1Re      = regexp.MustCompile(`(?s)<h1>(.*?)</h1>`)
	payRefreshRe = regexp.MustCompile(`<meta http-equiv="refresh" content="([^"]*)">`)
)

// payForms are the pay forms of a page: action and hidden fields each.
func payForms(body string) []url.Values {
	var out []url.Values
	for _, m := range payFormRe.FindAllStringSubmatch(body, -1) {
		f := estForm(m[2])
		f.Set("action", m[1])
		out = append(out, f)
	}
	return out
}

// payPushOrder pushes a work order whose customer speaks locale.
func payPushOrder(t testing.TB, h *payHub, number, locale, phone string, extra map[string]any) secOrder {
	t.Helper()
	f := estOrder(locale, phone, estLine("1", "labor", "Замена масла", "12500", false))
	for k, v := range extra {
		f[k] = v
	}
	return secPushOrder(t, h.Hub, number, f)
}

// TestPayButtonsOnOrderCard: every offer is a pay button at the top of the
// order card, a request with its reason, the invoice beside them and first
// among the documents; the live order section carries them too.
func TestPayButtonsOnOrderCard(t *testing.T) {
	payEach(t, func() *payFake { return newPayFake("https://pay.example.test/c", payOrderOffer, payRequestOffer) },
		func(t *testing.T, h *payHub, f *payFake) {
			o := payPushOrder(t, h, "ОПЛ-1", "ru", "+79160000211", nil)
			secPushDocument(t, h.Hub, "doc-1", o.Number, "Акт осмотра.pdf", "application/pdf", secPDF)
			secPushDocument(t, h.Hub, "doc-2", o.Number, "Счёт 45.pdf", "application/pdf", secPDF)
			invoice := secAttachment(t, h.Hub, o.Thread, "Счёт 45.pdf")
			payMarkInvoice(t, h.Hub, invoice)

			v := secOpen(t, h.send, o.Path)
			body := secBody(t, secGet(t, h.send, o.Path, v.cookie))
			text := estText(body)
			forms := payForms(body)
			if len(forms) != 2 {
				t.Fatalf("%d pay forms, want 2\n%s", len(forms), body)
			}
			for i, key := range []string{"order", "request:7"} {
				if forms[i].Get("offer") != key || forms[i].Get("csrf") != v.csrf || forms[i].Get("action") != o.Path+"/pay" {
					t.Errorf("pay form %d = %v, want offer %s posting to %s/pay with the page's csrf", i, forms[i], key, o.Path)
				}
			}
			for _, want := range []string{"Оплатить " + estMoney(t, "ru", 1250000), "Оплатить " + estMoney(t, "ru", 500000),
				"Предоплата за коробку передач", `Счёт 45.pdf</a> <span class="tag">Счёт</span>`} {
				if !strings.Contains(text, want) {
					t.Errorf("the page does not say %q", want)
				}
			}
			if strings.Contains(text, `Акт осмотра.pdf</a> <span class="tag">`) {
				t.Errorf("a document that is not the invoice is shown as the invoice")
			}
			// At the top of the order card: before the total and the timeline.
			order := text[strings.Index(text, `id="order"`):]
			if pay, timeline := strings.Index(order, `id="pay"`), strings.Index(order, `class="timeline"`); pay < 0 || pay > timeline {
				t.Errorf("the pay block is not above the timeline (at %d, timeline at %d)", pay, timeline)
			}
			docs := regexp.MustCompile(`(?s)<ul class="docs">(.*?)</ul>`).FindStringSubmatch(text)
			if docs == nil || !strings.HasPrefix(docs[1], `<li class="invoice"><a href="`+o.Path+"/files/"+strconv.FormatInt(invoice.ID, 10)+`">Счёт 45.pdf</a>`) ||
				!strings.Contains(docs[1], "Акт осмотра.pdf") {
				t.Errorf("documents list does not start with the invoice: %v", docs)
			}

			// The live order section (as the stream replays it) carries
			// the buttons, with the csrf left for the page's script.
			s, _ := secOpenStream(t, h.send, o.Path, v.cookie, 0)
			frames := s.until(t, ": replayed", secStreamWait)
			if !strings.Contains(frames, `name="offer" value="order"`) || !strings.Contains(frames, `name="csrf" value=""`) {
				t.Errorf("the live order section has no pay button:\n%s", frames)
			}

			// A failing service hides the buttons; the page still works.
			f.set(func(f *payFake) { f.dueErr = fmt.Errorf("database is locked") })
			resp := secGet(t, h.send, o.Path, v.cookie)
			body = secBody(t, resp)
			if resp.StatusCode != http.StatusOK || len(payForms(body)) != 0 || !strings.Contains(body, `id="order"`) {
				t.Errorf("with Due failing: %d, %d pay forms", resp.StatusCode, len(payForms(body)))
			}
		})
}

// TestPayPaidOrder: a paid order says so and offers nothing to pay.
func TestPayPaidOrder(t *testing.T) {
	payEach(t, func() *payFake { return newPayFake("https://pay.example.test/c") }, func(t *testing.T, h *payHub, f *payFake) {
		o := payPushOrder(t, h, "ОПЛ-2", "ru", "+79160000212", map[string]any{"paid": true})
		body := secBody(t, secGet(t, h.send, o.Path, ""))
		if !strings.Contains(body, `<p class="paid" id="paid">Заказ оплачен</p>`) || len(payForms(body)) != 0 {
			t.Errorf("paid order: %d pay forms\n%s", len(payForms(body)), body)
		}
	})
}

// TestPayWithoutPayments: a hub without payments shows no pay button and
// has no pay routes.
func TestPayWithoutPayments(t *testing.T) {
	apptest.Each(t, func(t *testing.T, hh *apptest.Hub) {
		h := payServe(t, hh, nil, "")
		o := payPushOrder(t, h, "ОПЛ-3", "ru", "+79160000213", nil)
		v := secOpen(t, h.send, o.Path)
		body := secBody(t, secGet(t, h.send, o.Path, v.cookie))
		if strings.Contains(body, `/pay"`) || strings.Contains(body, `id="pay"`) {
			t.Errorf("the page offers payment without Payments")
		}
		if csp := secGet(t, h.send, o.Path, v.cookie).Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self';") {
			t.Errorf("without payments the forms post only to the page: %q", csp)
		}
		resp := secPostForm(t, h.send, o.Path+"/pay", v.cookie, url.Values{"csrf": {v.csrf}, "offer": {"order"}})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST /pay without Payments: %d, want 404", resp.StatusCode)
		}
		if resp := secGet(t, h.send, o.Path+"/pay/return/1", v.cookie); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET /pay/return without Payments: %d, want 404", resp.StatusCode)
		}
	})
}

// TestPayStart: the pay button opens the provider's page for its offer
// with the page's return address; forged, stale or refused presses come
// back to the page with a clear message and never a 500.
func TestPayStart(t *testing.T) {
	payEach(t, func() *payFake { return newPayFake("https://pay.example.test/c", payOrderOffer, payRequestOffer) },
		func(t *testing.T, h *payHub, f *payFake) {
			o := payPushOrder(t, h, "ОПЛ-4", "ru", "+79160000214", nil)
			v := secOpen(t, h.send, o.Path)
			press := func(cookie string, form url.Values) *http.Response {
				return secPostForm(t, h.send, o.Path+"/pay", cookie, form)
			}

			resp := press(v.cookie, url.Values{"csrf": {v.csrf}, "offer": {"request:7"}})
			secCheckHeaders(t, "pay", resp)
			// The browser checks the redirect of a form's answer against
			// the page's form-action: the provider's page must be allowed.
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https:;") {
				t.Errorf("CSP %q does not let the pay button lead to the provider", csp)
			}
			want := "https://pay.example.test/c?" + url.Values{"id": {"101"}, "return": {"https://hub.example.test" + o.Path + "/pay/return/101"}}.Encode()
			secExpectRedirect(t, resp, want)
			if got := f.presses(); len(got) != 1 || got[0] != (payPress{ThreadID: o.Thread.ID, Offer: "request:7", ReturnURL: "https://hub.example.test" + o.Path + "/pay/return"}) {
				t.Fatalf("Start calls = %+v", got)
			}

			// No session or a wrong token: refused before the service.
			for name, r := range map[string]*http.Response{
				"no csrf":     press(v.cookie, url.Values{"offer": {"order"}}),
				"wrong csrf":  press(v.cookie, url.Values{"csrf": {"x" + v.csrf}, "offer": {"order"}}),
				"no session":  press("", url.Values{"csrf": {v.csrf}, "offer": {"order"}}),
				"other token": secPostForm(t, h.send, "/c/"+secRandomToken(t)+"/pay", v.cookie, url.Values{"csrf": {v.csrf}, "offer": {"order"}}),
			} {
				secBody(t, r)
				if r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
					t.Errorf("%s: %d, want 403 or 404", name, r.StatusCode)
				}
			}
			// Not an offer's shape: back to the page, which says so.
			for _, offer := range []string{"", "request:", "request:abc", "order;1", "request:-1", strings.Repeat("9", 40)} {
				secExpectRedirect(t, press(v.cookie, url.Values{"csrf": {v.csrf}, "offer": {offer}}), o.Path+"?err=pay_gone")
			}
			if got := len(f.presses()); got != 1 {
				t.Fatalf("the service was asked %d times, want only for the good press", got)
			}
			if body := estText(secBody(t, secGet(t, h.send, o.Path+"?err=pay_gone", v.cookie))); !strings.Contains(body, "Эта сумма больше не к оплате.") {
				t.Errorf("pay_gone flash missing")
			}

			// The service refuses with a reason for the customer: the page
			// again, with that reason and the buttons. (On another page:
			// the presses above used up this one's rate.)
			o = payPushOrder(t, h, "ОПЛ-6", "ru", "+79160000216", nil)
			v = secOpen(t, h.send, o.Path)
			f.set(func(f *payFake) {
				f.startErr = fmt.Errorf("start: %w", payUserError{"Сумма изменилась, обновите страницу."})
			})
			resp = press(v.cookie, url.Values{"csrf": {v.csrf}, "offer": {"order"}})
			body := secBody(t, resp)
			secCheckHeaders(t, "pay refused", resp)
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `<p class="flash err" role="alert">Сумма изменилась, обновите страницу.</p>`) ||
				len(payForms(body)) != 2 {
				t.Errorf("user error: %d\n%s", resp.StatusCode, body)
			}
			// Anything else: a generic text, nothing of the cause.
			f.set(func(f *payFake) { f.startErr = errPayProviderDown })
			resp = press(v.cookie, url.Values{"csrf": {v.csrf}, "offer": {"order"}})
			body = secBody(t, resp)
			if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, payLocales[0].generic) ||
				strings.Contains(body, "sk_test") || strings.Contains(body, "stripe") || len(payForms(body)) != 2 {
				t.Errorf("provider down: %d\n%s", resp.StatusCode, body)
			}
		})
}

// TestPayRateLimit: one visitor presses a page's pay buttons at most ten
// times a minute; each press may call the provider.
func TestPayRateLimit(t *testing.T) {
	b := storetest.SQLite(t)
	f := newPayFake("https://pay.example.test/c", payOrderOffer)
	h := payServe(t, apptest.Start(t, b), f, "")
	o := payPushOrder(t, h, "ОПЛ-5", "ru", "+79160000215", nil)
	v := secOpen(t, h.send, o.Path)
	for i := 1; i <= 11; i++ {
		resp := secPostForm(t, h.send, o.Path+"/pay", v.cookie, url.Values{"csrf": {v.csrf}, "offer": {"order"}})
		secBody(t, resp)
		want := http.StatusSeeOther
		if i == 11 {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want {
			t.Fatalf("press %d: %d, want %d", i, resp.StatusCode, want)
		}
	}
	presses := f.presses()
	if len(presses) != 10 {
		t.Errorf("the service was asked %d times, want 10", len(presses))
	}
	// Without a public address the return address is the request's own.
	if want := h.base + o.Path + "/pay/return"; presses[0].ReturnURL != want {
		t.Errorf("return address %q, want %q", presses[0].ReturnURL, want)
	}
}

// TestPayReturn: back from the provider the page tells paid, pending (and
// asks again by itself, never saying paid) or failed / cancelled (with the
// pay buttons again), in the customer's language.
func TestPayReturn(t *testing.T) {
	payEach(t, func() *payFake { return newPayFake("https://pay.example.test/c", payOrderOffer) }, func(t *testing.T, h *payHub, f *payFake) {
		for i, loc := range payLocales {
			t.Run(loc.locale, func(t *testing.T) {
				o := payPushOrder(t, h, fmt.Sprintf("ОПЛ-1%d", i), loc.locale, loc.phone, nil)
				get := func(path, cookie string) (int, string) {
					resp := secGet(t, h.send, path, cookie)
					return resp.StatusCode, secBody(t, resp)
				}
				ret := func(id int64) string { return o.Path + "/pay/return/" + strconv.FormatInt(id, 10) }
				h1 := func(body string) string {
					if m := payH1Re.FindStringSubmatch(body); m != nil {
						return m[1]
					}
					return ""
				}
				neverPaid := func(what, body string) {
					t.Helper()
					if strings.Contains(body, loc.paid) || strings.Contains(body, loc.paidAmount+":") || strings.Contains(body, `data-state="paid"`) {
						t.Errorf("%s says paid:\n%s", what, body)
					}
				}

				pending := f.put(o.Thread.ID, hub.PaymentPending, 1250000)
				resp := secGet(t, h.send, ret(pending), "")
				secCheckHeaders(t, "return page", resp)
				status, body := resp.StatusCode, secBody(t, resp)
				if status != http.StatusOK || h1(body) != loc.pending {
					t.Fatalf("pending: %d %q\n%s", status, h1(body), body)
				}
				neverPaid("pending", body)
				// It asks again by itself, waiting longer each time.
				for n, want := range map[string]string{"": "3; url=" + ret(pending) + "?n=1", "2": "10; url=" + ret(pending) + "?n=3",
					"5": "60; url=" + ret(pending) + "?n=6", "100000": "60; url=" + ret(pending) + "?n=100", "-4": "3; url=" + ret(pending) + "?n=1"} {
					_, body := get(ret(pending)+"?n="+n, "")
					if m := payRefreshRe.FindStringSubmatch(body); m == nil || m[1] != want {
						t.Errorf("refresh of attempt %q = %v, want %q", n, m, want)
					}
				}

				f.settle(pending, func(p *hub.Payment) {
					p.Status, p.PaidMinor, p.ReceiptURL = hub.PaymentSucceeded, 1250000, "https://receipts.example.test/r/1"
				})
				_, body = get(ret(pending)+"?n=3", "")
				text := estText(body)
				if h1(body) != loc.paid || !strings.Contains(text, loc.paidAmount+": <strong>"+estMoney(t, loc.locale, 1250000)+"</strong>") ||
					!strings.Contains(body, `href="https://receipts.example.test/r/1"`) || payRefreshRe.MatchString(body) || len(payForms(body)) != 0 {
					t.Errorf("paid: %q\n%s", h1(body), body)
				}

				failed := f.put(o.Thread.ID, hub.PaymentFailed, 1250000)
				// Back from the provider's site the browser sends no
				// session cookie: the page starts one for its buttons.
				resp = secGet(t, h.send, ret(failed), "")
				body = secBody(t, resp)
				neverPaid("failed", body)
				forms := payForms(body)
				if h1(body) != loc.failed || payRefreshRe.MatchString(body) || len(forms) != 1 ||
					!strings.Contains(estText(body), loc.pay+" "+estMoney(t, loc.locale, 1250000)) {
					t.Fatalf("failed: %q, %d pay forms\n%s", h1(body), len(forms), body)
				}
				var cookie string
				for _, c := range resp.Cookies() {
					if c.Name == "nrd_c" {
						cookie = c.Value
					}
				}
				presses, next := len(f.presses()), f.put(0, hub.PaymentPending, 0)+1
				secExpectRedirect(t, secPostForm(t, h.send, forms[0].Get("action"), cookie, forms[0]),
					"https://pay.example.test/c?"+url.Values{"id": {strconv.FormatInt(next, 10)}, "return": {"https://hub.example.test" + ret(next)}}.Encode())
				if got := f.presses(); len(got) != presses+1 || got[presses].Offer != "order" {
					t.Errorf("pay again from the failed page: presses %+v", got)
				}

				cancelled := f.put(o.Thread.ID, hub.PaymentCancelled, 1250000)
				_, body = get(ret(cancelled), "")
				neverPaid("cancelled", body)
				if h1(body) != loc.cancelled || len(payForms(body)) != 1 {
					t.Errorf("cancelled: %q\n%s", h1(body), body)
				}

				// The provider cannot be asked: not confirmed, ask again.
				f.set(func(f *payFake) { f.outcomeErr = errPayProviderDown })
				status, body = get(ret(pending), "")
				f.set(func(f *payFake) { f.outcomeErr = nil })
				neverPaid("outcome unknown", body)
				if status != http.StatusOK || h1(body) != loc.pending || !payRefreshRe.MatchString(body) || strings.Contains(body, "sk_test") {
					t.Errorf("outcome unknown: %d %q\n%s", status, h1(body), body)
				}

				// Another thread's payment, or no payment id: 404.
				other := f.put(o.Thread.ID+1000, hub.PaymentSucceeded, 1250000)
				for _, path := range []string{ret(other), o.Path + "/pay/return/abc", o.Path + "/pay/return/0", o.Path + "/pay/return/-1", ret(999999)} {
					if status, body := get(path, ""); status != http.StatusNotFound {
						t.Errorf("GET %s: %d, want 404\n%s", path, status, body)
					}
				}
			})
		}
	})
}

// The fake must satisfy the page's interface as the service does.
var _ customer.Payments = (*payFake)(nil)

// TestPayOriginsMustBeCSPSources: a provider origin that would break or
// widen the page's policy stops the start.
func TestPayOriginsMustBeCSPSources(t *testing.T) {
	f := newPayFake("https://pay.example.test/c")
	for _, bad := range []string{"", "https://a.test; script-src *", "*", "https://a.test https://b.test", "'unsafe-inline'"} {
		if _, err := customer.New(nil, nil, nil, customer.Options{Secret: "s", Payments: f, PayOrigins: []string{bad}}); err == nil {
			t.Errorf("pay origin %q accepted", bad)
		}
	}
	if _, err := customer.New(nil, nil, nil, customer.Options{Secret: "s", Payments: f, PayOrigins: []string{"https://checkout.stripe.com", "https://yoomoney.ru"}}); err != nil {
		t.Errorf("good origins refused: %v", err)
	}
}

// TestPayExpiredLink: an expired link neither opens a payment nor shows
// one; it shows the expired page.
func TestPayExpiredLink(t *testing.T) {
	payEach(t, func() *payFake { return newPayFake("https://pay.example.test/c", payOrderOffer) }, func(t *testing.T, h *payHub, f *payFake) {
		o := payPushOrder(t, h, "ОПЛ-7", "ru", "+79160000217", nil)
		v := secOpen(t, h.send, o.Path)
		id := f.put(o.Thread.ID, hub.PaymentSucceeded, 1250000)
		past := time.Now().Add(-time.Minute)
		if err := h.Store.ExpireMagicLinks(context.Background(), o.Thread.ID, &past); err != nil {
			t.Fatal(err)
		}
		resp := secPostForm(t, h.send, o.Path+"/pay", v.cookie, url.Values{"csrf": {v.csrf}, "offer": {"order"}})
		if body := secBody(t, resp); resp.StatusCode != http.StatusGone || len(f.presses()) != 0 {
			t.Errorf("pay on an expired link: %d, %d presses\n%s", resp.StatusCode, len(f.presses()), body)
		}
		resp = secGet(t, h.send, o.Path+"/pay/return/"+strconv.FormatInt(id, 10), v.cookie)
		if body := secBody(t, resp); resp.StatusCode != http.StatusGone || strings.Contains(body, "Оплата прошла") {
			t.Errorf("return page on an expired link: %d\n%s", resp.StatusCode, body)
		}
	})
}
