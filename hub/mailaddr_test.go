package hub

import (
	"strings"
	"testing"
)

func TestMailAddressesRoundTrip(t *testing.T) {
	a, err := NewMailAddresses(strings.Repeat("s", 32), "Reply.Example.PL")
	if err != nil {
		t.Fatal(err)
	}
	reply := a.ThreadReply(42)
	if id, ok := a.ParseThreadReply(strings.ToUpper(reply)); !ok || id != 42 {
		t.Fatalf("ParseThreadReply(%q) = %d, %v", reply, id, ok)
	}
	if _, ok := a.ParseBounce(reply); ok {
		t.Fatalf("a reply address %q read as a bounce address", reply)
	}
	bounce := a.Bounce(7)
	if id, ok := a.ParseBounce(bounce); !ok || id != 7 {
		t.Fatalf("ParseBounce(%q) = %d, %v", bounce, id, ok)
	}
	other, _ := NewMailAddresses(strings.Repeat("x", 32), "reply.example.pl")
	for _, bad := range []string{
		other.ThreadReply(42),                        // another secret's MAC
		strings.Replace(reply, "t-42-", "t-43-", 1),  // a counted thread
		strings.Replace(reply, "t-42-", "t-042-", 1), // the same number spelt otherwise
		strings.Replace(reply, "reply.example.pl", "example.pl", 1),
		"t-42@reply.example.pl", "", "@", "t--1-00@reply.example.pl", "t-42-zz\x00@reply.example.pl",
	} {
		if id, ok := a.ParseThreadReply(bad); ok {
			t.Errorf("ParseThreadReply(%q) accepted, thread %d", bad, id)
		}
	}
	if _, err := NewMailAddresses(strings.Repeat("s", 32), "a@b"); err == nil {
		t.Error("a domain with @ accepted")
	}
}
