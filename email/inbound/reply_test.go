package inbound_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"naryad/email/inbound"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/templates"
)

// Only naryad's own addresses are taken, and they are refused at RCPT,
// before any data: another domain, an unknown local part, a thread address
// with a wrong MAC, and the address of a thread that does not exist.
func TestUnknownRecipientsRefusedAtRcpt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newRig(t, s, inbound.Options{})
		good := r.addrs.ThreadReply(r.f.Thread.ID)
		forged := strings.Replace(good, good[strings.LastIndex(good, "-")+1:strings.Index(good, "@")], "0000000000000000", 1)
		for _, rcpt := range []string{
			"postmaster@reply.example.pl",
			"anyone@example.com",
			forged,
			strings.Replace(good, "@reply.example.pl", "@example.com", 1),
			r.addrs.ThreadReply(r.f.Thread.ID + 1000),
		} {
			err := r.send(rcpt, replyMail(t, rcpt, "x@example.pl"))
			if smtpCode(err) != 550 || !strings.HasPrefix(err.Error(), "rcpt:") {
				t.Errorf("%s: %v, want 550 at RCPT", rcpt, err)
			}
		}
		if got := r.inbound(t); len(got) != 0 {
			t.Fatalf("stored %d messages", len(got))
		}
		if err := r.send(good, replyMail(t, good, "ok@example.pl")); err != nil {
			t.Fatalf("the thread's own address: %v", err)
		}
	})
}

// A message over the size limit is refused with 552 and nothing lands.
func TestOversizeRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newRig(t, s, inbound.Options{MaxBytes: 64 << 10})
		to := r.addrs.ThreadReply(r.f.Thread.ID)
		big := "Subject: big\r\nMessage-ID: <big@example.pl>\r\n\r\n" + strings.Repeat(strings.Repeat("a", 70)+"\r\n", 2000)
		if err := r.send(to, []byte(big)); smtpCode(err) != 552 {
			t.Fatalf("oversize: %v, want 552", err)
		}
		if got := r.inbound(t); len(got) != 0 {
			t.Fatalf("stored %d messages", len(got))
		}
	})
}

// A reply lands in its thread once: KOI8-R text decoded, the quoted
// history cut, the photo attached, the SVG named .jpg left out with a
// staff note, and the DMS told by a customer_message change.
func TestReplyLandsInThread(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newRig(t, s, inbound.Options{})
		to := r.addrs.ThreadReply(r.f.Thread.ID)
		if err := r.send(to, replyMail(t, to, "CAF=reply-1@mail.example.pl")); err != nil {
			t.Fatal(err)
		}
		got := r.inbound(t)
		if len(got) != 1 {
			t.Fatalf("%d messages, want 1", len(got))
		}
		if want := "Добрый день! Машину заберу завтра в 10:00."; got[0].Body != want {
			t.Fatalf("body %q, want %q", got[0].Body, want)
		}
		files, err := s.Attachments(context.Background(), got[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 1 || files[0].Name != "photo.jpg" || files[0].ContentType != "image/jpeg" || files[0].SizeBytes != int64(len(jpegBytes)) {
			t.Fatalf("attachments %+v, want photo.jpg only", files)
		}
		notes := r.system(t, templates.SysEmailFilesRefused)
		if len(notes) != 1 || !strings.Contains(notes[0].Text("ru"), "evil.jpg") {
			t.Fatalf("note of what was left out: %+v", notes)
		}
		ch := r.changes(t, hub.ChangeCustomerMessage)
		if len(ch) != 1 {
			t.Fatalf("%d customer_message changes", len(ch))
		}
		var data hub.CustomerMessageData
		if err := json.Unmarshal([]byte(ch[0].Data), &data); err != nil {
			t.Fatal(err)
		}
		if data.Channel != hub.ChannelEmail || data.MessageID != got[0].ID || len(data.Attachments) != 1 {
			t.Fatalf("change %+v", data)
		}
		th, err := s.Thread(context.Background(), r.f.Thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !th.LastActivityAt.After(r.f.Thread.CreatedAt) && !th.LastActivityAt.Equal(got[0].CreatedAt) {
			t.Fatalf("thread activity not bumped: %v", th.LastActivityAt)
		}
	})
}

// The same e-mail delivered twice, and 15 copies at once, land once; so
// does a mail without a Message-ID, known by its content.
func TestReplyLandsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newRig(t, s, inbound.Options{})
		to := r.addrs.ThreadReply(r.f.Thread.ID)
		mail := replyMail(t, to, "twice@mail.example.pl")
		for i := range 2 {
			if err := r.send(to, mail); err != nil {
				t.Fatalf("copy %d: %v", i, err)
			}
		}
		if got := r.inbound(t); len(got) != 1 {
			t.Fatalf("twice: %d messages", len(got))
		}

		burst := replyMail(t, to, "burst@mail.example.pl")
		var wg sync.WaitGroup
		errs := make(chan error, 15)
		for range 15 {
			wg.Go(func() { errs <- r.send(to, burst) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("a copy: %v", err)
			}
		}
		if got := r.inbound(t); len(got) != 2 {
			t.Fatalf("after 15 at once: %d messages, want 2", len(got))
		}

		anon := replyMail(t, to, "")
		for i := range 2 {
			if err := r.send(to, anon); err != nil {
				t.Fatalf("no Message-ID, copy %d: %v", i, err)
			}
		}
		if got := r.inbound(t); len(got) != 3 {
			t.Fatalf("without Message-ID: %d messages, want 3", len(got))
		}
		if n := len(r.changes(t, hub.ChangeCustomerMessage)); n != 3 {
			t.Fatalf("%d customer_message changes, want 3", n)
		}
	})
}

// Hostile input gets a clear SMTP error or a clean message, never a crash:
// NUL bytes and invalid UTF-8 are dropped from what is stored, a header
// line of 1 MB is refused, and the listener takes the next mail after it.
func TestHostileMail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newRig(t, s, inbound.Options{})
		to := r.addrs.ThreadReply(r.f.Thread.ID)
		dirty := "Subject: hi\r\nMessage-ID: <dirty@example.pl>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
			"Zap\x00rawa \xff\xfe gotowa?\x01\r\n"
		if err := r.send(to, []byte(dirty)); err != nil {
			t.Fatalf("dirty mail: %v", err)
		}
		got := r.inbound(t)
		if len(got) != 1 || got[0].Body != "Zaprawa  gotowa?" {
			t.Fatalf("dirty mail stored as %+v", got)
		}

		long := "Subject: " + strings.Repeat("x", 1<<20) + "\r\nMessage-ID: <long@example.pl>\r\n\r\nhello\r\n"
		err := r.send(to, []byte(long))
		// The listener answers 500 and ends the connection (RFC 5321 lines
		// are 1000 characters); a client still writing may see the reset
		// before it reads the answer.
		if err == nil || (smtpCode(err) != 500 && !strings.HasPrefix(err.Error(), "write:")) {
			t.Fatalf("1 MB header line: %v, want 500 Line too long", err)
		}

		noHeader := "\x00\x00\x00 not a mail at all\r\n"
		if err := r.send(to, []byte(noHeader)); err != nil && smtpCode(err) < 500 {
			t.Fatalf("garbage: %v", err)
		}

		// Nested multiparts past the parser's bound.
		deep := "Subject: deep\r\nMessage-ID: <deep@example.pl>\r\n"
		for i := range 30 {
			deep += fmt.Sprintf("Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i)
		}
		deep += "Content-Type: text/plain\r\n\r\ndeep\r\n"
		if err := r.send(to, []byte(deep)); err != nil && smtpCode(err) < 500 {
			t.Fatalf("deep: %v", err)
		}

		if err := r.send(to, replyMail(t, to, "after@example.pl")); err != nil {
			t.Fatalf("the next mail after the hostile ones: %v", err)
		}
		for _, m := range r.inbound(t) {
			if strings.ContainsRune(m.Body, 0) || !strings.EqualFold(m.Body, strings.ToValidUTF8(m.Body, "")) {
				t.Fatalf("unclean body %q", m.Body)
			}
		}
	})
}
