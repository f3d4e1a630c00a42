package reminders

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// plan runs the rules for a branch at a moment and decides, without
// writing, what each due reminder meets: the ledger (sent before), the
// customer's opt-out, the quiet hours and the daily cap. Scan then sends
// (re-checking opt-out, cap and ledger inside each transaction); Preview
// shows. A nil plan comes with the error that prevented it; a plan with an
// error lacks the reminders of the rules that failed.
func (r *Runner) plan(ctx context.Context, branch hub.Branch, at time.Time) (*scanPlan, error) {
	loc := r.zones.Of(branch)
	scan := Scan{Branch: branch, Now: at.UTC(), Loc: loc, Today: at.In(loc).Format(dateLayout)}
	settings, err := r.store.BranchReminderSettings(ctx, branch.ID)
	if err != nil {
		return nil, err
	}
	quiet, err := parseQuietHours(settings.QuietFrom, settings.QuietUntil)
	if err != nil {
		return nil, fmt.Errorf("branch %s: %w", branch.Code, err)
	}
	p := &scanPlan{scan: scan, settings: settings, quiet: quiet}
	due, ruleErr := r.due(ctx, scan)
	if err := r.judge(ctx, p, due); err != nil {
		return nil, errors.Join(ruleErr, err)
	}
	return p, ruleErr
}

// due collects every rule's reminders, earliest due first, each key once.
func (r *Runner) due(ctx context.Context, scan Scan) ([]Reminder, error) {
	var all []Reminder
	var errs error
	for _, rule := range r.rules {
		got, err := rule.Due(ctx, r.store, scan)
		if err != nil {
			errs = errors.Join(errs, fmt.Errorf("rule %s: %w", rule.Name(), err))
			continue
		}
		all = append(all, got...)
	}
	slices.SortStableFunc(all, func(a, b Reminder) int {
		return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Subject, b.Subject))
	})
	seen := map[store.LedgerKey]bool{}
	out := all[:0]
	for _, rem := range all {
		k := planned{Reminder: rem}.ledgerKey()
		if !seen[k] {
			seen[k] = true
			out = append(out, rem)
		}
	}
	return out, errs
}

// judge fills p.items with a verdict for each due reminder.
func (r *Runner) judge(ctx context.Context, p *scanPlan, due []Reminder) error {
	keys := make([]store.LedgerKey, len(due))
	var customers []int64
	for i, rem := range due {
		keys[i] = planned{Reminder: rem}.ledgerKey()
		if rem.Audience == ToCustomer {
			customers = append(customers, rem.CustomerID)
		}
	}
	sent, err := r.store.RemindersSent(ctx, keys)
	if err != nil {
		return err
	}
	recipients, err := r.store.ReminderRecipients(ctx, customers)
	if err != nil {
		return err
	}
	today, err := r.store.RemindersOnDateOf(ctx, customers, p.scan.Today)
	if err != nil {
		return err
	}
	release := p.quiet.releaseAt(p.scan.Now, p.scan.Loc)
	for i, rem := range due {
		if sent[keys[i]] {
			p.result.Duplicates++
			continue
		}
		it := planned{Reminder: rem}
		if rem.Audience == ToCustomer {
			rc, known := recipients[rem.CustomerID]
			it.recipient = rc
			switch {
			case !known:
				r.log.Warn("reminder for an unknown customer", "rule", rem.Rule, "subject", rem.Subject, "customer_id", rem.CustomerID)
				it.skip = true
			case rc.OptedOutAt != nil && !rem.Service:
				p.result.OptedOut++
				it.skip = true
			case release.After(p.scan.Now):
				it.heldUntil = release
			case today[rem.CustomerID] >= p.settings.ReminderDailyCap && !rem.Service:
				it.heldUntil = p.quiet.nextDay(p.scan.Now, p.scan.Loc)
			default:
				today[rem.CustomerID]++
			}
		}
		p.items = append(p.items, it)
	}
	return nil
}
