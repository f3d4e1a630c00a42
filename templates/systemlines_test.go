package templates

import (
	"slices"
	"testing"
)

func TestEverySystemLineHasEveryLanguage(t *testing.T) {
	for _, key := range SystemLineKeys() {
		w, _ := lineWordings(key)
		en := linePlaces(w[LocaleEN])
		for _, locale := range Locales() {
			if w[locale] == "" {
				t.Errorf("%s has no %s wording", key, locale)
				continue
			}
			if got := linePlaces(w[locale]); !slices.Equal(got, en) {
				t.Errorf("%s in %s uses %v, en uses %v", key, locale, got, en)
			}
		}
	}
}

// linePlaces lists the parameters a wording uses, sorted.
func linePlaces(wording string) []string {
	var names []string
	for _, m := range linePlace.FindAllStringSubmatch(wording, -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	slices.Sort(names)
	return names
}

func TestSystemLineRendersInTheReadersLanguage(t *testing.T) {
	args := map[string]string{"name": "Замена колодок", "total_minor": "180000"}
	cases := map[string]string{
		LocaleEN: "Customer declined «Замена колодок» (1,800.00)",
		LocaleRU: "Клиент отказался от «Замена колодок» (1 800,00)",
		LocalePL: "Klient odrzucił «Замена колодок» (1 800,00)",
		"de":     "Customer declined «Замена колодок» (1,800.00)",
	}
	for locale, want := range cases {
		if got := SystemLine(locale, SysDecisionDeclined, args, "old"); got != want {
			t.Errorf("%s: %q, want %q", locale, got, want)
		}
	}
	args["currency"] = "PLN"
	if got, want := SystemLine(LocalePL, SysDecisionDeclined, args, ""), "Klient odrzucił «Замена колодок» (1 800,00 zł)"; got != want {
		t.Errorf("with currency: %q, want %q", got, want)
	}
}

func TestSystemLineOptionalPartsAndPhrases(t *testing.T) {
	args := map[string]string{"site": "Север", "what_key": SysLockerOpenedDropOff}
	if got, want := SystemLine(LocaleEN, SysLockerEvent, args, ""), "Locker «Север»: door opened for a drop-off."; got != want {
		t.Errorf("no box: %q, want %q", got, want)
	}
	args["box"], args["by"] = "1", "staff ivanov"
	if got, want := SystemLine(LocalePL, SysLockerEvent, args, ""), "Skrytka «Север», schowek 1: drzwiczki otwarte do zostawienia kluczy (staff ivanov)."; got != want {
		t.Errorf("box: %q, want %q", got, want)
	}
}

func TestSystemLineUnknownKeyFallsBackToBody(t *testing.T) {
	if got := SystemLine(LocaleRU, "no.such.key", nil, "Body as stored"); got != "Body as stored" {
		t.Errorf("unknown key: %q", got)
	}
}
