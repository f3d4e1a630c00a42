package app_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// A NUL or bytes that are not UTF-8 in a form or query field get a 400
// naming the field on every web surface (PostgreSQL refuses such text, so
// they used to end in a 500); other control characters are dropped from
// the text, as pasted text may carry them.
func TestBadTextInputIsRefusedAtTheEdge(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "anna", Name: "Анна", Role: store.RoleAdvisor,
			Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		advisor := h.NewClient(t).SignIn("anna", "s3cret-pass-word")
		login := h.NewClient(t)
		_, loginPage := login.Do(http.MethodGet, "/login", nil)
		loginCSRF := csrfOf(t, loginPage)

		h.PushWorkOrder(t, "e1", "АА-1", 1, "Принят", nil)
		customer := h.CustomerPath(t, "АА-1")
		page := h.Do(t, httptest.NewRequest(http.MethodGet, customer, nil))
		raw, _ := io.ReadAll(page.Body)
		page.Body.Close()
		customerCookie, customerCSRF := page.Cookies()[0], csrfOf(t, string(raw))

		chat := func(text string) func() (*http.Response, string) {
			return func() (*http.Response, string) {
				resp := h.Do(t, customerMessage(t, customer, customerCookie, customerCSRF, text))
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				return resp, string(body)
			}
		}
		cases := []struct {
			name, field string
			send        func() (*http.Response, string)
		}{
			{"login with NUL", "login", func() (*http.Response, string) {
				return login.Do(http.MethodPost, "/login", url.Values{"login": {"anna\x00"}, "password": {"x"}, "csrf": {loginCSRF}})
			}},
			{"login not UTF-8", "login", func() (*http.Response, string) {
				return login.Do(http.MethodPost, "/login", url.Values{"login": {"\xff"}, "password": {"x"}, "csrf": {loginCSRF}})
			}},
			{"inbox search with NUL", "q", func() (*http.Response, string) { return advisor.Do(http.MethodGet, "/inbox?q=%00", nil) }},
			{"inbox search not UTF-8", "q", func() (*http.Response, string) { return advisor.Do(http.MethodGet, "/inbox?q=%ff", nil) }},
			{"customer chat with NUL", "text", chat("Когда\x00 будет готово?")},
			{"customer chat not UTF-8", "text", chat("Когда \xff будет готово?")},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				resp, body := c.send()
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "«"+c.field+"»") {
					t.Fatalf("%d %s, want 400 naming the field %q", resp.StatusCode, body, c.field)
				}
			})
		}
		if n := messagesOf(t, h, "АА-1"); n != 0 {
			t.Fatalf("%d customer messages stored from refused forms", n)
		}

		// A vertical tab or an escape pasted into the chat is dropped; the
		// message goes through with its line breaks.
		resp := h.Do(t, customerMessage(t, customer, customerCookie, customerCSRF, "Когда\v будет\x1b готово?\r\nСпасибо"))
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("message with a pasted control character: %d", resp.StatusCode)
		}
		msgs, err := h.Store.Messages(ctx, h.Thread(t, "АА-1").ID)
		if err != nil {
			t.Fatal(err)
		}
		msgs = slices.DeleteFunc(msgs, func(m hub.Message) bool { return m.Direction != hub.DirectionIn })
		if len(msgs) != 1 || msgs[0].Body != "Когда будет готово?\r\nСпасибо" {
			t.Fatalf("stored messages: %+v", msgs)
		}
	})
}

var csrfInPage = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfInPage.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field in the page:\n%s", page)
	}
	return m[1]
}

// customerMessage is the customer page's message form as the browser
// sends it (multipart), with the session cookie.
func customerMessage(t *testing.T, path string, cookie *http.Cookie, csrf, text string) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.WriteField("csrf", csrf); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteField("text", text); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path+"/messages", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.AddCookie(cookie)
	return req
}

// messagesOf counts the customer messages of a work order's thread.
func messagesOf(t *testing.T, h *apptest.Hub, number string) int {
	t.Helper()
	msgs, err := h.Store.Messages(context.Background(), h.Thread(t, number).ID)
	if err != nil {
		t.Fatal(err)
	}
	return len(slices.DeleteFunc(msgs, func(m hub.Message) bool { return m.Direction != hub.DirectionIn }))
}
