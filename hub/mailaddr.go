package hub

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// MailAddresses makes and recognises the addresses naryad's e-mails
// answer to, all at one domain that the built-in SMTP listener (or the
// branch's MX in front of it) receives:
//
//   - t-<thread>-<mac>@domain, a thread's Reply-To: a customer's reply lands
//     in that thread;
//   - b-<message>-<mac>@domain, a message's envelope sender (VERP): a
//     bounce names the very message that failed.
//
// The MAC (HMAC-SHA256 of the server secret, 64 bits in lower-case hex,
// since some mail servers lower-case local parts) makes the addresses
// unguessable, so the listener can refuse every other recipient at RCPT
// without a table of addresses, and nobody can write into a thread by
// counting thread numbers.
type MailAddresses struct {
	secret []byte
	domain string
}

// NewMailAddresses needs the server secret and the reply domain
// (e.g. "reply.service.example.pl").
func NewMailAddresses(secret, domain string) (*MailAddresses, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("mail addresses: secret must be at least 32 characters")
	}
	domain = strings.ToLower(strings.TrimSpace(domain))
	if domain == "" || strings.ContainsAny(domain, "@ <>\x00") {
		return nil, fmt.Errorf("mail addresses: reply domain %q is not a domain", domain)
	}
	return &MailAddresses{secret: []byte(secret), domain: domain}, nil
}

// Domain is the domain of every address made here.
func (a *MailAddresses) Domain() string { return a.domain }

// ThreadReply is the Reply-To address of a thread's e-mails.
func (a *MailAddresses) ThreadReply(threadID int64) string { return a.make("t", threadID) }

// Bounce is the envelope sender (Return-Path) of one message's e-mail.
func (a *MailAddresses) Bounce(messageID int64) string { return a.make("b", messageID) }

// ParseThreadReply returns the thread an address made by ThreadReply
// names; ok is false for any other address.
func (a *MailAddresses) ParseThreadReply(addr string) (threadID int64, ok bool) {
	return a.parse("t", addr)
}

// ParseBounce returns the message an address made by Bounce names; ok is
// false for any other address.
func (a *MailAddresses) ParseBounce(addr string) (messageID int64, ok bool) {
	return a.parse("b", addr)
}

func (a *MailAddresses) make(kind string, id int64) string {
	return kind + "-" + strconv.FormatInt(id, 10) + "-" + a.mac(kind, id) + "@" + a.domain
}

func (a *MailAddresses) mac(kind string, id int64) string {
	m := hmac.New(sha256.New, a.secret)
	m.Write([]byte("naryad mail address\x00" + kind + "\x00" + strconv.FormatInt(id, 10)))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

func (a *MailAddresses) parse(kind, addr string) (int64, bool) {
	local, domain, found := strings.Cut(strings.ToLower(strings.TrimSpace(addr)), "@")
	if !found || domain != a.domain {
		return 0, false
	}
	parts := strings.Split(local, "-")
	if len(parts) != 3 || parts[0] != kind {
		return 0, false
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != parts[1] {
		return 0, false
	}
	if !hmac.Equal([]byte(parts[2]), []byte(a.mac(kind, id))) {
		return 0, false
	}
	return id, true
}
