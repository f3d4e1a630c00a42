package customer

import "testing"

func TestPickLocale(t *testing.T) {
	cases := []struct{ customer, accept, branch, want string }{
		{"pl", "ru-RU,ru;q=0.9", "ru", "pl"},           // the DMS knows the customer's language
		{"", "pl-PL,pl;q=0.9,en;q=0.8", "ru", "pl"},    // else the browser's
		{"", "de-DE,de;q=0.9,en-US;q=0.7", "ru", "en"}, // first language we have
		{"", "", "ru", "ru"},                           // else the branch's
		{"de", "de", "xx", "en"},                       // else English
		{"RU", "", "pl", "ru"},                         // case does not matter
		{"", "enx", "pl", "pl"},                        // not a language tag we know
	}
	for _, c := range cases {
		if got := pickLocale(c.customer, c.accept, c.branch); got != c.want {
			t.Errorf("pickLocale(%q, %q, %q) = %q, want %q", c.customer, c.accept, c.branch, got, c.want)
		}
	}
	for _, locale := range []string{"ru", "pl", "en"} {
		for key := range texts["en"] {
			if texts[locale][key] == "" {
				t.Errorf("%s has no text for %q", locale, key)
			}
		}
		if len(statusNames[locale]) != 7 {
			t.Errorf("%s names %d statuses, want 7", locale, len(statusNames[locale]))
		}
	}
}
