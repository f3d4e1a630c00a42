package reminders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// RunnerOptions configure a Runner. Now is its clock (tests control it);
// nil means the real one.
type RunnerOptions struct {
	Rules  []Rule
	Logger *slog.Logger
	Now    func() time.Time
	// Mail and Unsubscribes turn e-mail on: the reply addresses and
	// Message-ID domain, and the one-click unsubscribe addresses. Either
	// nil means no e-mail; reminders then go on their threads only.
	Mail         *hub.MailAddresses
	Unsubscribes *hub.Unsubscribes
}

// Runner runs the rules over a branch and sends what is due.
type Runner struct {
	store  *store.Store
	texts  *templates.Renderer
	links  *hub.Links
	queued func()
	rules  []Rule
	log    *slog.Logger
	now    func() time.Time
	zones  hub.Zones

	mail         *hub.MailAddresses // nil: e-mail off
	unsubscribes *hub.Unsubscribes
}

// NewRunner wires a Runner. links may be nil for a Runner that only
// previews (messages then show linkPlaceholder); queued (nil allowed) is
// called after a scan that queued messages, to wake the outbox.
func NewRunner(st *store.Store, texts *templates.Renderer, links *hub.Links, queued func(), o RunnerOptions) *Runner {
	if queued == nil {
		queued = func() {}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Runner{store: st, texts: texts, links: links, queued: queued, rules: o.Rules, log: o.Logger, now: o.Now,
		mail: o.Mail, unsubscribes: o.Unsubscribes}
}

// Result counts what a scan did.
type Result struct {
	Sent       int // customer messages queued
	Tasks      int // staff tasks raised
	Noted      int // staff reminders written in their thread only: a task of their rule was still open
	Held       int // quiet hours or the daily cap: a later scan sends them
	OptedOut   int // not sent: the customer opted out of reminders
	Duplicates int // the ledger had them: sent before, or by another instance
}

// Scan runs every rule for the branch at the Runner's now and sends what is
// due. A failing rule does not stop the others; its error is returned with
// the result of the rest.
func (r *Runner) Scan(ctx context.Context, branch hub.Branch) (Result, error) {
	if r.links == nil {
		return Result{}, errors.New("reminders: scan: this runner has no customer links (preview only)")
	}
	started := time.Now()
	p, err := r.plan(ctx, branch, r.now())
	if p == nil {
		return Result{}, err
	}
	res := p.result
	for _, it := range p.items {
		if it.skip {
			continue
		}
		if !it.heldUntil.IsZero() {
			res.Held++
			continue
		}
		outcome, sendErr := r.send(ctx, p, it)
		if sendErr != nil {
			err = errors.Join(err, fmt.Errorf("%s %s %s: %w", it.Rule, it.Subject, it.Occasion, sendErr))
			continue
		}
		switch outcome {
		case sentMessage:
			res.Sent++
		case raisedTask:
			res.Tasks++
		case notedOnly:
			res.Noted++
		case heldByCap:
			res.Held++
		case optedOut:
			res.OptedOut++
		case alreadySent:
			res.Duplicates++
		}
	}
	if res.Sent > 0 {
		r.queued()
	}
	r.log.Info("reminder scan", "branch", branch.Code, "sent", res.Sent, "tasks", res.Tasks, "noted", res.Noted, "held", res.Held,
		"opted_out", res.OptedOut, "duplicates", res.Duplicates, "took_ms", time.Since(started).Milliseconds(), "error", err)
	return res, err
}

// scanPlan is what a scan found due and what to do with each reminder.
type scanPlan struct {
	scan     Scan
	settings store.ReminderSettings
	quiet    quietHours
	items    []planned
	result   Result // what planning already decided (duplicates, opt-outs)
}

// planned is one due reminder and the verdict on it before sending.
type planned struct {
	Reminder
	recipient store.ReminderRecipient // customer reminders
	heldUntil time.Time               // not zero: not now (quiet hours, the daily cap)
	skip      bool                    // not at all (opted out, unknown customer)
}

// ledgerKey is the reminder's ledger row key; staff rows are customer 0,
// so a staff alert about a customer never counts towards their daily cap
// nor collides with the customer's own reminder.
func (p planned) ledgerKey() store.LedgerKey {
	k := store.LedgerKey{CustomerID: p.CustomerID, Rule: p.Rule, Subject: p.Subject, Occasion: p.Occasion}
	if p.Audience == ToStaff {
		k.CustomerID = 0
	}
	return k
}
