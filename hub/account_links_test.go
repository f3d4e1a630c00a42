package hub_test

import (
	"testing"

	"naryad/hub"
)

func TestBookURLChoosesTheVehicleAndBranch(t *testing.T) {
	l, err := hub.NewLinks("0123456789abcdef0123456789abcdef", "https://hub.example/")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		vehicle int64
		branch  string
		want    string
	}{
		{42, "msk1", "https://hub.example/account/book?vehicle=42&branch=msk1"},
		{42, "a&b c", "https://hub.example/account/book?vehicle=42&branch=a%26b+c"},
		{0, "msk1", "https://hub.example/account/book?branch=msk1"},
		{0, "", "https://hub.example/account/book"},
	} {
		if got := l.BookURL(c.vehicle, c.branch); got != c.want {
			t.Errorf("BookURL(%d, %q) = %q, want %q", c.vehicle, c.branch, got, c.want)
		}
	}
	if got := l.AccountURL(); got != "https://hub.example/account" {
		t.Errorf("AccountURL = %q", got)
	}
}
