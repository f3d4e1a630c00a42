package reminders

import (
	"context"
	"errors"
	"fmt"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// outcome is what happened to one reminder Scan tried to send.
type outcome int

const (
	sentMessage outcome = iota
	raisedTask
	notedOnly   // a staff reminder written as its line only: a task of its rule was open
	heldByCap   // the cap was reached since planning
	optedOut    // the customer opted out since planning
	alreadySent // the ledger row appeared since planning: another instance sent it
)

// send writes one reminder in one transaction: its ledger row first (a
// conflict means someone else sent it, and nothing more is written), then
// the message or the staff task.
func (r *Runner) send(ctx context.Context, p *scanPlan, it planned) (outcome, error) {
	var out outcome
	err := r.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if it.Audience == ToStaff {
			out, err = r.raiseTask(ctx, tx, p, it)
		} else {
			out, err = r.sendMessage(ctx, tx, p, it)
		}
		return err
	})
	return out, err
}

func (r *Runner) claim(ctx context.Context, tx *store.Store, p *scanPlan, it planned) (int64, bool, error) {
	return tx.ClaimReminder(ctx, store.LedgerEntry{
		LedgerKey: it.ledgerKey(), BranchID: p.scan.Branch.ID, DueAt: it.DueAt, LocalDate: p.scan.Today,
	})
}

func (r *Runner) sendMessage(ctx context.Context, tx *store.Store, p *scanPlan, it planned) (outcome, error) {
	// Checked again inside the transaction: a STOP or another branch's
	// reminder may have come in since the plan was made. A service
	// message reads neither (Reminder.Service).
	purpose := ""
	if it.Service {
		purpose = store.ConsentService
	} else {
		out, err := tx.CustomerOptedOut(ctx, it.CustomerID)
		if err != nil || out {
			return optedOut, err
		}
		n, err := tx.RemindersOnDate(ctx, it.CustomerID, p.scan.Today)
		if err != nil || n >= p.settings.ReminderDailyCap {
			return heldByCap, err
		}
	}
	ledgerID, claimed, err := r.claim(ctx, tx, p, it)
	if err != nil || !claimed {
		return alreadySent, err
	}
	t, err := r.threadFor(ctx, tx, p.scan.Branch, it)
	if err != nil {
		return 0, err
	}
	link, err := tx.LiveMagicLink(ctx, t.ID, r.links)
	if err != nil {
		return 0, err
	}
	texts := r.texts.WithOverrides(tx)
	d := r.data(p, it, r.links.URL(link.Salt))
	ch, err := r.channels(ctx, tx, p, it, t)
	if err != nil {
		return 0, err
	}
	// One ledger row per reminder whatever the channels: it links the
	// first message queued (the thread's, else the e-mail).
	var first *int64
	if ch.thread {
		body, err := texts.Render(ctx, p.scan.Branch.ID, it.Template, d)
		if err != nil {
			return 0, err
		}
		m, err := tx.QueueMessage(ctx, store.Outgoing{
			ThreadID: t.ID, Channel: t.Channel, Recipient: t.Phone, Body: body, TemplateKey: it.Template, Purpose: purpose,
		})
		if err != nil {
			return 0, err
		}
		first = &m.ID
	}
	if ch.email != "" {
		id, err := r.queueEmail(ctx, tx, texts, p, it, t, d, ch.email)
		if err != nil {
			return 0, err
		}
		if first == nil {
			first = &id
		}
	}
	if err := r.record(ctx, tx, p, it); err != nil {
		return 0, err
	}
	return sentMessage, tx.LinkReminder(ctx, ledgerID, first, nil)
}

// threadFor is where a customer reminder is written: the rule's thread (a
// work order's), or the customer's own at the branch, opened on their
// first number when they have none. The thread's channel is what it is
// sent on.
func (r *Runner) threadFor(ctx context.Context, tx *store.Store, b hub.Branch, it planned) (hub.Thread, error) {
	if it.ThreadID != 0 {
		return tx.Thread(ctx, it.ThreadID)
	}
	t, err := tx.CustomerThread(ctx, it.CustomerID, b.ID)
	if err == nil || !isNotFound(err) {
		return t, err
	}
	customerID := it.CustomerID
	t = hub.Thread{BranchID: b.ID, CustomerID: &customerID, Phone: it.recipient.Phone, Channel: hub.ChannelSMS}
	if err := tx.CreateThread(ctx, &t); err != nil {
		return hub.Thread{}, fmt.Errorf("open thread for customer %d: %w", customerID, err)
	}
	return t, nil
}

// data fills what the Runner knows (branch, customer, language, zone,
// link, the book link of a vehicle's reminder) into the rule's data.
func (r *Runner) data(p *scanPlan, it planned, link string) templates.Data {
	d := it.Data
	b := p.scan.Branch
	d.BranchName, d.BranchPhone, d.Location, d.Link = b.Name, b.Phone, p.scan.Loc, link
	d.CustomerName, d.Locale = it.recipient.Name, b.Locale
	if it.VehicleID != 0 {
		d.BookURL = r.links.BookURL(it.VehicleID, b.Code)
	}
	if it.recipient.Locale != "" {
		d.Locale = it.recipient.Locale
	}
	if it.Locale != "" {
		d.Locale = it.Locale
	}
	return d
}

// render is the branch's text of a reminder (the preview's).
func (r *Runner) render(ctx context.Context, texts *templates.Renderer, p *scanPlan, it planned, link string) (string, error) {
	return texts.Render(ctx, p.scan.Branch.ID, it.Template, r.data(p, it, link))
}

func (r *Runner) raiseTask(ctx context.Context, tx *store.Store, p *scanPlan, it planned) (outcome, error) {
	ledgerID, claimed, err := r.claim(ctx, tx, p, it)
	if err != nil || !claimed {
		return alreadySent, err
	}
	open := false
	if it.OneOpenTask && it.ThreadID != 0 {
		if open, err = tx.HasOpenStaffTask(ctx, it.ThreadID, it.Rule); err != nil {
			return 0, err
		}
	}
	var taskID *int64
	if !open {
		task := store.StaffTask{BranchID: p.scan.Branch.ID, Kind: it.Rule, Title: it.Title, Body: it.Body}
		if it.ThreadID != 0 {
			task.ThreadID = &it.ThreadID
		}
		if err := tx.AddStaffTask(ctx, &task); err != nil {
			return 0, err
		}
		taskID = &task.ID
	}
	if it.ThreadID != 0 {
		key, args := templates.SysTask, map[string]string{"title": it.Title}
		if it.Line != "" {
			key, args = it.Line, it.LineArgs
		}
		line := hub.SystemLine(it.ThreadID, "naryad", key, args)
		if err := tx.AddMessage(ctx, &line); err != nil {
			return 0, err
		}
	}
	if open {
		return notedOnly, tx.LinkReminder(ctx, ledgerID, nil, nil)
	}
	return raisedTask, tx.LinkReminder(ctx, ledgerID, nil, taskID)
}

// record lets the reminder's rule write its own part of the sending, when
// it is a Recorder.
func (r *Runner) record(ctx context.Context, tx *store.Store, p *scanPlan, it planned) error {
	for _, rule := range r.rules {
		if rec, ok := rule.(Recorder); ok && rule.Name() == it.Rule {
			return rec.Record(ctx, tx, it.Reminder, p.scan.Now)
		}
	}
	return nil
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
