package forminput_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/web/forminput"
)

// echo answers with the values the handler reads, after the middleware.
func echo(c *fiber.Ctx) error {
	var branches []string
	for _, b := range c.Context().PostArgs().PeekMulti("branch") {
		branches = append(branches, string(b))
	}
	return c.SendString(c.Query("q") + "|" + c.FormValue("name") + "|" + strings.Join(branches, ","))
}

func TestCleansAndRefuses(t *testing.T) {
	app := fiber.New()
	app.Use(forminput.New("/api/"))
	app.Post("/form", echo)
	app.Post("/api/form", echo)
	cases := []struct {
		name, path, lang, body string
		status                 int
		want                   string
	}{
		{"clean text passes as it is", "/form?q=%D0%97%D0%9D-1", "en",
			url.Values{"name": {"Анна\tПетрова\r\n"}, "branch": {"1", "2"}}.Encode(), 200, "ЗН-1|Анна\tПетрова\r\n|1,2"},
		{"other control characters are dropped, repeated fields kept", "/form?q=a%1Bb%7F", "en",
			"name=x%0By&branch=1&branch=2", 200, "ab|xy|1,2"},
		{"NUL in the query", "/form?q=a%00", "en", "", 400, "the field «q» has a NUL"},
		{"broken UTF-8 in the form, in Polish", "/form", "pl-PL,pl", "name=%C3", 400, "pole «name» zawiera"},
		{"NUL in the form, in Russian", "/form", "ru", "branch=1&name=%00", 400, "в поле «name»"},
		{"machine interfaces are left alone", "/api/form?q=a%00", "en", "", 200, "a\x00||"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, c.path, strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept-Language", c.lang)
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.status || !strings.Contains(string(raw), c.want) {
				t.Fatalf("%d %q, want %d with %q", resp.StatusCode, raw, c.status, c.want)
			}
		})
	}
}
