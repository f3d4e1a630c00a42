package account

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// rawKey is a text key that reached a page untranslated.
var rawKey = regexp.MustCompile(`\b(bk|br)_[a-z_0-9]+\b`)

// Every booking page speaks ru, pl and en with no key left showing.
func TestBookingPagesInEveryLocale(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, b storetest.Backend) {
		if b.Name != "sqlite" {
			t.Skip("the words do not depend on the database")
		}
		r := newBookingRig(t, st)
		ck, csrf := signIn(t, r.h, rigPhone)
		id := r.book(ck, csrf, r.slot(2, 10))
		steps := bookPath + "?branch=msk1&vehicle=" + itoa(r.vehicle)
		want := map[string][]string{
			"ru": {"Что нужно сделать", "Выберите время", "Проверьте и подтвердите", "Отправлена, ждёт подтверждения", "Перенос записи", "Сервисные центры"},
			"pl": {"Co trzeba zrobić", "Wybierz termin", "Sprawdź i potwierdź", "Wysłana, czeka na potwierdzenie", "Zmiana terminu", "Serwisy"},
			"en": {"What needs doing", "Choose a time", "Check and confirm", "Sent, awaiting confirmation", "Move the booking", "Service centres"},
		}
		for locale, words := range want {
			for i, target := range []string{steps, steps + "&sd=1&svc=to", steps + "&sd=1&svc=to&at=" + url.QueryEscape(r.slot(3, 10)),
				fmt.Sprintf("%s/%d", bookingsPath, id), fmt.Sprintf("%s/%d/move", bookingsPath, id), "/account/branches"} {
				req := httpGet(target)
				req.Header.Set("Accept-Language", locale)
				p := r.do(req, ck)
				wantIn(t, p, http.StatusOK, words[i])
				if k := rawKey.FindString(p.body); k != "" {
					t.Fatalf("%s %s shows the key %s", locale, target, k)
				}
			}
		}
	})
}
