package reminders

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// sendChannels is where one reminder goes: on its thread's channel (SMS
// or WhatsApp), and/or by e-mail to the address in email ("" = not).
type sendChannels struct {
	thread bool
	email  string
}

// channels decides a reminder's channels: the branch's rule for its rule
// (thread only when never set), overridden by the customer's own choice
// on their privacy page (for the thread's phone), and e-mail only where it
// works: e-mail configured (Mail and Unsubscribes given), the branch has a
// sender, the customer has an address that has not bounced for good. A
// reminder meant for e-mail that cannot go by e-mail goes on the thread
// (after a hard bounce the next reminder goes by SMS).
func (r *Runner) channels(ctx context.Context, tx *store.Store, p *scanPlan, it planned, t hub.Thread) (sendChannels, error) {
	rule, err := tx.ReminderChannelOf(ctx, p.scan.Branch.ID, it.Rule)
	if err != nil {
		return sendChannels{}, err
	}
	wantThread, wantEmail := rule.Thread, rule.Email
	choice, err := tx.ChannelChoice(ctx, t.Phone)
	if err != nil {
		return sendChannels{}, err
	}
	switch choice {
	case store.ChannelChoiceEmail:
		wantThread, wantEmail = false, true
	case store.ChannelChoicePhone:
		wantThread, wantEmail = true, false
	case store.ChannelChoiceBoth:
		wantThread, wantEmail = true, true
	}
	out := sendChannels{thread: wantThread}
	if wantEmail {
		address, err := r.emailAddress(ctx, tx, p.scan.Branch.ID, it.CustomerID)
		if err != nil {
			return sendChannels{}, err
		}
		out.email = address
	}
	if out.email == "" {
		out.thread = true
	}
	return out, nil
}

// emailAddress is the customer's address when an e-mail can go to it now;
// "" otherwise.
func (r *Runner) emailAddress(ctx context.Context, tx *store.Store, branchID, customerID int64) (string, error) {
	if r.mail == nil || r.unsubscribes == nil || customerID == 0 {
		return "", nil
	}
	address, usable, err := tx.EmailUsable(ctx, customerID)
	if err != nil || !usable {
		return "", err
	}
	if _, ok, err := tx.BranchEmailSettings(ctx, branchID); err != nil || !ok {
		return "", err
	}
	return address, nil
}

// queueEmail renders the reminder's e-mail form with the branch's footer
// and queues it on the thread, returning the message's id. A reminder a
// customer may refuse carries the one-click unsubscribe address of its
// purpose; a service message carries none.
func (r *Runner) queueEmail(ctx context.Context, tx *store.Store, texts *templates.Renderer, p *scanPlan, it planned, t hub.Thread, d templates.Data, address string) (int64, error) {
	b := p.scan.Branch
	place, err := tx.BranchBooking(ctx, b.ID)
	if err != nil {
		return 0, err
	}
	purpose := store.ConsentReminders
	f := templates.Footer{Name: b.Name, Address: place.Address, City: place.City, Phone: b.Phone}
	if it.Service {
		purpose = store.ConsentService
	} else {
		f.UnsubscribeURL = r.unsubscribes.URL(it.CustomerID, purpose)
	}
	e, err := texts.RenderEmail(ctx, b.ID, it.Template, d, f)
	if err != nil {
		return 0, err
	}
	headerID, err := newHeaderID(r.mail.Domain())
	if err != nil {
		return 0, err
	}
	phone := it.recipient.Phone
	if phone == "" {
		phone = t.Phone
	}
	m, err := tx.QueueMessage(ctx, store.Outgoing{
		ThreadID: t.ID, Channel: hub.ChannelEmail, Recipient: address, Body: e.Text, TemplateKey: it.Template,
		Purpose: purpose, ConsentPhone: phone,
		Email: &hub.MessageEmail{
			Subject: e.Subject, HTML: e.HTML, ReplyTo: r.mail.ThreadReply(t.ID),
			UnsubscribeURL: f.UnsubscribeURL, HeaderID: headerID,
		},
	})
	if err != nil {
		return 0, err
	}
	return m.ID, nil
}

// newHeaderID is a fresh Message-ID, "<random>@<reply domain>", without
// the angle brackets.
func newHeaderID(domain string) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("e-mail Message-ID: %w", err)
	}
	return hex.EncodeToString(b) + "@" + domain, nil
}
