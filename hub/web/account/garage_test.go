package account

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// garageClient serves the account pages with a media folder and asks them
// as one signed-in phone, in one language.
type garageClient struct {
	t      *testing.T
	app    *fiber.App
	cookie *http.Cookie
	lang   string
}

func newGarageApp(t *testing.T, st *store.Store, media *hub.Media) (*fiber.App, *Handler) {
	t.Helper()
	h, err := New(st, Options{Secret: testSecret, RateLimit: 100000, Media: media})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	h.Register(app)
	return app, h
}

func (g garageClient) get(path string) (int, http.Header, string) {
	g.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if g.cookie != nil {
		req.AddCookie(g.cookie)
	}
	if g.lang != "" {
		req.Header.Set("Accept-Language", g.lang)
	}
	resp, err := g.app.Test(req, -1)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		g.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(body)
}

// page gets path and fails unless it answers want.
func (g garageClient) page(path string, want int) string {
	g.t.Helper()
	code, _, body := g.get(path)
	if code != want {
		g.t.Fatalf("GET %s: %d, want %d: %.300s", path, code, want, body)
	}
	return body
}

func mustContain(t *testing.T, what, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Fatalf("%s lacks %q:\n%s", what, p, body)
		}
	}
}

func mustNotContain(t *testing.T, what, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(body, p) {
			t.Fatalf("%s shows %q:\n%s", what, p, body)
		}
	}
}

func TestGaragePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, b storetest.Backend) {
		w := storetest.NewGarageWorld(t, st)
		app, h := newGarageApp(t, st, hub.NewMedia(t.TempDir()))
		ck, _ := signIn(t, h, w.Phone)
		ru := garageClient{t: t, app: app, cookie: ck, lang: "ru"}

		home := ru.page("/account", http.StatusOK)
		shared := fmt.Sprintf(`href="/account/cars/%d"`, w.SharedAlfa)
		if n := strings.Count(home, shared); n != 2 { // the title and the history button
			t.Fatalf("the Škoda both nodes know is one card (%d links):\n%s", n, home)
		}
		mustContain(t, "garage", home, "Мои автомобили", "Octavia А123ВС77", "Kia Rio М777ММ78", "…123456",
			"02.11.2026", // the last visit, in Petersburg
			"01.03.2027", // the next service
			fmt.Sprintf(`href="/account/book?vehicle=%d"`, w.SharedAlfa), fmt.Sprintf(`href="/account/cars/%d"`, w.Kia))
		mustNotContain(t, "garage", home, "Volkswagen", "О001ОО77", fmt.Sprintf("/account/cars/%d", w.SharedBeta))

		car := ru.page(fmt.Sprintf("/account/cars/%d", w.SharedBeta), http.StatusOK)
		mustContain(t, "car history", car, w.Msk.Name, w.Spb.Name, w.OrderMsk.Number, w.OrderSpb.Number,
			"Замена масла", "1,5", "3 000,00 ₽", "Согласовано", "Колодки передние", "Отказ",
			"61\u00a0200\u00a0км", "14.09.2026", "Срочно", "2 мм", w.ExpiringTitle, "15.01.2027", "Отложенные работы",
			fmt.Sprintf(`href="/account/files/%d"`, w.MskDoc.ID), w.MskDoc.Name,
			fmt.Sprintf(`href="/account/orders/%d"`, w.OrderMsk.ID))
		mustNotContain(t, "car history", car, fmt.Sprintf("/account/files/%d", w.MskChatPhoto.ID), w.StrangerExpiring, w.OrderStranger.Number)

		order := ru.page(fmt.Sprintf("/account/orders/%d", w.OrderMsk.ID), http.StatusOK)
		mustContain(t, "order page", order, w.OrderMsk.Number, "Замена масла", "Отказ", w.MskDoc.Name, fmt.Sprintf(`href="/account/cars/%d"`, w.SharedAlfa))

		// Another customer's car, work order or a guess: the same 404 in the
		// visitor's language, nothing of the car on it.
		for _, path := range []string{
			fmt.Sprintf("/account/cars/%d", w.Stranger), fmt.Sprintf("/account/orders/%d", w.OrderStranger.ID),
			"/account/cars/0", "/account/cars/abc", "/account/cars/99999999999999999999", "/account/orders/-1",
		} {
			body := ru.page(path, http.StatusNotFound)
			mustContain(t, path, body, "Не найдено")
			mustNotContain(t, path, body, "Volkswagen", w.OrderStranger.Number)
		}

		// The same pages in Polish and English: their words and formats.
		pl := garageClient{t: t, app: app, cookie: ck, lang: "pl"}
		mustContain(t, "Polish car page", pl.page(fmt.Sprintf("/account/cars/%d", w.SharedAlfa), http.StatusOK),
			"Historia samochodu", "Zaakceptowano", "Odrzucono", "61\u00a0200\u00a0km")
		en := garageClient{t: t, app: app, cookie: ck, lang: "en"}
		mustContain(t, "English garage", en.page("/account", http.StatusOK), "My cars", "Next service", "Book a visit")

		// Signed out: to the sign-in page.
		if code, hdr, _ := (garageClient{t: t, app: app}).get("/account/cars/1"); code != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), SignInPath) {
			t.Fatalf("signed out: %d %q", code, hdr.Get("Location"))
		}
	})
}

func TestGarageFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, b storetest.Backend) {
		w := storetest.NewGarageWorld(t, st)
		media := hub.NewMedia(t.TempDir())
		for _, a := range []hub.Attachment{w.MskDoc, w.StrangerDoc, w.MskChatPhoto} {
			if hash, err := media.Put(storetest.GarageFileBytes(a.Name)); err != nil || hash != a.SHA256 {
				t.Fatalf("put %s: %s %v", a.Name, hash, err)
			}
		}
		app, h := newGarageApp(t, st, media)
		ck, _ := signIn(t, h, w.Phone)
		c := garageClient{t: t, app: app, cookie: ck, lang: "ru"}

		code, hdr, body := c.get(fmt.Sprintf("/account/files/%d", w.MskDoc.ID))
		if code != http.StatusOK || !bytes.Equal([]byte(body), storetest.GarageFileBytes(w.MskDoc.Name)) {
			t.Fatalf("own document: %d %q", code, body)
		}
		if !strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment") || hdr.Get("X-Content-Type-Options") != "nosniff" ||
			hdr.Get("Content-Type") != "application/pdf" {
			t.Fatalf("document headers: %v", hdr)
		}
		for name, id := range map[string]int64{"another customer's document": w.StrangerDoc.ID, "a chat photo": w.MskChatPhoto.ID, "no such file": 1 << 40} {
			if code, _, body := c.get(fmt.Sprintf("/account/files/%d", id)); code != http.StatusNotFound || strings.Contains(body, "%PDF") {
				t.Fatalf("%s: %d", name, code)
			}
		}
		// The other phone gets its own document and not ours.
		ck2, _ := signIn(t, h, w.OtherPhone)
		other := garageClient{t: t, app: app, cookie: ck2}
		other.page(fmt.Sprintf("/account/files/%d", w.StrangerDoc.ID), http.StatusOK)
		other.page(fmt.Sprintf("/account/files/%d", w.MskDoc.ID), http.StatusNotFound)
		if code, _, _ := (garageClient{t: t, app: app}).get(fmt.Sprintf("/account/files/%d", w.MskDoc.ID)); code != http.StatusSeeOther {
			t.Fatalf("signed out file: %d", code)
		}
	})
}

func TestGarageFleet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, b storetest.Backend) {
		w := storetest.NewFleetWorld(t, st)
		app, h := newGarageApp(t, st, hub.NewMedia(t.TempDir()))
		as := func(phone string) garageClient {
			ck, _ := signIn(t, h, phone)
			return garageClient{t: t, app: app, cookie: ck, lang: "pl"}
		}
		carLink := func(i int) string { return fmt.Sprintf(`href="/account/cars/%d"`, w.Cars[i]) }

		manager := as(w.Manager).page("/account", http.StatusOK)
		mustContain(t, "the manager's garage", manager, carLink(0), carLink(1), carLink(2), "WW 1001A", "WW 2001A", "WW 3001A")

		driver := as(w.Driver1)
		home := driver.page("/account", http.StatusOK)
		mustContain(t, "driver 1's garage", home, carLink(0))
		mustNotContain(t, "driver 1's garage", home, carLink(1), carLink(2), "WW 2001A")
		car := driver.page(fmt.Sprintf("/account/cars/%d", w.Cars[0]), http.StatusOK)
		mustContain(t, "driver 1's car", car, w.Visit1.Number)
		mustNotContain(t, "driver 1's car", car, w.Visit2.Number)
		driver.page(fmt.Sprintf("/account/cars/%d", w.Cars[1]), http.StatusNotFound)
		driver.page(fmt.Sprintf("/account/orders/%d", w.Visit2.ID), http.StatusNotFound)
	})
}
