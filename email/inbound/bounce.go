package inbound

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"strings"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// dsnRecipient is one per-recipient block of a delivery status
// notification (RFC 3464 §2.3).
type dsnRecipient struct {
	finalRecipient string
	action         string // failed, delayed, delivered, relayed, expanded
	status         string // "5.1.1"
	diagnostic     string // the remote server's words, if given
}

// hard is a permanent failure: the address will not take mail.
func (r dsnRecipient) hard() bool {
	return r.action == "failed" && strings.HasPrefix(r.status, "5.")
}

// soft is a delay: the mail server keeps trying.
func (r dsnRecipient) soft() bool {
	return r.action == "delayed" || strings.HasPrefix(r.status, "4.")
}

// reason is what staff and the DMS read: the diagnostic without its type
// ("smtp; 550 5.1.1 user unknown" -> "550 5.1.1 user unknown"), or the status.
func (r dsnRecipient) reason() string {
	d := r.diagnostic
	if _, rest, ok := strings.Cut(d, ";"); ok {
		d = rest
	}
	d = strings.TrimSpace(d)
	if d == "" {
		d = "status " + r.status
	}
	if len([]rune(d)) > 300 {
		d = string([]rune(d)[:300])
	}
	return "bounced: " + d
}

// readDSN finds the delivery-status part of a multipart/report and reads
// its recipients; ok is false for anything that is not a DSN (an
// out-of-office reply, a person writing to the Return-Path).
func readDSN(msg parsed) ([]dsnRecipient, bool) {
	if msg.reportType != "delivery-status" {
		return nil, false
	}
	for _, p := range msg.parts {
		if p.contentType != "message/delivery-status" && p.contentType != "message/global-delivery-status" {
			continue
		}
		r := textproto.NewReader(bufio.NewReader(bytes.NewReader(p.body)))
		// The per-message fields come first; each recipient's block follows
		// after a blank line.
		if _, err := r.ReadMIMEHeader(); err != nil {
			return nil, true
		}
		var out []dsnRecipient
		for len(out) < 50 {
			h, err := r.ReadMIMEHeader()
			if len(h) > 0 {
				out = append(out, dsnRecipient{
					finalRecipient: addressOf(h.Get("Final-Recipient")),
					action:         strings.ToLower(strings.TrimSpace(h.Get("Action"))),
					status:         strings.TrimSpace(h.Get("Status")),
					diagnostic:     decodeHeader(h.Get("Diagnostic-Code")),
				})
			}
			if err != nil {
				break
			}
		}
		return out, true
	}
	return nil, false
}

// addressOf is the address of a "rfc822; someone@example.com" field.
func addressOf(v string) string {
	if _, a, ok := strings.Cut(v, ";"); ok {
		v = a
	}
	return strings.ToLower(strings.Trim(strings.TrimSpace(v), "<>"))
}

// handleBounce applies a mail to message messageID's bounce address. A hard
// bounce fails the message with its reason (the DMS gets delivery_failed),
// marks the address invalid so the next reminder goes by SMS, and, where
// the branch wants it, sends the words by SMS. A delay leaves a staff
// note. Anything else to a bounce address is dropped with a log line.
func (l *Listener) handleBounce(ctx context.Context, messageID int64, msg parsed) error {
	log := l.log.With("message_id", messageID)
	rcpts, isDSN := readDSN(msg)
	if !isDSN {
		log.Info("smtp: mail to a bounce address that is no DSN dropped", "subject", decodeHeader(msg.header.Get("Subject")),
			"auto_submitted", msg.header.Get("Auto-Submitted"))
		return nil
	}
	for _, r := range rcpts {
		if r.hard() {
			return l.hardBounce(ctx, messageID, r)
		}
	}
	for _, r := range rcpts {
		if r.soft() {
			return l.softBounce(ctx, messageID, r)
		}
	}
	log.Info("smtp: DSN without a failure dropped", "recipients", len(rcpts))
	return nil
}

func (l *Listener) hardBounce(ctx context.Context, messageID int64, r dsnRecipient) error {
	log := l.log.With("message_id", messageID, "status", r.status)
	reason := r.reason()
	b, err := l.st.FailEmailBounce(ctx, messageID, reason)
	if errors.Is(err, store.ErrNotFound) {
		log.Info("smtp: bounce for a message that is not an e-mail dropped")
		return nil
	}
	if err != nil {
		return err
	}
	if !b.Failed {
		log.Info("smtp: bounce for a message already failed or delivered", "delivery", b.Message.Delivery)
		return nil
	}
	if b.Recipient != "" {
		if err := l.st.MarkEmailInvalid(ctx, b.Recipient, reason); err != nil {
			return err
		}
	}
	log.Info("smtp: hard bounce", "recipient", b.Recipient, "reason", reason)
	return l.fallback(ctx, b.Message)
}

// fallback sends the words of a failed e-mail by SMS when the branch asks
// for it (hub.BranchEmailSettings.SMSFallback).
func (l *Listener) fallback(ctx context.Context, m hub.Message) error {
	t, err := l.st.Thread(ctx, m.ThreadID)
	if err != nil {
		return err
	}
	set, ok, err := l.st.BranchEmailSettings(ctx, t.BranchID)
	if err != nil || !ok || !set.SMSFallback {
		return err
	}
	if l.opts.Fallback == nil {
		l.log.Warn("smtp: branch wants an SMS after a hard bounce, but no SMS fallback is wired", "message_id", m.ID, "branch_id", t.BranchID)
		return nil
	}
	// The message is failed already: a fallback that fails now is logged,
	// not retried by answering 451 (the bounce itself is handled).
	if err := l.opts.Fallback.EmailFailed(ctx, m.ID); err != nil {
		l.log.Error("smtp: SMS fallback after a hard bounce", "message_id", m.ID, "error", err)
		return nil
	}
	l.opts.Queued()
	return nil
}

func (l *Listener) softBounce(ctx context.Context, messageID int64, r dsnRecipient) error {
	m, err := l.st.Message(ctx, messageID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := l.st.MessageEmail(ctx, messageID); errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	reason := strings.TrimPrefix(r.reason(), "bounced: ")
	line := hub.SystemLine(m.ThreadID, "naryad", templates.SysEmailDelayed, map[string]string{"address": r.finalRecipient, "reason": reason})
	if err := l.st.AddMessage(ctx, &line); err != nil {
		return fmt.Errorf("note delayed e-mail %d: %w", messageID, err)
	}
	l.log.Info("smtp: e-mail delayed", "message_id", messageID, "status", r.status)
	return nil
}
