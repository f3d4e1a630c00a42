package reminders

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"naryad/hub/store"
	"naryad/templates"
)

// RuleApproval is the approval nudge's name.
const RuleApproval = "approval"

// Approval nudges about an estimate left undecided: CustomerAfter its
// estimate.request message was queued, one reminder to the customer on the
// work order's thread; StaffAfter, one "estimate undecided" task for the
// advisors. Each estimate request is its own occasion (the message id), so
// new lines to approve, asked about in a new message, are nudged about
// again. Past CustomerUntil and StaffUntil the nudge is not sent at all: a
// nudge days late, or about estimates undecided before the hub started
// reminding, would confuse more than help.
type Approval struct {
	CustomerAfter, CustomerUntil time.Duration
	StaffAfter, StaffUntil       time.Duration
}

// NewApproval is the nudge after 30 minutes and the alert after 2 hours.
func NewApproval() *Approval {
	return &Approval{CustomerAfter: 30 * time.Minute, CustomerUntil: 24 * time.Hour, StaffAfter: 2 * time.Hour, StaffUntil: 72 * time.Hour}
}

// Name is RuleApproval.
func (a *Approval) Name() string { return RuleApproval }

// Due lists the nudges and alerts due at the scan.
func (a *Approval) Due(ctx context.Context, st *store.Store, scan Scan) ([]Reminder, error) {
	from := scan.Now.Add(-max(a.CustomerUntil, a.StaffUntil))
	estimates, err := st.UndecidedEstimates(ctx, scan.Branch.ID, from, scan.Now.Add(-min(a.CustomerAfter, a.StaffAfter)))
	if err != nil {
		return nil, err
	}
	var out []Reminder
	for _, e := range estimates {
		age := scan.Now.Sub(e.SentAt)
		base := Reminder{
			Rule: RuleApproval, Subject: "work_order:" + strconv.FormatInt(e.WorkOrderID, 10),
			Occasion: "estimate:" + strconv.FormatInt(e.MessageID, 10), ThreadID: e.ThreadID,
		}
		if e.CustomerID != nil && age >= a.CustomerAfter && age < a.CustomerUntil {
			r := base
			r.Audience, r.CustomerID, r.DueAt = ToCustomer, *e.CustomerID, e.SentAt.Add(a.CustomerAfter)
			r.Template = templates.KeyReminderApproval
			r.Data = templates.Data{WorkOrderNumber: e.WorkOrderNumber, Currency: e.Currency}
			for _, l := range e.Lines {
				r.Data.Lines = append(r.Data.Lines, templates.Line{Name: l.Name, TotalMinor: l.TotalMinor})
			}
			out = append(out, r)
		}
		if age >= a.StaffAfter && age < a.StaffUntil {
			r := base
			r.Audience, r.DueAt = ToStaff, e.SentAt.Add(a.StaffAfter)
			if e.CustomerID != nil {
				r.CustomerID = *e.CustomerID
			}
			r.Title = "Estimate undecided: order " + e.WorkOrderNumber
			r.Body = fmt.Sprintf("%d line(s) still wait for the customer's decision; the estimate was sent %s. Call the customer.",
				len(e.Lines), e.SentAt.In(scan.Loc).Format("02.01.2006 15:04"))
			out = append(out, r)
		}
	}
	return out, nil
}
