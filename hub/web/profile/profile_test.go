package profile_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

const password = "s3cret-pass-word"

// addUser adds a user of role at the hub's branch (and of more, if given).
func addUser(t *testing.T, h *apptest.Hub, login, role string, more ...int64) store.User {
	t.Helper()
	u, err := staff.AddUser(context.Background(), h.Store, staff.NewUser{Login: login, Name: "Ola", Role: role,
		Password: password, BranchIDs: append([]int64{h.Branch.ID}, more...)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// A user's language, chosen on their profile, wins over the browser's on
// every staff page; with none chosen the browser's counts, then the
// branch's. Refused input is a 400 in the user's words with nothing stored.
func TestProfileLanguageFollowsTheUser(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		u := addUser(t, h, "ola", store.RoleAdmin)
		b := h.NewClient(t)
		b.Lang = "en-US,en;q=0.9"
		b.SignIn("ola", password)

		_, page := b.Do(http.MethodGet, "/profile", nil)
		if !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, `<a class="me" href="/profile" title="Profile">Ola</a>`) {
			t.Fatalf("profile in the browser's English:\n%s", page)
		}
		resp, _ := b.Post("/profile", url.Values{"name": {"Ola Kowalska"}, "locale": {"pl"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/profile?done=saved" {
			t.Fatalf("save: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		for _, p := range []string{"/profile?done=saved", "/inbox", "/mechanic", "/lockers", "/admin", "/admin/users", "/admin/reminders"} {
			resp, page := b.Do(http.MethodGet, p, nil)
			if resp.StatusCode != http.StatusOK || !strings.Contains(page, `<html lang="pl">`) || !strings.Contains(page, ">Wyloguj</button>") ||
				!strings.Contains(page, ">Ola Kowalska</a>") {
				t.Errorf("%s after choosing Polish: %d\n%s", p, resp.StatusCode, page)
			}
		}
		for _, bad := range []url.Values{
			{"name": {"X"}, "locale": {"de"}},
			{"name": {strings.Repeat("я", 101)}, "locale": {"ru"}},
		} {
			resp, page := b.Post("/profile", bad)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `role="alert"`) ||
				!(strings.Contains(page, "Nie ma takiego języka") || strings.Contains(page, "Imię jest za długie")) {
				t.Errorf("%v: %d\n%s", bad, resp.StatusCode, page)
			}
		}
		if got, _ := h.Store.User(context.Background(), u.ID); got.Locale != "pl" || got.Name != "Ola Kowalska" {
			t.Fatalf("a refused change was stored: %+v", got)
		}
		// Without a form token nothing changes.
		resp, _ = b.Do(http.MethodPost, "/profile", url.Values{"name": {"Z"}, "locale": {"en"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("no csrf: %d", resp.StatusCode)
		}

		// None chosen: the browser's language, else the branch's (ru).
		if resp, _ := b.Post("/profile", url.Values{"name": {"Ola"}, "locale": {""}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("choose none: %d", resp.StatusCode)
		}
		if _, page := b.Do(http.MethodGet, "/inbox", nil); !strings.Contains(page, `<html lang="en">`) {
			t.Errorf("no language chosen, English browser: not English")
		}
		b.Lang = "de-DE"
		if _, page := b.Do(http.MethodGet, "/inbox", nil); !strings.Contains(page, `<html lang="ru">`) || !strings.Contains(page, ">Выйти</button>") {
			t.Errorf("no language chosen, German browser: not the branch's Russian")
		}
	})
}

// The branch switcher narrows every page to one of the user's branches,
// "all" widens it again, and a branch the user does not work at is
// refused with nothing changed.
func TestBranchSwitcherNarrowsToTheUsersBranches(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		waw := hub.Branch{Code: "WAW1", Name: "Warszawa", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"}
		other := hub.Branch{Code: "KRK1", Name: "Kraków", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"}
		for _, br := range []*hub.Branch{&waw, &other} {
			if err := h.Store.CreateBranch(ctx, br); err != nil {
				t.Fatal(err)
			}
		}
		addUser(t, h, "ola", store.RoleAdvisor, waw.ID)
		b := h.NewClient(t)
		b.Lang = "en"
		b.SignIn("ola", password)
		_, page := b.Do(http.MethodGet, "/inbox", nil)
		for _, want := range []string{`action="/branch"`, `<option value="" selected>All branches</option>`,
			`>MSK1 · ` + h.Branch.Name + `</option>`, `>WAW1 · Warszawa</option>`} {
			if !strings.Contains(page, want) {
				t.Fatalf("switcher: no %s in\n%s", want, page)
			}
		}
		if strings.Contains(page, "KRK1") {
			t.Fatal("the switcher lists a branch the user does not work at")
		}
		resp, _ := b.Post("/branch", url.Values{"branch": {itoa(waw.ID)}, "back": {"/reports?from=2026-01-01"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/reports?from=2026-01-01" {
			t.Fatalf("switch: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, page = b.Do(http.MethodGet, "/inbox", nil)
		if !strings.Contains(page, `<option value="`+itoa(waw.ID)+`" selected>WAW1 · Warszawa</option>`) {
			t.Fatalf("the chosen branch is not selected:\n%s", page)
		}
		// A thread of the other branch is out of reach while WAW1 is chosen.
		h.PushWorkOrder(t, "e1", "ЗН-1", 1, "В работе", nil)
		th := h.Thread(t, "ЗН-1")
		if resp, _ := b.Do(http.MethodGet, "/inbox/threads/"+itoa(th.ID), nil); resp.StatusCode == http.StatusOK {
			t.Errorf("a MSK1 thread opens while WAW1 is chosen")
		}
		for _, bad := range []string{itoa(other.ID), "abc", "-1"} {
			resp, body := b.Post("/branch", url.Values{"branch": {bad}, "back": {"/inbox"}})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "You do not work at that branch") {
				t.Errorf("branch %s: %d %s", bad, resp.StatusCode, body)
			}
		}
		if resp, _ := b.Post("/branch", url.Values{"branch": {""}, "back": {"//evil.example/"}}); resp.Header.Get("Location") != "/inbox" {
			t.Errorf("back to another site: %s", resp.Header.Get("Location"))
		}
		if resp, _ := b.Do(http.MethodGet, "/inbox/threads/"+itoa(th.ID), nil); resp.StatusCode != http.StatusOK {
			t.Errorf("all branches again: the MSK1 thread answers %d", resp.StatusCode)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
