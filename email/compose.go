package email

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"naryad/hub"
)

// envelope is one rendered e-mail with its SMTP envelope: MAIL FROM is
// the message's bounce address (hub.MailAddresses.Bounce), so a bounce
// names the very message that failed, and RCPT TO is the customer.
type envelope struct {
	From string // MAIL FROM, the Return-Path
	To   string // RCPT TO
	Data []byte // the message, CRLF line ends, not dot-stuffed
}

// identity is who an e-mail is from.
type identity struct {
	Address string
	Name    string
}

// draft is what compose needs of one queued e-mail.
type draft struct {
	To       string
	Text     string // the text part: the message's body
	Parts    hub.MessageEmail
	From     identity
	Envelope string // the bounce address
	Date     time.Time
}

// compose renders the e-mail with go-mail: the text part with the HTML
// part as its alternative, From, To, Subject, Reply-To, Message-ID, Date,
// and for a message that serves a purpose one may refuse (it has an
// unsubscribe address) List-Unsubscribe with the one-click POST of RFC
// 8058 and Auto-Submitted, which keeps auto-responders from answering a
// reminder. An address that does not parse is refused rather than sent;
// a subject or name with line breaks is flattened, never a new header.
func compose(d draft) (envelope, error) {
	to, err := parseAddress(d.To)
	if err != nil {
		return envelope{}, fmt.Errorf("recipient: %w", err)
	}
	from, err := parseAddress(d.From.Address)
	if err != nil {
		return envelope{}, fmt.Errorf("sender: %w", err)
	}
	bounce, err := parseAddress(d.Envelope)
	if err != nil {
		return envelope{}, fmt.Errorf("envelope sender: %w", err)
	}
	if d.Parts.HeaderID == "" || !validHeaderID(d.Parts.HeaderID) {
		return envelope{}, fmt.Errorf("Message-ID %q is not an id-left@id-right", d.Parts.HeaderID)
	}

	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	m.FromMailAddress(&mail.Address{Name: oneLine(d.From.Name), Address: from})
	m.ToMailAddress(&mail.Address{Address: to})
	m.Subject(oneLine(d.Parts.Subject))
	if d.Parts.ReplyTo != "" {
		replyTo, err := parseAddress(d.Parts.ReplyTo)
		if err != nil {
			return envelope{}, fmt.Errorf("Reply-To: %w", err)
		}
		m.ReplyToMailAddress(&mail.Address{Address: replyTo})
	}
	m.SetMessageIDWithValue(d.Parts.HeaderID)
	m.SetDateWithValue(d.Date)
	if d.Parts.UnsubscribeURL != "" {
		u, err := unsubscribeURL(d.Parts.UnsubscribeURL)
		if err != nil {
			return envelope{}, err
		}
		m.SetListUnsubscribe(u)
		m.SetListUnsubscribePost()
		m.SetGenHeader("Auto-Submitted", "auto-generated")
	}
	m.SetBodyString(gomail.TypeTextPlain, d.Text)
	if d.Parts.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, d.Parts.HTML)
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return envelope{}, fmt.Errorf("render: %w", err)
	}
	return envelope{From: bounce, To: to, Data: buf.Bytes()}, nil
}

// parseAddress accepts a bare address ("anna@example.pl") and returns it
// as net/mail reads it; a name, a group or a line break in it is refused.
func parseAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("no address")
	}
	if strings.ContainsAny(s, "\r\n<>,") {
		return "", fmt.Errorf("%q is not a single bare address", s)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || !strings.Contains(a.Address, "@") {
		return "", fmt.Errorf("%q is not an e-mail address", s)
	}
	return a.Address, nil
}

// ParseAddress validates an address typed by a person (a branch's From,
// the test e-mail's recipient) the way the sender will read it.
func ParseAddress(s string) (string, error) { return parseAddress(s) }

// oneLine flattens control characters (a CR or LF above all) into spaces:
// a subject or a name is one header, whatever it was given.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }), " ")
}

// validHeaderID checks a Message-ID without its brackets: one @, no
// spaces, brackets or control characters.
func validHeaderID(id string) bool {
	left, right, ok := strings.Cut(id, "@")
	if !ok || left == "" || right == "" || strings.Contains(right, "@") {
		return false
	}
	for _, r := range id {
		if r <= ' ' || r >= 0x7f || r == '<' || r == '>' {
			return false
		}
	}
	return true
}

// unsubscribeURL checks the one-click address: an absolute http(s) URL
// that fits between the header's angle brackets. RFC 8058 asks for https;
// http is let through for a hub on a test address.
func unsubscribeURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r >= 0x7f || r == '<' || r == '>' }) {
		return "", fmt.Errorf("unsubscribe address %q is not an absolute http(s) URL", raw)
	}
	return raw, nil
}
