package reminders

import (
	"context"
	"time"

	"naryad/hub/reply"
	"naryad/hub/store"
	"naryad/templates"
)

// RuleFeedback is the feedback rule's name; the customer's reply to its ask
// is read in hub/reply, which looks the ask up by this name.
const RuleFeedback = reply.FeedbackRule

// feedbackOccasion is the only occasion of a work order's feedback: it is
// asked once.
const feedbackOccasion = "ask"

// Feedback asks a customer, on the work order's thread, for a 0–10 score of
// their visit from the branch-local day after the car was handed over.
// Level-triggered: an ask missed while the hub was down goes out on a later
// day, up to MaxDays after the hand-over; later than that the visit is too
// far back to ask about. The reply is read by reply.ApplyFeedbackReply.
type Feedback struct {
	MaxDays int // the last branch-local day to ask is the hand-over date + MaxDays
}

// NewFeedback asks from the day after hand-over until 7 days after.
func NewFeedback() *Feedback { return &Feedback{MaxDays: 7} }

// Name is RuleFeedback.
func (f *Feedback) Name() string { return RuleFeedback }

// Due lists the asks due at the scan: work orders handed over on the
// branch's yesterday or up to MaxDays before today, not scored yet.
func (f *Feedback) Due(ctx context.Context, st *store.Store, scan Scan) ([]Reminder, error) {
	local := scan.Now.In(scan.Loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, scan.Loc)
	from := today.AddDate(0, 0, -f.MaxDays)
	asks, err := st.FeedbackToAsk(ctx, scan.Branch.ID, from, today)
	if err != nil {
		return nil, err
	}
	out := make([]Reminder, 0, len(asks))
	for _, a := range asks {
		handed := a.HandedOverAt.In(scan.Loc)
		out = append(out, Reminder{
			Rule: RuleFeedback, Audience: ToCustomer, CustomerID: a.CustomerID,
			Subject: reply.FeedbackSubject(a.WorkOrderID), Occasion: feedbackOccasion, ThreadID: a.ThreadID,
			DueAt:    time.Date(handed.Year(), handed.Month(), handed.Day()+1, 0, 0, 0, 0, scan.Loc),
			Template: templates.KeyReminderFeedback, Data: templates.Data{WorkOrderNumber: a.WorkOrderNumber},
		})
	}
	return out, nil
}
