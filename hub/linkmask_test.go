package hub_test

import (
	"testing"

	"naryad/hub"
)

func TestMaskLinks(t *testing.T) {
	page := "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde"
	loan := "nrd_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210-_xyz"
	cases := []struct{ in, want string }{
		{"Готово: https://h.test/c/" + page, "Готово: https://h.test/c/…"},
		{"https://h.test/base/l/" + loan + "/sign.", "https://h.test/base/l/…/sign."},
		{"a https://h.test/c/" + page + "\nb https://h.test/l/" + loan, "a https://h.test/c/…\nb https://h.test/l/…"},
		{"https://h.test/c/…", "https://h.test/c/…"},             // masking twice is masking once
		{"see /c/short and /l/x", "see /c/short and /l/x"},       // no token: too short
		{"https://h.test/x/" + page, "https://h.test/x/" + page}, // not a customer link
		{"", ""},
	}
	for _, c := range cases {
		if got := hub.MaskLinks(c.in); got != c.want {
			t.Errorf("MaskLinks(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestUnmaskPageLink(t *testing.T) {
	live := "https://h.test/c/LiveLinkLiveLinkLiveLinkLiveLinkLiveLink123"
	cases := []struct{ in, url, want string }{
		{"Готово: https://h.test/c/…\nМашина: https://h.test/l/…", live, "Готово: " + live + "\nМашина: https://h.test/l/…"},
		{"Готово: https://h.test/c/…", "", "Готово: https://h.test/c/…"}, // revoked: stays masked
		{"Без ссылки", live, "Без ссылки"},
	}
	for _, c := range cases {
		if got := hub.UnmaskPageLink(c.in, c.url); got != c.want {
			t.Errorf("UnmaskPageLink(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
