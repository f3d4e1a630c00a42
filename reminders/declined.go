package reminders

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"naryad/hub/store"
	"naryad/templates"
)

// RuleDeclinedWork is the declined-work rule's name.
const RuleDeclinedWork = "declined_work"

// declinedOccasionPrefix starts a declined-work occasion: "offer/<row ids>".
// It holds no date, so a reminder held by quiet hours or the daily cap is
// the same occasion on the next scan.
const declinedOccasionPrefix = "offer"

// DeclinedWork offers a vehicle's owner, once, the red and yellow
// inspection items they declined (hub/store declined_work), the branch's
// declined_offer_days after the decline: one message per vehicle lists
// every item due. Sending marks the rows offered in the same transaction
// (Record), so each row is offered once even when later rows of the same
// vehicle fall due; work a later work order did is closed and never
// offered. Past Within after its offer date a row is not offered at all:
// an offer months late (the customer opted back in, the hub was down)
// would confuse more than help.
type DeclinedWork struct {
	Within time.Duration
}

// NewDeclinedWork offers rows up to 30 days after their offer date.
func NewDeclinedWork() *DeclinedWork { return &DeclinedWork{Within: 30 * 24 * time.Hour} }

// Name is RuleDeclinedWork.
func (*DeclinedWork) Name() string { return RuleDeclinedWork }

// Due lists one reminder per vehicle of the branch with declined work due.
func (r *DeclinedWork) Due(ctx context.Context, st *store.Store, scan Scan) ([]Reminder, error) {
	due, err := st.DeclinedWorkDue(ctx, scan.Branch.ID, scan.Now.Add(-r.Within), scan.Now)
	if err != nil {
		return nil, fmt.Errorf("declined work scan of branch %s: %w", scan.Branch.Code, err)
	}
	out := make([]Reminder, 0, len(due))
	for _, v := range due {
		ids := make([]int64, len(v.Items))
		first := scan.Now
		data := templates.Data{Vehicle: v.Vehicle.Title(), Plate: v.Vehicle.Plate, Location: scanLoc(scan)}
		for n, it := range v.Items {
			ids[n] = it.ID
			first = minTime(first, it.OfferAfter)
			data.Lines = append(data.Lines, templates.Line{Name: it.Name, TotalMinor: it.TotalMinor})
			if data.Currency == "" {
				data.Currency = it.Currency
			}
		}
		out = append(out, Reminder{
			Rule:       RuleDeclinedWork,
			Audience:   ToCustomer,
			CustomerID: v.CustomerID,
			Subject:    store.VehicleSubject(v.VehicleID),
			VehicleID:  v.VehicleID,
			Occasion:   itemsOccasion(declinedOccasionPrefix, ids),
			DueAt:      first.UTC(),
			Template:   templates.KeyReminderDeclinedWork,
			Data:       data,
		})
	}
	return out, nil
}

// Record marks the reminder's rows offered, in the transaction that
// queues its message.
func (*DeclinedWork) Record(ctx context.Context, tx *store.Store, rem Reminder, at time.Time) error {
	prefix, list, ok := strings.Cut(rem.Occasion, "/")
	if !ok || prefix != declinedOccasionPrefix {
		return fmt.Errorf("declined work: occasion %q is not %s/<ids>", rem.Occasion, declinedOccasionPrefix)
	}
	var ids []int64
	for field := range strings.SplitSeq(list, ",") {
		id, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			return fmt.Errorf("declined work: occasion %q: %w", rem.Occasion, err)
		}
		ids = append(ids, id)
	}
	return tx.MarkDeclinedOffered(ctx, ids, at)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
