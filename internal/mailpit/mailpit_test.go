package mailpit_test

import (
	"context"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"naryad/internal/mailpit"
)

// A message sent to Mailpit's SMTP port is listed and read back whole
// (parts, headers, envelope sender, source), and DeleteAll empties the box.
func TestRoundTrip(t *testing.T) {
	mp := mailpit.Start(t)
	ctx := context.Background()
	msg := "From: a@example.pl\r\nTo: b@example.pl\r\nSubject: hi\r\nMessage-ID: <m1@example.pl>\r\nX-Test: yes\r\n\r\nbody\r\n"
	if err := smtp.SendMail(mp.SMTPAddr(), nil, "bounce@example.pl", []string{"b@example.pl"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	got := mp.WaitMessage(t, "<m1@example.pl>", 10*time.Second)
	if got.Subject != "hi" || got.ReturnPath != "bounce@example.pl" || got.Header("X-Test") != "yes" ||
		strings.TrimSpace(got.Text) != "body" || !strings.Contains(string(got.Raw), "X-Test: yes") {
		t.Fatalf("got %+v", got)
	}
	if err := mp.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	if list, err := mp.Messages(ctx); err != nil || len(list) != 0 {
		t.Fatalf("after DeleteAll: %v %v", list, err)
	}
}
