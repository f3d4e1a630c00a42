package email_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"naryad/email"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/internal/mailpit"
)

// An e-mail queued with store.QueueMessage goes through the real outbox
// pool to a real SMTP server (Mailpit) with both parts, the branch's
// sender, the thread's Reply-To, naryad's Message-ID, the one-click
// unsubscribe headers of RFC 8058, and the message's bounce address as
// the envelope sender (Return-Path); the message is sent with the
// Message-ID as the provider's id.
func TestSendThroughMailpit(t *testing.T) {
	mp := mailpit.Start(t)
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		w.saveSender(t, hub.BranchEmailSettings{FromAddress: "serwis@auto.example.pl", FromName: "Serwis Kraków"})
		m := w.queue(t, "anna@example.pl", "Kończy się ubezpieczenie: 2 pozycje",
			"Dzień dobry,\nOC kończy się 12.01.", "<p>Dzień dobry,</p><table><tr><td>OC</td><td>12.01</td></tr></table>",
			"https://hub.example.pl/u/abc123")
		w.run(t, w.sender(t, mp.SMTPHost, mp.SMTPPort), outboxOpts())

		sent := waitDelivery(t, s, m.ID)
		parts, err := s.MessageEmail(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sent.Delivery != hub.DeliverySent || sent.ProviderID != parts.HeaderID {
			t.Fatalf("message = %s %q, want sent with id %q (error %q)", sent.Delivery, sent.ProviderID, parts.HeaderID, sent.Error)
		}
		got := mp.WaitMessage(t, parts.HeaderID, 10*time.Second)
		checks := []struct {
			what      string
			got, want string
		}{
			{"From", got.From.Address, "serwis@auto.example.pl"},
			{"From name", got.From.Name, "Serwis Kraków"},
			{"To", addrs(got.To), "anna@example.pl"},
			{"Subject", got.Subject, "Kończy się ubezpieczenie: 2 pozycje"},
			{"Reply-To", addrs(got.ReplyTo), w.addrs.ThreadReply(w.Thread.ID)},
			{"Return-Path", got.ReturnPath, w.addrs.Bounce(m.ID)},
			{"Message-ID", got.MessageID, parts.HeaderID},
			{"List-Unsubscribe", got.Header("List-Unsubscribe"), "<https://hub.example.pl/u/abc123>"},
			{"List-Unsubscribe-Post", got.Header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click"},
			{"Auto-Submitted", got.Header("Auto-Submitted"), "auto-generated"},
			{"text part", strings.TrimSpace(strings.ReplaceAll(got.Text, "\r\n", "\n")), "Dzień dobry,\nOC kończy się 12.01."},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
			}
		}
		if !strings.Contains(got.HTML, "<td>OC</td>") {
			t.Errorf("HTML part = %q", got.HTML)
		}
		if got.Header("Date") == "" || got.Header("DKIM-Signature") != "" {
			t.Errorf("Date %q, DKIM-Signature %q: want a date and no signature", got.Header("Date"), got.Header("DKIM-Signature"))
		}
		if id, ok := w.addrs.ParseBounce(got.ReturnPath); !ok || id != m.ID {
			t.Errorf("the bounce address names message %d (%v), want %d", id, ok, m.ID)
		}

		// A person's reply (no unsubscribe address) carries no list
		// headers, and a branch without a sender uses the deployment's.
		if err := s.SaveBranchEmailSettings(context.Background(), hub.BranchEmailSettings{BranchID: w.Branch.ID, SMSFallback: true}); err != nil {
			t.Fatal(err)
		}
		m2 := w.queue(t, "anna@example.pl", "Re: pytanie", "Tak, auto gotowe.", "", "")
		if sent := waitDelivery(t, s, m2.ID); sent.Delivery != hub.DeliverySent {
			t.Fatalf("second message: %s %q", sent.Delivery, sent.Error)
		}
		parts2, _ := s.MessageEmail(context.Background(), m2.ID)
		got2 := mp.WaitMessage(t, parts2.HeaderID, 10*time.Second)
		if got2.From.Address != "noreply@example.pl" || got2.Header("List-Unsubscribe") != "" || got2.Header("Auto-Submitted") != "" || got2.HTML != "" {
			t.Errorf("a reply: From %q, List-Unsubscribe %q, Auto-Submitted %q, HTML %q",
				got2.From.Address, got2.Header("List-Unsubscribe"), got2.Header("Auto-Submitted"), got2.HTML)
		}
	})
}

// A branch with a DKIM key signs its e-mails: the signature Mailpit
// received verifies with go-msgauth against the published key (RSA and
// Ed25519), and fails once a signed header is changed.
func TestDKIMSignedThroughMailpit(t *testing.T) {
	mp := mailpit.Start(t)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaDER := x509.MarshalPKCS1PrivateKey(rsaKey)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edDER, err := x509.MarshalPKCS8PrivateKey(edKey)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{
		"rsa":     string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: rsaDER})),
		"ed25519": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: edDER})),
	}
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		w.run(t, w.sender(t, mp.SMTPHost, mp.SMTPPort), outboxOpts())
		for name, keyPEM := range keys {
			t.Run(name, func(t *testing.T) {
				signer, err := email.ParseDKIMKey(keyPEM)
				if err != nil {
					t.Fatal(err)
				}
				record, err := email.DKIMRecord(signer)
				if err != nil {
					t.Fatal(err)
				}
				sealed, err := w.sealer.Seal(keyPEM)
				if err != nil {
					t.Fatal(err)
				}
				w.saveSender(t, hub.BranchEmailSettings{FromAddress: "serwis@auto.example.pl", FromName: "Serwis",
					DKIMDomain: "auto.example.pl", DKIMSelector: "naryad-" + name, DKIMKeySealed: sealed})
				m := w.queue(t, "jan@example.pl", "Przypomnienie: przegląd", "Przegląd za 5 dni.", "<p>Przegląd za <b>5</b> dni.</p>", "https://hub.example.pl/u/x1")
				if sent := waitDelivery(t, s, m.ID); sent.Delivery != hub.DeliverySent {
					t.Fatalf("message: %s %q", sent.Delivery, sent.Error)
				}
				parts, _ := s.MessageEmail(context.Background(), m.ID)
				got := mp.WaitMessage(t, parts.HeaderID, 10*time.Second)

				lookup := func(domain string) ([]string, error) {
					if domain != "naryad-"+name+"._domainkey.auto.example.pl" {
						t.Errorf("looked up %q", domain)
					}
					return []string{record}, nil
				}
				verifications, err := dkim.VerifyWithOptions(bytes.NewReader(got.Raw), &dkim.VerifyOptions{LookupTXT: lookup})
				if err != nil || len(verifications) != 1 {
					t.Fatalf("verify: %v %v", verifications, err)
				}
				if v := verifications[0]; v.Err != nil || v.Domain != "auto.example.pl" {
					t.Fatalf("verification: domain %q, error %v", v.Domain, v.Err)
				}

				tampered := bytes.Replace(got.Raw, []byte("Subject: "), []byte("Subject: Re: "), 1)
				verifications, err = dkim.VerifyWithOptions(bytes.NewReader(tampered), &dkim.VerifyOptions{LookupTXT: lookup})
				if err != nil || len(verifications) != 1 || verifications[0].Err == nil {
					t.Fatalf("a changed subject still verifies: %v %v", verifications, err)
				}
			})
		}
	})
}

func addrs(list []mailpit.Address) string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.Address
	}
	return strings.Join(out, ", ")
}
