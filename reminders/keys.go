package reminders

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"naryad/hub/store"
	"naryad/templates"
)

// RuleKeys is the uncollected-keys rule's name.
const RuleKeys = "keys"

// Keys reminds about keys left in the locker: a compartment holding a work
// order's keys ("ready": put back by staff for pickup) for the branch's
// keys_remind_hours gets a customer reminder, and past keys_alert_hours a
// staff task, each once per branch-local day until the keys are collected
// (the occasion is the date).
type Keys struct{}

// NewKeys is the uncollected-keys rule; its thresholds are branch settings.
func NewKeys() *Keys { return &Keys{} }

// Name is RuleKeys.
func (k *Keys) Name() string { return RuleKeys }

// Due lists the reminders and alerts due at the scan.
func (k *Keys) Due(ctx context.Context, st *store.Store, scan Scan) ([]Reminder, error) {
	set, err := st.BranchReminderSettings(ctx, scan.Branch.ID)
	if err != nil {
		return nil, err
	}
	remind := time.Duration(set.KeysRemindHours) * time.Hour
	alert := time.Duration(set.KeysAlertHours) * time.Hour
	waiting, err := st.KeysWaiting(ctx, scan.Branch.ID, scan.Now.Add(-min(remind, alert)))
	if err != nil {
		return nil, err
	}
	local := scan.Now.In(scan.Loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, scan.Loc)
	var out []Reminder
	for _, w := range waiting {
		age := scan.Now.Sub(w.ReadySince)
		base := Reminder{
			Rule: RuleKeys, Subject: "work_order:" + strconv.FormatInt(w.WorkOrderID, 10),
			Occasion: scan.Today, ThreadID: w.ThreadID,
		}
		if w.CustomerID != nil && age >= remind {
			r := base
			r.Audience, r.CustomerID = ToCustomer, *w.CustomerID
			r.DueAt = later(w.ReadySince.Add(remind), midnight)
			r.Template, r.Data = templates.KeyReminderKeys, templates.Data{WorkOrderNumber: w.WorkOrderNumber}
			out = append(out, r)
		}
		if age >= alert {
			r := base
			r.Audience, r.DueAt = ToStaff, later(w.ReadySince.Add(alert), midnight)
			if w.CustomerID != nil {
				r.CustomerID = *w.CustomerID
			}
			r.Title = "Keys not collected: order " + w.WorkOrderNumber
			r.Body = fmt.Sprintf("The keys have waited in compartment %s (%s) since %s, %d h. Call the customer.",
				w.Label, w.SiteName, w.ReadySince.In(scan.Loc).Format("02.01.2006 15:04"), int(age.Hours()))
			out = append(out, r)
		}
	}
	return out, nil
}

// later is the later of two moments: a daily reminder is due from the
// start of the local day, or from when it first became due.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
