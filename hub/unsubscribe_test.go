package hub

import (
	"strings"
	"testing"
)

func TestUnsubscribeTokens(t *testing.T) {
	u, err := NewUnsubscribes(strings.Repeat("s", 32), "https://hub.example/")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewUnsubscribes(strings.Repeat("t", 32), "https://hub.example")
	tok := u.Token(42, "reminders")
	if got := u.URL(42, "reminders"); got != "https://hub.example/unsubscribe/"+tok {
		t.Fatalf("URL = %q", got)
	}
	if id, p, ok := u.Parse(tok); !ok || id != 42 || p != "reminders" {
		t.Fatalf("parse = %d %q %v", id, p, ok)
	}
	forged := []string{"", tok[:len(tok)-1], strings.Replace(tok, "42-", "43-", 1), strings.Replace(tok, "reminders", "marketing", 1),
		"042" + tok[2:], other.Token(42, "reminders"), tok + "-x", strings.ToUpper(tok)}
	for _, f := range forged {
		if _, _, ok := u.Parse(f); ok {
			t.Errorf("forged %q accepted", f)
		}
	}
}
