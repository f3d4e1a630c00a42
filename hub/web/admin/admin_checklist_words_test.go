package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/store"
)

// A refused checklist says why in the admin's language, naming the item,
// and shows none of the store's English detail.
func TestChecklistRefusalsInTheAdminsLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		path := fmt.Sprintf("/admin/branches/%d/checklist", h.Branch.ID)
		admin := signIn(t, h, "root", store.RoleAdmin)
		cases := []struct {
			form url.Values
			want map[string]string // locale → words the page must show
		}{
			{url.Values{"rows": {"1"}, "code-0": {"Bad-Code"}, "ru-0": {"x"}},
				map[string]string{"ru": "латинских строчных букв", "pl": "małych liter łacińskich", "en": "lower-case Latin letters"}},
			{url.Values{"rows": {"2"}, "code-0": {"a"}, "ru-0": {"x"}, "code-1": {"a"}, "ru-1": {"y"}},
				map[string]string{"ru": "указан дважды", "pl": "dwa razy", "en": "used twice"}},
			{url.Values{"rows": {"1"}, "code-0": {"a"}, "en-0": {"x"}},
				map[string]string{"ru": "название на русском", "pl": "po rosyjsku", "en": "Russian name is required"}},
			{url.Values{"rows": {"1"}, "code-0": {"a"}, "ru-0": {strings.Repeat("щ", 5000)}},
				map[string]string{"ru": "Название (ru)» длиннее", "pl": "Nazwa (ru)” ma więcej", "en": "longer than"}},
			{url.Values{"rows": {"1"}, "code-0": {"a"}, "ru-0": {"x"}, "pos-0": {"-1"}},
				map[string]string{"ru": "число от 1 до 10000", "pl": "liczba od 1 do 10000", "en": "number from 1 to 10000"}},
			{url.Values{"rows": {"100000"}},
				map[string]string{"ru": "Откройте страницу заново", "pl": "Otwórz stronę ponownie", "en": "Open the page again"}},
		}
		for _, locale := range []string{"ru", "pl", "en"} {
			admin.Lang = locale
			for _, tc := range cases {
				resp, page := admin.Post(path, tc.form)
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, tc.want[locale]) {
					t.Errorf("%s %v: %d, want %q", locale, tc.form, resp.StatusCode, tc.want[locale])
				}
				for _, english := range []string{"checklist: ", "is not 1 to 40", "holds a control", "row count is not"} {
					if strings.Contains(page, english) {
						t.Errorf("%s %v: the store's words %q shown", locale, tc.form, english)
					}
				}
			}
		}
	})
}
