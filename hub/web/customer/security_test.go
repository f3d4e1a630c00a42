package customer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub"
	"naryad/templates"
)

// secProbe is one route of the customer page, sent to a page path with a
// session cookie and CSRF token.
type secProbe struct {
	name string
	send func(t testing.TB, path string) *http.Response
}

// secProbes are every route of /c/<token>, each with a request that would
// succeed on a live link with this session (on version 1 of the work order,
// as secPushOrder stores it).
func secProbes(send secSender, cookie, csrf string, lineID, fileID int64) []secProbe {
	decision := func() url.Values {
		return url.Values{"csrf": {csrf}, "version": {"1"}, "line_" + strconv.FormatInt(lineID, 10): {hub.DecisionApproved}}
	}
	return []secProbe{
		{"GET page", func(t testing.TB, p string) *http.Response { return secGet(t, send, p, cookie) }},
		{"GET events", func(t testing.TB, p string) *http.Response { return secGet(t, send, p+"/events?after=0", cookie) }},
		{"GET file", func(t testing.TB, p string) *http.Response {
			return secGet(t, send, p+"/files/"+strconv.FormatInt(fileID, 10), cookie)
		}},
		{"POST messages", func(t testing.TB, p string) *http.Response {
			return secPostMessage(t, send, p, cookie, csrf, "marker-probe", &secUpload{"photo.png", "image/png", secPNG})
		}},
		{"POST estimate/review", func(t testing.TB, p string) *http.Response {
			return secPostForm(t, send, p+"/estimate/review", cookie, decision())
		}},
		{"POST estimate", func(t testing.TB, p string) *http.Response {
			return secPostForm(t, send, p+"/estimate", cookie, decision())
		}},
	}
}

// secMangle changes the first character of a token.
func secMangle(s string) string {
	if s == "" {
		return "x"
	}
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

// secCheckHeaders: the headers every answer under /c/ carries.
func secCheckHeaders(t testing.TB, what string, resp *http.Response) {
	t.Helper()
	if got := resp.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("%s: Referrer-Policy = %q, want no-referrer", what, got)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	switch {
	case csp == "":
		t.Errorf("%s: no Content-Security-Policy", what)
	case strings.Contains(csp, "'unsafe-inline'") || strings.Contains(csp, "'unsafe-eval'") || strings.Contains(csp, "*"):
		t.Errorf("%s: CSP is not strict: %q", what, csp)
	case !strings.Contains(csp, "frame-ancestors 'none'"):
		t.Errorf("%s: CSP lacks frame-ancestors 'none': %q", what, csp)
	case !strings.Contains(csp, "default-src 'none'"):
		t.Errorf("%s: CSP lacks default-src 'none': %q", what, csp)
	}
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options = %q, want nosniff", what, got)
	}
	if got := resp.Header.Values("Cache-Control"); len(got) != 1 || !strings.Contains(got[0], "no-store") {
		t.Errorf("%s: Cache-Control = %q, want no-store", what, got)
	}
}

// secCustomerData is what may never appear in a <title> (nor on the expired
// page): the default work order's customer, vehicle and phone.
var secCustomerData = []string{"Иван Петров", "Иван", "Петров", "А123ВС77", "+79161234567", "79161234567", "9161234567", "Škoda", "Octavia"}

func TestUnknownMalformedAndRevokedTokensAnswerTheSame404(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		send := secInProcess(h)
		a := secPushOrder(t, h, "АА-100", nil)
		secPushDocument(t, h, "doc-a", a.Number, "Счёт.pdf", "application/pdf", secPDF)
		file := secAttachment(t, h, a.Thread, "Счёт.pdf")
		line := a.line(t, h, "2")
		// A session taken while the link was alive is no key once it is revoked.
		v := secOpen(t, send, a.Path)
		if err := h.Store.RevokeMagicLinks(ctx, a.Thread.ID); err != nil {
			t.Fatal(err)
		}
		tokens := []struct{ name, token string }{
			{"unknown", secRandomToken(t)},
			{"one character changed", secMangle(a.token())},
			{"too short", "abc"},
			{"too long", strings.Repeat("A", 200)},
			{"not base64url", strings.Repeat("~", 43)},
			{"revoked", a.token()},
		}
		before := secCount(t, h)
		var first string
		for _, tok := range tokens {
			for _, p := range secProbes(send, v.cookie, v.csrf, line.ID, file.ID) {
				t.Run(tok.name+"/"+p.name, func(t *testing.T) {
					resp := p.send(t, "/c/"+tok.token)
					body := secBody(t, resp)
					if resp.StatusCode != http.StatusNotFound {
						t.Fatalf("status %d, want 404 (body %.200s)", resp.StatusCode, body)
					}
					if first == "" {
						first = body
					}
					if body != first {
						t.Errorf("body %q differs from the other 404s' %q: it tells the cases apart", body, first)
					}
					lower := strings.ToLower(body)
					for _, hint := range []string{"revoked", "expired", "invalid", "malformed", "token", "link", "отозван", "истёк", "ссылк"} {
						if strings.Contains(lower, hint) {
							t.Errorf("404 body %q hints at why (%q)", body, hint)
						}
					}
					if len(resp.Cookies()) > 0 {
						t.Errorf("404 set cookies %q", resp.Header.Values("Set-Cookie"))
					}
					secCheckHeaders(t, "404", resp)
				})
			}
		}
		if after := secCount(t, h); after != before {
			t.Errorf("requests with dead tokens stored something: before %+v, after %+v", before, after)
		}
		if got := a.line(t, h, "2"); got.Decision != "" {
			t.Errorf("line decided through a revoked link: %+v", got)
		}
	})
}

func TestExpiredLinkShowsOnlyTheBranchPhone(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		send := secInProcess(h)
		a := secPushOrder(t, h, "АА-200", nil)
		secPushDocument(t, h, "doc-a", a.Number, "Акт.pdf", "application/pdf", secPDF)
		file := secAttachment(t, h, a.Thread, "Акт.pdf")
		line := a.line(t, h, "2")
		v := secOpen(t, send, a.Path)
		secExpectRedirect(t, secPostMessage(t, send, a.Path, v.cookie, v.csrf, "marker-expired-secret", nil), a.Path+"?ok=sent_ok")

		past := time.Now().Add(-time.Hour)
		if err := h.Store.ExpireMagicLinks(ctx, a.Thread.ID, &past); err != nil {
			t.Fatal(err)
		}
		secrets := append([]string{a.Number, "marker-expired-secret", "Тормозные колодки", "Замена масла", "Акт.pdf",
			"/files/", v.csrf, a.token()}, secCustomerData...)
		before := secCount(t, h)
		for _, p := range secProbes(send, v.cookie, v.csrf, line.ID, file.ID) {
			t.Run(p.name, func(t *testing.T) {
				resp := p.send(t, a.Path)
				body := html.UnescapeString(secBody(t, resp))
				if resp.StatusCode != http.StatusGone {
					t.Fatalf("status %d, want 410 (body %.300s)", resp.StatusCode, body)
				}
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					t.Errorf("Content-Type %q, want the friendly HTML page", resp.Header.Get("Content-Type"))
				}
				if !strings.Contains(body, h.Branch.Phone) || !strings.Contains(body, "tel:"+h.Branch.Phone) {
					t.Errorf("expired page lacks the branch phone %s:\n%s", h.Branch.Phone, body)
				}
				for _, s := range secrets {
					if strings.Contains(body, s) {
						t.Errorf("expired page shows %q of the thread", s)
					}
				}
				if bytes.Contains([]byte(body), secPDF[:8]) {
					t.Error("expired link still serves the document")
				}
				secCheckHeaders(t, "410", resp)
			})
		}
		if after := secCount(t, h); after != before {
			t.Errorf("requests on an expired link stored something: before %+v, after %+v", before, after)
		}
	})
}

func TestEveryCustomerResponseCarriesTheSecurityHeaders(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		// A real socket: the event stream never ends, so it is read only up
		// to its headers.
		send := secOverSocket(t, h.Run(t), "127.0.0.1")
		a := secPushOrder(t, h, "АА-300", nil)
		c := secPushOrder(t, h, "АА-301", nil)
		secPushDocument(t, h, "doc-a", a.Number, "Счёт.pdf", "application/pdf", secPDF)
		file := secAttachment(t, h, a.Thread, "Счёт.pdf")
		line := a.line(t, h, "2")
		v := secOpen(t, send, a.Path)
		vc := secOpen(t, send, c.Path)
		past := time.Now().Add(-time.Minute)
		if err := h.Store.ExpireMagicLinks(ctx, c.Thread.ID, &past); err != nil {
			t.Fatal(err)
		}
		lineForm := url.Values{"csrf": {v.csrf}, "version": {"1"}, "line_" + strconv.FormatInt(line.ID, 10): {hub.DecisionDeclined}}
		noCSRF := url.Values{"line_" + strconv.FormatInt(line.ID, 10): {hub.DecisionDeclined}}
		cases := []struct {
			name   string
			status int
			do     func(t *testing.T) *http.Response
		}{
			{"page, first visit", 200, func(t *testing.T) *http.Response { return secGet(t, send, a.Path, "") }},
			{"page", 200, func(t *testing.T) *http.Response { return secGet(t, send, a.Path, v.cookie) }},
			{"page with a flash", 200, func(t *testing.T) *http.Response { return secGet(t, send, a.Path+"?err=file_type", v.cookie) }},
			{"events", 200, func(t *testing.T) *http.Response { return secGet(t, send, a.Path+"/events?after=0", v.cookie) }},
			{"file", 200, func(t *testing.T) *http.Response {
				return secGet(t, send, fmt.Sprintf("%s/files/%d", a.Path, file.ID), v.cookie)
			}},
			{"missing file", 404, func(t *testing.T) *http.Response { return secGet(t, send, a.Path+"/files/999999", v.cookie) }},
			{"message", 303, func(t *testing.T) *http.Response {
				return secPostMessage(t, send, a.Path, v.cookie, v.csrf, "Когда будет готово?", nil)
			}},
			{"review", 200, func(t *testing.T) *http.Response {
				return secPostForm(t, send, a.Path+"/estimate/review", v.cookie, lineForm)
			}},
			{"decide", 303, func(t *testing.T) *http.Response { return secPostForm(t, send, a.Path+"/estimate", v.cookie, lineForm) }},
			{"form without csrf", 403, func(t *testing.T) *http.Response { return secPostForm(t, send, a.Path+"/estimate", v.cookie, noCSRF) }},
			{"unknown token", 404, func(t *testing.T) *http.Response { return secGet(t, send, "/c/"+secRandomToken(t), "") }},
			{"expired page", 410, func(t *testing.T) *http.Response { return secGet(t, send, c.Path, vc.cookie) }},
			{"expired events", 410, func(t *testing.T) *http.Response { return secGet(t, send, c.Path+"/events", vc.cookie) }},
		}
		forbidden := append([]string{a.Number, c.Number}, secCustomerData...)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				resp := tc.do(t)
				defer resp.Body.Close()
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
				}
				secCheckHeaders(t, tc.name, resp)
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					return // the event stream is left unread
				}
				body := secBody(t, resp)
				tt := secTitle(body)
				if tt == "" {
					t.Fatalf("HTML answer without a <title>: %.300s", body)
				}
				for _, s := range forbidden {
					if strings.Contains(tt, s) {
						t.Errorf("<title>%s</title> holds customer data %q", tt, s)
					}
				}
			})
		}
	})
}

func TestSessionCookieIsHttpOnlyStrictAndScopedToTheLink(t *testing.T) {
	cases := []struct {
		name      string
		publicURL string
		secure    bool
	}{
		{"https public URL", "https://hub.example.test", true},
		{"http public URL", "http://hub.example.test", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			secEachHub(t, func(t *testing.T, h *apptest.Hub) {
				send := secInProcess(h)
				a := secPushOrder(t, h, "АА-400", nil)
				b := secPushOrder(t, h, "ББ-400", secOtherCustomer())

				resp := secGet(t, send, a.Path, "")
				secBody(t, resp)
				var session *http.Cookie
				for _, c := range resp.Cookies() {
					if c.Name == "nrd_c" {
						if session != nil {
							t.Fatalf("two session cookies: %q", resp.Header.Values("Set-Cookie"))
						}
						session = c
					}
				}
				if session == nil {
					t.Fatalf("first visit set no session cookie: %q", resp.Header.Values("Set-Cookie"))
				}
				raw := resp.Header.Get("Set-Cookie")
				if !session.HttpOnly {
					t.Errorf("session cookie is not HttpOnly: %s", raw)
				}
				if session.SameSite != http.SameSiteStrictMode {
					t.Errorf("session cookie SameSite = %v, want Strict: %s", session.SameSite, raw)
				}
				if session.Path != a.Path {
					t.Errorf("session cookie Path = %q, want %q (this one link only): %s", session.Path, a.Path, raw)
				}
				if session.Domain != "" {
					t.Errorf("session cookie has Domain %q: %s", session.Domain, raw)
				}
				if session.Secure != tc.secure {
					t.Errorf("session cookie Secure = %v with public URL %s: %s", session.Secure, tc.publicURL, raw)
				}

				// The same browser keeps its session.
				resp = secGet(t, send, a.Path, session.Value)
				secBody(t, resp)
				if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
					t.Errorf("a returning visitor got a new cookie: %q", got)
				}
				// A's session means nothing on B: B's page starts its own.
				resp = secGet(t, send, b.Path, session.Value)
				secBody(t, resp)
				var other *http.Cookie
				for _, c := range resp.Cookies() {
					if c.Name == "nrd_c" {
						other = c
					}
				}
				if other == nil || other.Value == session.Value || other.Path != b.Path {
					t.Errorf("B's page with A's cookie: Set-Cookie %q, want a new session scoped to %s", resp.Header.Values("Set-Cookie"), b.Path)
				}
				// Answers that show no page set no cookie.
				for _, p := range []string{"/c/" + secRandomToken(t), a.Path + "/files/999999"} {
					resp := secGet(t, send, p, "")
					secBody(t, resp)
					if got := resp.Header.Values("Set-Cookie"); resp.StatusCode != http.StatusNotFound || len(got) != 0 {
						t.Errorf("GET %s: %d, Set-Cookie %q; want 404 without a cookie", p, resp.StatusCode, got)
					}
				}
			}, func(cfg *cli.Config) { cfg.PublicURL = tc.publicURL })
		})
	}
}

func TestFormsRefuseMissingOrForeignSessionAndCSRF(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		a := secPushOrder(t, h, "АА-500", nil)
		b := secPushOrder(t, h, "ББ-500", secOtherCustomer())
		va := secOpen(t, send, a.Path)
		va2 := secOpen(t, send, a.Path) // another browser on the same link
		vb := secOpen(t, send, b.Path)
		lineKey := "line_" + strconv.FormatInt(a.line(t, h, "2").ID, 10)
		form := func(csrf string) url.Values {
			f := url.Values{lineKey: {hub.DecisionApproved}, "version": {"1"}}
			if csrf != "" {
				f.Set("csrf", csrf)
			}
			return f
		}
		forms := []struct {
			name string
			ok   int // the status with the page's own cookie and csrf
			post func(t *testing.T, cookie, csrf string) *http.Response
		}{
			{"messages", 303, func(t *testing.T, cookie, csrf string) *http.Response {
				return secPostMessage(t, send, a.Path, cookie, csrf, "marker-forged", &secUpload{"p.png", "image/png", secPNG})
			}},
			{"estimate/review", 200, func(t *testing.T, cookie, csrf string) *http.Response {
				return secPostForm(t, send, a.Path+"/estimate/review", cookie, form(csrf))
			}},
			{"estimate", 303, func(t *testing.T, cookie, csrf string) *http.Response {
				return secPostForm(t, send, a.Path+"/estimate", cookie, form(csrf))
			}},
		}
		nonce, _, _ := strings.Cut(va.cookie, ".")
		creds := []struct{ name, cookie, csrf string }{
			{"no cookie", "", va.csrf},
			{"no cookie, no csrf", "", ""},
			{"cookie, no csrf", va.cookie, ""},
			{"cookie, wrong csrf", va.cookie, secMangle(va.csrf)},
			{"cookie, csrf of the cookie value itself", va.cookie, va.cookie},
			{"cookie, csrf of another session of the same link", va.cookie, va2.csrf},
			{"cookie, csrf of thread B's session", va.cookie, vb.csrf},
			{"cookie and csrf of thread B", vb.cookie, vb.csrf},
			{"cookie with a forged signature", nonce + "." + secMangle(strings.SplitN(va.cookie, ".", 2)[1]), va.csrf},
			{"cookie without signature", nonce, va.csrf},
		}
		before := secCount(t, h)
		for _, f := range forms {
			for _, c := range creds {
				t.Run(f.name+"/"+c.name, func(t *testing.T) {
					resp := f.post(t, c.cookie, c.csrf)
					body := secBody(t, resp)
					if resp.StatusCode != http.StatusForbidden {
						t.Errorf("status %d (Location %q), want 403 (body %.200s)", resp.StatusCode, resp.Header.Get("Location"), body)
					}
				})
			}
		}
		if after := secCount(t, h); after != before {
			t.Errorf("refused forms stored something: before %+v, after %+v", before, after)
		}
		if got := a.line(t, h, "2"); got.Decision != "" {
			t.Errorf("line decided by a refused form: %+v", got)
		}
		// The same forms pass with the page's own cookie and csrf: the
		// refusals above were about the credentials alone.
		for _, f := range forms {
			resp := f.post(t, va.cookie, va.csrf)
			if body := secBody(t, resp); resp.StatusCode != f.ok {
				t.Errorf("%s with valid credentials: %d, want %d (%.200s)", f.name, resp.StatusCode, f.ok, body)
			}
		}
	})
}

func TestOneThreadsCredentialsNeverReachAnother(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		send := secOverSocket(t, h.Run(t), "127.0.0.1")
		a := secPushOrder(t, h, "АА-600", nil)
		b := secPushOrder(t, h, "ББ-600", secOtherCustomer())
		va := secOpen(t, send, a.Path)
		vb := secOpen(t, send, b.Path)
		secExpectRedirect(t, secPostMessage(t, send, b.Path, vb.cookie, vb.csrf, "marker-B-1", &secUpload{"b-photo.png", "image/png", secPNG}), b.Path+"?ok=sent_ok")
		secPushDocument(t, h, "doc-b", b.Number, "Счёт Б.pdf", "application/pdf", secPDF)
		secExpectRedirect(t, secPostMessage(t, send, a.Path, va.cookie, va.csrf, "marker-A-1", nil), a.Path+"?ok=sent_ok")
		bPhoto := secAttachment(t, h, b.Thread, "b-photo.png")
		bDoc := secAttachment(t, h, b.Thread, "Счёт Б.pdf")
		aLine, bLine := a.line(t, h, "2"), b.line(t, h, "1")
		bSecrets := []string{"marker-B-1", b.Number, "Мария Сидорова", "В456ОР99", "Свечи зажигания Б", "Счёт Б.pdf", "b-photo.png",
			fmt.Sprintf("/files/%d", bPhoto.ID), fmt.Sprintf("/files/%d", bDoc.ID), b.token()}

		t.Run("attachments", func(t *testing.T) {
			for _, att := range []hub.Attachment{bPhoto, bDoc} {
				resp := secGet(t, send, fmt.Sprintf("%s/files/%d", a.Path, att.ID), va.cookie)
				body := secBody(t, resp)
				if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "PDF") || strings.Contains(body, "PNG") {
					t.Errorf("B's %s through A's route: %d %.40q, want 404", att.Name, resp.StatusCode, body)
				}
				// The id is right: B's own route serves it.
				resp = secGet(t, send, fmt.Sprintf("%s/files/%d", b.Path, att.ID), vb.cookie)
				if secBody(t, resp); resp.StatusCode != http.StatusOK {
					t.Errorf("B's %s through B's route: %d", att.Name, resp.StatusCode)
				}
			}
		})
		t.Run("page", func(t *testing.T) {
			resp := secGet(t, send, a.Path, va.cookie)
			body := secBody(t, resp)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, "marker-A-1") {
				t.Fatalf("A's page: %d, own message shown: %v", resp.StatusCode, strings.Contains(body, "marker-A-1"))
			}
			for _, s := range bSecrets {
				if strings.Contains(body, s) {
					t.Errorf("A's page shows B's %q", s)
				}
			}
		})
		t.Run("event stream replay", func(t *testing.T) {
			s, _ := secOpenStream(t, send, a.Path, va.cookie, 0)
			text := s.until(t, ": replayed", secStreamWait)
			if !strings.Contains(text, "marker-A-1") {
				t.Errorf("A's replay lacks A's own message:\n%s", text)
			}
			for _, sec := range bSecrets {
				if strings.Contains(text, sec) {
					t.Errorf("A's event stream shows B's %q", sec)
				}
			}
		})
		t.Run("live event stream", func(t *testing.T) {
			last, err := h.Store.LastEventID(ctx)
			if err != nil {
				t.Fatal(err)
			}
			s, _ := secOpenStream(t, send, a.Path, va.cookie, last)
			s.until(t, ": replayed", secStreamWait)
			secExpectRedirect(t, secPostMessage(t, send, b.Path, vb.cookie, vb.csrf, "marker-B-2", nil), b.Path+"?ok=sent_ok")
			secExpectRedirect(t, secPostMessage(t, send, a.Path, va.cookie, va.csrf, "marker-A-2", nil), a.Path+"?ok=sent_ok")
			// Events arrive in commit order: B's, had it leaked, came first.
			if text := s.until(t, "marker-A-2", secStreamWait); strings.Contains(text, "marker-B-2") {
				t.Errorf("B's live message reached A's stream:\n%s", text)
			}
		})
		t.Run("decisions", func(t *testing.T) {
			before := secCount(t, h)
			for _, f := range []url.Values{
				{"line_" + strconv.FormatInt(bLine.ID, 10): {hub.DecisionApproved}},
				{"line_" + strconv.FormatInt(aLine.ID, 10): {hub.DecisionApproved}, "line_" + strconv.FormatInt(bLine.ID, 10): {hub.DecisionDeclined}},
			} {
				f.Set("csrf", va.csrf)
				f.Set("version", strconv.FormatInt(a.WO.Version, 10))
				resp := secPostForm(t, send, a.Path+"/estimate", va.cookie, f)
				body := secBody(t, resp)
				loc := resp.Header.Get("Location")
				if resp.StatusCode == http.StatusOK || loc == a.Path+"?ok=thanks" || !(resp.StatusCode >= 400 || strings.Contains(loc, "err=")) {
					t.Errorf("deciding B's line through A (%v): %d Location %q, want a refusal (%.200s)", f, resp.StatusCode, loc, body)
				}
			}
			if after := secCount(t, h); after != before {
				t.Errorf("cross-thread decisions stored something: before %+v, after %+v", before, after)
			}
			if got := b.line(t, h, "1"); got.Decision != "" {
				t.Errorf("B's line decided through A: %+v", got)
			}
			if got := a.line(t, h, "2"); got.Decision != "" {
				t.Errorf("A's line decided together with B's refused one: %+v", got)
			}
			// The review step lists A's own lines only.
			resp := secPostForm(t, send, a.Path+"/estimate/review", va.cookie, url.Values{"csrf": {va.csrf},
				"line_" + strconv.FormatInt(aLine.ID, 10): {hub.DecisionApproved}, "line_" + strconv.FormatInt(bLine.ID, 10): {hub.DecisionApproved}})
			body := secBody(t, resp)
			if resp.StatusCode != http.StatusOK || strings.Contains(body, "Свечи зажигания Б") || strings.Contains(body, "line_"+strconv.FormatInt(bLine.ID, 10)) {
				t.Errorf("A's review with B's line: %d, B's line shown: %v", resp.StatusCode, strings.Contains(body, "Свечи зажигания Б"))
			}
		})
		t.Run("messages", func(t *testing.T) {
			aN, bN := secThreadMessages(t, h, a.Thread), secThreadMessages(t, h, b.Thread)
			secExpectRedirect(t, secPostMessage(t, send, a.Path, va.cookie, va.csrf, "marker-A-3", &secUpload{"a.png", "image/png", secJPEG}), a.Path+"?ok=sent_ok")
			if got := secThreadMessages(t, h, a.Thread); got != aN+1 {
				t.Errorf("A has %d messages, want %d", got, aN+1)
			}
			if got := secThreadMessages(t, h, b.Thread); got != bN {
				t.Errorf("B has %d messages, want %d: A's message landed in B", got, bN)
			}
			att := secAttachment(t, h, a.Thread, "a.png")
			if files := secThreadFiles(t, h, b.Thread); len(files) != 2 {
				t.Errorf("B's attachments = %+v, want its own two", files)
			}
			changes := secFeed(t, h)
			last := changes[len(changes)-1]
			if last.Type != hub.ChangeCustomerMessage || last.WorkOrderNumber != a.Number || last.Data["thread_id"] != float64(a.Thread.ID) || last.Data["text"] != "marker-A-3" {
				t.Errorf("feed's last change = %+v, want A's message", last)
			}
			if att.ContentType != "image/jpeg" {
				t.Errorf("a JPEG named .png stored as %q", att.ContentType)
			}
		})
	})
}

func TestUploadsAreCheckedByContentAndSize(t *testing.T) {
	const limit = 4096
	secEachHub(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		a := secPushOrder(t, h, "АА-700", nil)
		v := secOpen(t, send, a.Path)
		cases := []struct {
			name     string
			file     secUpload
			wantType string // "" when refused
			wantErr  string
		}{
			{"PNG named .pdf", secUpload{"scan.pdf", "application/pdf", secPNG}, "image/png", ""},
			{"JPEG named .png", secUpload{"photo.png", "image/png", secJPEG}, "image/jpeg", ""},
			{"PDF named .jpg", secUpload{"act.jpg", "image/jpeg", secPDF}, "application/pdf", ""},
			{"HEIC named .bin", secUpload{"IMG_0001.bin", "application/octet-stream", secHEIC}, "image/heic", ""},
			{"PNG exactly at the limit", secUpload{"limit.png", "image/png", secSized(limit)}, "image/png", ""},
			{"text named .jpg", secUpload{"t.jpg", "image/jpeg", []byte("just some text, not a photo\n")}, "", "file_type"},
			{"HTML named .png", secUpload{"h.png", "image/png", []byte("<html><script>alert(1)</script></html>")}, "", "file_type"},
			{"SVG named .png", secUpload{"s.png", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)}, "", "file_type"},
			{"GIF named .jpg", secUpload{"g.jpg", "image/jpeg", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")}, "", "file_type"},
			{"PNG one byte over the limit", secUpload{"over.png", "image/png", secSized(limit + 1)}, "", "file_too_big"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := secCount(t, h)
				seq := int64(0)
				if changes := secFeed(t, h); len(changes) > 0 {
					seq = changes[len(changes)-1].Seq
				}
				resp := secPostMessage(t, send, a.Path, v.cookie, v.csrf, "", &tc.file)
				if tc.wantErr != "" {
					secExpectRedirect(t, resp, a.Path+"?err="+tc.wantErr)
					if after := secCount(t, h); after != before {
						t.Errorf("refused upload stored something: before %+v, after %+v", before, after)
					}
					// The redirect's page says what went wrong.
					page := secGet(t, send, a.Path+"?err="+tc.wantErr, v.cookie)
					if body := secBody(t, page); !strings.Contains(body, `class="flash err"`) {
						t.Errorf("page after the refusal shows no error")
					}
					return
				}
				secExpectRedirect(t, resp, a.Path+"?ok=sent_ok")
				after := secCount(t, h)
				if after.Messages != before.Messages+1 || after.Attachments != before.Attachments+1 || after.Changes != before.Changes+1 {
					t.Errorf("accepted upload: before %+v, after %+v", before, after)
				}
				att := secAttachment(t, h, a.Thread, tc.file.name)
				sum := sha256.Sum256(tc.file.data)
				hash := hex.EncodeToString(sum[:])
				if att.ContentType != tc.wantType || att.SizeBytes != int64(len(tc.file.data)) || att.SHA256 != hash {
					t.Errorf("stored %+v, want type %s, %d bytes, sha256 %s", att, tc.wantType, len(tc.file.data), hash)
				}
				// Served back with the type found in the content, byte for byte.
				resp = secGet(t, send, fmt.Sprintf("%s/files/%d", a.Path, att.ID), v.cookie)
				body := secBody(t, resp)
				if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != tc.wantType || body != string(tc.file.data) {
					t.Errorf("download: %d %q, %d bytes, want %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body), tc.wantType, len(tc.file.data))
				}
				// The DMS hears of it with the file's hash.
				var got []secChange
				for _, c := range secFeed(t, h) {
					if c.Seq > seq {
						got = append(got, c)
					}
				}
				if len(got) != 1 || got[0].Type != hub.ChangeCustomerMessage || got[0].WorkOrderNumber != a.Number {
					t.Fatalf("new changes = %+v, want one customer_message of %s", got, a.Number)
				}
				files, _ := got[0].Data["attachments"].([]any)
				if len(files) != 1 {
					t.Fatalf("customer_message data = %v, want one attachment", got[0].Data)
				}
				f := files[0].(map[string]any)
				if f["sha256"] != hash || f["content_type"] != tc.wantType || f["size_bytes"] != float64(len(tc.file.data)) {
					t.Errorf("change attachment = %v, want sha256 %s, %s, %d bytes", f, hash, tc.wantType, len(tc.file.data))
				}
			})
		}
	}, func(cfg *cli.Config) { cfg.UploadMaxBytes = limit })
}

// The app's request body limit is derived from NARYAD_DMS_MAX_BODY_BYTES;
// NARYAD_UPLOAD_MAX_BYTES must still be what decides a customer's upload.
func TestUploadLimitIsTheUploadSetting(t *testing.T) {
	cases := []struct {
		name        string
		uploadMax   int // 0: default (20 MiB)
		dmsMax      int // 0: default (32 MiB)
		size        int
		wantOutcome string
	}{
		// A request far beyond every limit is cut off by the HTTP server
		// itself (nothing stored; the page's script refuses such a file
		// before sending it); one over the upload setting gets the page.
		{"default limits, photo just over 20 MiB", 0, 0, 20<<20 + 100<<10, "?err=file_too_big"},
		{"upload limit above the DMS limit, 2 MiB photo", 3 << 20, 1024, 2 << 20, "?ok=sent_ok"},
		{"upload limit above the DMS limit, photo just over 3 MiB", 3 << 20, 1024, 3<<20 + 100<<10, "?err=file_too_big"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			secEachHub(t, func(t *testing.T, h *apptest.Hub) {
				// A real socket: in process, fiber's test transport turns
				// its own body limit into an error instead of an answer.
				base := h.Run(t)
				a := secPushOrder(t, h, "АА-710", nil)
				v := secOpen(t, secOverSocket(t, base, "127.0.0.1"), a.Path)
				body, ct := secMultipart(t, url.Values{"csrf": {v.csrf}}, &secUpload{"big.png", "image/png", secSized(tc.size)})
				req, err := http.NewRequest(http.MethodPost, base+a.Path+"/messages", bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", ct)
				req.Header.Set("Cookie", "nrd_c="+v.cookie)
				client := &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatalf("%d-byte upload: no answer (%v), want 303 to %s", tc.size, err, a.Path+tc.wantOutcome)
				}
				answer := secBody(t, resp)
				if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != a.Path+tc.wantOutcome {
					t.Errorf("%d-byte upload: %d Location %q body %.120q, want 303 to %s", tc.size, resp.StatusCode,
						resp.Header.Get("Location"), answer, a.Path+tc.wantOutcome)
				}
				secCheckHeaders(t, "upload answer", resp)
			}, func(cfg *cli.Config) {
				if tc.uploadMax > 0 {
					cfg.UploadMaxBytes = tc.uploadMax
				}
				if tc.dmsMax > 0 {
					cfg.DMSMaxBodyBytes = tc.dmsMax
				}
			})
		})
	}
}

func TestEstimateDecisionsAreStoredOnceWithEvidence(t *testing.T) {
	const userAgent = "naryad-security-test/1.0"
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		// Over a socket, so the evidence holds a real client address.
		send := secOverSocket(t, h.Run(t), "127.0.0.1")
		withUA := func(t testing.TB, req *http.Request) *http.Response {
			req.Header.Set("User-Agent", userAgent)
			return send(t, req)
		}
		a := secPushOrder(t, h, "АА-800", map[string]any{"lines": []any{
			map[string]any{"id": "1", "kind": "labor", "name": "Замена масла", "qty": 1, "unit_price": "1500"},
			map[string]any{"id": "2", "kind": "part", "name": "Тормозные колодки", "qty": 1, "unit_price": "6800", "needs_approval": true},
			map[string]any{"id": "3", "kind": "recommendation", "name": "Замена щёток", "qty": 1, "unit_price": "1200", "needs_approval": true},
		}})
		v := secOpen(t, withUA, a.Path)
		labor, part, rec := a.line(t, h, "1"), a.line(t, h, "2"), a.line(t, h, "3")
		key := func(l hub.WorkOrderLine) string { return "line_" + strconv.FormatInt(l.ID, 10) }
		choice := url.Values{"csrf": {v.csrf}, "version": {"1"}, key(part): {hub.DecisionDeclined}, key(rec): {hub.DecisionApproved}}

		// Review: the new total, nothing stored yet. 1500 + 6800 − 6800 (declined part) + 1200 (approved recommendation).
		before := secCount(t, h)
		resp := secPostForm(t, withUA, a.Path+"/estimate/review", v.cookie, choice)
		body := strings.ReplaceAll(secBody(t, resp), "\u00a0", " ") // the page keeps sums on one line
		want, err := templates.Money("ru", 270000, "RUB")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="new-total">`+want+"<") {
			t.Fatalf("review: %d, want the new total %q in:\n%s", resp.StatusCode, want, body)
		}
		for _, hidden := range []string{`name="` + key(part) + `" value="declined"`, `name="` + key(rec) + `" value="approved"`, `name="csrf" value="` + v.csrf + `"`, `name="version" value="1"`} {
			if !strings.Contains(body, hidden) {
				t.Errorf("review form lacks %s", hidden)
			}
		}
		if after := secCount(t, h); after != before {
			t.Errorf("the review stored something: before %+v, after %+v", before, after)
		}

		// Confirm.
		secExpectRedirect(t, secPostForm(t, withUA, a.Path+"/estimate", v.cookie, choice), a.Path+"?ok=thanks")
		var rows []struct {
			ExternalID string
			Decision   string
			DecidedBy  string
			DecidedIP  string `gorm:"column:decided_ip"`
			DecidedUA  string `gorm:"column:decided_ua"`
			DecidedAt  *time.Time
		}
		err = h.Store.Gorm(context.Background()).Table("work_order_lines").Where("work_order_id = ?", a.WO.ID).Order("position, id").
			Select("external_id, decision, decided_by, decided_ip, decided_ua, decided_at").Scan(&rows).Error
		if err != nil {
			t.Fatal(err)
		}
		wantDecision := map[string]string{"1": "", "2": hub.DecisionDeclined, "3": hub.DecisionApproved}
		for _, r := range rows {
			if r.Decision != wantDecision[r.ExternalID] {
				t.Errorf("line %s decision %q, want %q", r.ExternalID, r.Decision, wantDecision[r.ExternalID])
			}
			if r.Decision == "" {
				continue
			}
			if r.DecidedIP != "127.0.0.1" || r.DecidedUA != userAgent || r.DecidedBy != "customer" || r.DecidedAt == nil {
				t.Errorf("line %s evidence: ip %q ua %q by %q at %v", r.ExternalID, r.DecidedIP, r.DecidedUA, r.DecidedBy, r.DecidedAt)
			}
		}
		decisions := map[string]map[string]any{}
		for _, c := range secFeed(t, h) {
			if c.Type == hub.ChangeLineDecision {
				id, _ := c.Data["line_id"].(string)
				if decisions[id] != nil {
					t.Errorf("two line_decision changes for line %s", id)
				}
				decisions[id] = c.Data
				if c.WorkOrderNumber != a.Number {
					t.Errorf("line_decision of %q, want %s", c.WorkOrderNumber, a.Number)
				}
			}
		}
		if len(decisions) != 2 || decisions["2"]["decision"] != hub.DecisionDeclined || decisions["3"]["decision"] != hub.DecisionApproved ||
			decisions["2"]["ip"] != "127.0.0.1" || decisions["3"]["user_agent"] != userAgent {
			t.Errorf("line_decision changes = %v", decisions)
		}

		// Decisions are final; lines that wait for none cannot be decided.
		settled := secCount(t, h)
		for _, tc := range []struct {
			name string
			form url.Values
			want string
		}{
			{"the declined line again", url.Values{key(part): {hub.DecisionApproved}}, "?err=decided_already"},
			{"the approved line again", url.Values{key(rec): {hub.DecisionDeclined}}, "?err=decided_already"},
			{"a line needing no approval", url.Values{key(labor): {hub.DecisionDeclined}}, "?err=decided_already"},
			{"an unknown decision", url.Values{key(part): {"maybe"}}, "?err=choose"},
			{"a line id that is not a number", url.Values{"line_x": {hub.DecisionApproved}}, "?err=choose"},
			{"no line at all", url.Values{}, "?err=choose"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.form.Set("csrf", v.csrf)
				tc.form.Set("version", "1")
				secExpectRedirect(t, secPostForm(t, withUA, a.Path+"/estimate", v.cookie, tc.form), a.Path+tc.want)
			})
		}
		if after := secCount(t, h); after != settled {
			t.Errorf("refused decisions stored something: before %+v, after %+v", settled, after)
		}
		if got := a.line(t, h, "2"); got.Decision != hub.DecisionDeclined {
			t.Errorf("declined line is now %q", got.Decision)
		}
		if got := a.line(t, h, "3"); got.Decision != hub.DecisionApproved {
			t.Errorf("approved line is now %q", got.Decision)
		}
		// The page shows the decisions as final, with no form left.
		resp = secGet(t, withUA, a.Path, v.cookie)
		if body := secBody(t, resp); strings.Contains(body, "/estimate/review") || !strings.Contains(body, `class="final"`) {
			t.Errorf("page after deciding still offers the estimate form or lacks the final note")
		}
	})
}

// The limit is NARYAD_CUSTOMER_RATE_LIMIT; a small one keeps the test short
// and shows the setting reaches the page.
const secPerMinute = 30

func TestRateLimitPerIPUnderC(t *testing.T) {
	secEachHub(t, func(t *testing.T, h *apptest.Hub) {
		base := h.Run(t)
		a := secPushOrder(t, h, "АА-900", nil)
		clients := []struct {
			name string
			send secSender
		}{
			// In process every request comes from fiber's test connection
			// (0.0.0.0): one address, one budget.
			{"in process", secInProcess(h)},
			{"socket from 127.0.0.1", secOverSocket(t, base, "127.0.0.1")},
		}
		for _, c := range clients {
			t.Run(c.name, func(t *testing.T) {
				v := secOpen(t, c.send, a.Path) // request 1
				for i := 2; i <= secPerMinute; i++ {
					resp := secGet(t, c.send, "/c/"+secRandomToken(t), "")
					if secBody(t, resp); resp.StatusCode != http.StatusNotFound {
						t.Fatalf("request %d of %d: status %d, want 404", i, secPerMinute, resp.StatusCode)
					}
				}
				before := secCount(t, h)
				for _, p := range []secProbe{
					{"unknown token", func(t testing.TB, _ string) *http.Response { return secGet(t, c.send, "/c/"+secRandomToken(t), "") }},
					{"page", func(t testing.TB, _ string) *http.Response { return secGet(t, c.send, a.Path, v.cookie) }},
					{"events", func(t testing.TB, _ string) *http.Response { return secGet(t, c.send, a.Path+"/events", v.cookie) }},
					{"message", func(t testing.TB, _ string) *http.Response {
						return secPostMessage(t, c.send, a.Path, v.cookie, v.csrf, "marker-limited", nil)
					}},
				} {
					resp := p.send(t, "")
					body := secBody(t, resp)
					if resp.StatusCode != http.StatusTooManyRequests {
						t.Errorf("%s over the limit: %d, want 429 (%.100s)", p.name, resp.StatusCode, body)
					}
					secCheckHeaders(t, p.name+" 429", resp)
				}
				if after := secCount(t, h); after != before {
					t.Errorf("a limited request stored something: before %+v, after %+v", before, after)
				}
			})
		}
		t.Run("another IP is not limited", func(t *testing.T) {
			conn, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}).Dial("tcp", strings.TrimPrefix(base, "http://"))
			if err != nil {
				t.Skipf("cannot send from 127.0.0.2 here: %v", err)
			}
			conn.Close()
			secOpen(t, secOverSocket(t, base, "127.0.0.2"), a.Path)
		})
		t.Run("the DMS API is not limited by /c/", func(t *testing.T) {
			if status, reply := h.Get(t, "/api/dms/v1/changes?after=0"); status != http.StatusOK {
				t.Errorf("DMS feed after /c/ was limited: %d %v", status, reply)
			}
		})
	}, func(cfg *cli.Config) { cfg.CustomerRateLimit = secPerMinute })
}

func TestDMSDocumentsOnlyForTheThreadsToken(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		send := secInProcess(h)
		a := secPushOrder(t, h, "АА-1000", nil)
		b := secPushOrder(t, h, "ББ-1000", secOtherCustomer())
		secPushDocument(t, h, "doc-a", a.Number, "Заказ-наряд.pdf", "application/pdf", secPDF)
		doc := secAttachment(t, h, a.Thread, "Заказ-наряд.pdf")
		va := secOpen(t, send, a.Path)
		vb := secOpen(t, send, b.Path)
		docURL := fmt.Sprintf("/files/%d", doc.ID)
		if body := secBody(t, secGet(t, send, a.Path, va.cookie)); !strings.Contains(body, a.Path+docURL) {
			t.Fatalf("A's page does not list its document %s", a.Path+docURL)
		}
		cases := []struct {
			name, path, cookie string
			status             int
		}{
			{"A's token with its session", a.Path, va.cookie, 200},
			{"A's token alone (the SMS link)", a.Path, "", 200},
			{"B's token and session", b.Path, vb.cookie, 404},
			{"B's token with A's session", b.Path, va.cookie, 404},
			{"an unknown token with A's session", "/c/" + secRandomToken(t), va.cookie, 404},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				resp := secGet(t, send, tc.path+docURL, tc.cookie)
				body := secBody(t, resp)
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
				}
				if tc.status != 200 {
					if strings.Contains(body, "%PDF") {
						t.Error("the refusal carries the document")
					}
					return
				}
				if body != string(secPDF) || resp.Header.Get("Content-Type") != "application/pdf" {
					t.Errorf("document: %q, %d bytes", resp.Header.Get("Content-Type"), len(body))
				}
				secCheckHeaders(t, "document", resp)
			})
		}
		// Staff-only entries are not the customer's, files included:
		// attachment ids are sequential, so the page not linking one is no
		// protection.
		for _, dir := range []string{hub.DirectionNote, hub.DirectionSystem} {
			t.Run("file of a "+dir+" message", func(t *testing.T) {
				name := dir + "-photo.jpg"
				att := secStaffFile(t, h, a.Thread, dir, "marker-"+dir+": staff only", name, secJPEG)
				resp := secGet(t, send, fmt.Sprintf("%s/files/%d", a.Path, att.ID), va.cookie)
				body := secBody(t, resp)
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("the %s's file through the customer link: %d %q, %d bytes; want 404", dir, resp.StatusCode,
						resp.Header.Get("Content-Type"), len(body))
				}
				page := secBody(t, secGet(t, send, a.Path, va.cookie))
				for _, s := range []string{name, "marker-" + dir, fmt.Sprintf("/files/%d", att.ID)} {
					if strings.Contains(page, s) {
						t.Errorf("the page shows the %s's %q", dir, s)
					}
				}
			})
		}
		t.Run("revoked link", func(t *testing.T) {
			if err := h.Store.RevokeMagicLinks(ctx, a.Thread.ID); err != nil {
				t.Fatal(err)
			}
			resp := secGet(t, send, a.Path+docURL, va.cookie)
			if body := secBody(t, resp); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "%PDF") {
				t.Errorf("document after revocation: %d", resp.StatusCode)
			}
		})
	})
}
