package email

import (
	"bytes"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	"naryad/hub"
)

// A CR or LF in the subject, the sender's name or the unsubscribe address
// never makes a header of its own: the subject and name stay one header,
// the address is refused, and so is a recipient or Reply-To with a line
// break in it.
func TestHeaderInjection(t *testing.T) {
	base := draft{
		To: "anna@example.pl", Text: "text", From: identity{Address: "serwis@example.pl", Name: "Serwis"},
		Envelope: "b-1-00@reply.example.pl", Date: time.Now(),
		Parts: hub.MessageEmail{Subject: "Przegląd", HeaderID: "1@reply.example.pl"},
	}
	d := base
	d.Parts.Subject = "Hello\r\nBcc: evil@example.com\r\nX-Evil: 1"
	d.From.Name = "Serwis\r\nCc: evil@example.com"
	env, err := compose(d)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(env.Data))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Bcc", "Cc", "X-Evil"} {
		if v := msg.Header.Get(h); v != "" {
			t.Errorf("a %s header got in: %q", h, v)
		}
	}
	dec := new(mime.WordDecoder)
	if subj, _ := dec.DecodeHeader(msg.Header.Get("Subject")); subj != "Hello Bcc: evil@example.com X-Evil: 1" {
		t.Errorf("Subject = %q", subj)
	}
	if from, err := msg.Header.AddressList("From"); err != nil || len(from) != 1 || from[0].Name != "Serwis Cc: evil@example.com" || from[0].Address != "serwis@example.pl" {
		t.Errorf("From = %+v %v", from, err)
	}

	for name, bad := range map[string]func(*draft){
		"recipient":   func(d *draft) { d.To = "anna@example.pl\r\nBcc: evil@example.com" },
		"Reply-To":    func(d *draft) { d.Parts.ReplyTo = "t-1@x.pl\nBcc: evil@example.com" },
		"unsubscribe": func(d *draft) { d.Parts.UnsubscribeURL = "https://x.pl/u\r\nBcc: evil@example.com" },
		"Message-ID":  func(d *draft) { d.Parts.HeaderID = "1@x\r\nBcc: evil@example.com" },
		"two to":      func(d *draft) { d.To = "anna@example.pl, evil@example.com" },
	} {
		d := base
		bad(&d)
		if env, err := compose(d); err == nil {
			t.Errorf("%s: composed %q", name, strings.SplitN(string(env.Data), "\r\n\r\n", 2)[0])
		}
	}
}
