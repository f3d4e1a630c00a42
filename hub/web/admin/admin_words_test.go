package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/staff"
	"naryad/hub/store"
)

var englishWords = regexp.MustCompile(`>(Users|Branches|Status mapping|Templates|DMS tokens|Add a user|Add a branch|Save mapping|Create token|Sign out)<`)

// An admin reads every admin page and its sub-navigation in the language of
// their profile, whatever the browser says; refusals come in it too, and
// the admin sets another user's language on the users page.
func TestAdminSpeaksTheAdminsLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		for _, tc := range []struct {
			locale string
			want   map[string]string // page → words it shows
		}{
			{"pl", map[string]string{
				"/admin":           `<a href="/admin" aria-current="page">Przegląd</a>`,
				"/admin/users":     "<h1>Użytkownicy</h1>",
				"/admin/branches":  "<h1>Oddziały</h1>",
				"/admin/statuses":  "<h1>Mapowanie statusów</h1>",
				"/admin/templates": "<h1>Szablony</h1>",
				"/admin/tokens":    "<h1>Tokeny DMS</h1>",
				"/admin/reminders": `<a href="/admin/reminders" aria-current="page">Przypomnienia</a>`,
			}},
			{"ru", map[string]string{
				"/admin":           `<a href="/admin/users">Пользователи</a>`,
				"/admin/users":     "<h1>Пользователи</h1>",
				"/admin/branches":  "<h1>Филиалы</h1>",
				"/admin/statuses":  "<h1>Соответствие статусов</h1>",
				"/admin/templates": "<h1>Шаблоны</h1>",
				"/admin/tokens":    "<h1>Токены DMS</h1>",
				"/admin/reminders": `<a href="/admin/reminders" aria-current="page">Напоминания</a>`,
			}},
		} {
			login := "root-" + tc.locale
			if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: login, Name: login, Role: store.RoleAdmin, Locale: tc.locale,
				Password: password, BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
				t.Fatal(err)
			}
			b := h.NewClient(t)
			b.Lang = "en-GB,en;q=0.9"
			b.SignIn(login, password)
			for page, want := range tc.want {
				resp, body := b.Do(http.MethodGet, page, nil)
				if resp.StatusCode != http.StatusOK || !strings.Contains(body, want) || !strings.Contains(body, `<html lang="`+tc.locale+`">`) {
					t.Errorf("%s %s: %d, want %s in\n%s", tc.locale, page, resp.StatusCode, want, body)
				}
				if m := englishWords.FindString(body); m != "" {
					t.Errorf("%s %s: English words %s", tc.locale, page, m)
				}
			}
		}
		b := h.NewClient(t)
		b.Lang = "en"
		b.SignIn("root-pl", password)
		resp, page := b.Post("/admin/statuses", url.Values{"raw": {" "}, "canonical": {"ready"}})
		apptest.WantRefused(t, resp, page, "Podaj nazwę statusu w DMS.")

		// The admin sets the Russian admin's language to English, and
		// refuses a language that does not exist.
		ru, _ := h.Store.UserByLogin(ctx, "root-ru")
		path := "/admin/users/" + strconv.FormatInt(ru.ID, 10) + "/locale"
		resp, page = b.Post(path, url.Values{"locale": {"de"}})
		apptest.WantRefused(t, resp, page, "Nie ma takiego języka")
		resp, page = b.Post(path, url.Values{"locale": {"en"}})
		b.WantRedirect(resp, page, "/admin/users?done=user_locale", "Język użytkownika zapisany.")
		if got, _ := h.Store.User(ctx, ru.ID); got.Locale != "en" {
			t.Fatalf("root-ru's language: %q", got.Locale)
		}
		if resp, _ := b.Post("/admin/users/999999/locale", url.Values{"locale": {"en"}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown user: %d", resp.StatusCode)
		}
	})
}
