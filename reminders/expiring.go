package reminders

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"naryad/hub/store"
	"naryad/templates"
)

// RuleExpiring is the expiring-items rule's name.
const RuleExpiring = "expiring"

// SubjectItems is the subject of a customer's expiring-items reminder: one
// message lists all of them.
const SubjectItems = "items"

// Expiring reminds customers of their warranties, insurance, service plans
// and subscriptions ending (expiring_items), LeadDays before the end date
// and on it. Every item of one customer due in a run goes in ONE message
// listing them (seed 003), its occasion today's date and the item ids
// ("2026-05-01/12,15"), so a re-run that day finds the same occasion and
// sends nothing twice.
//
// Each lead owns the days from it down to the next shorter one, as in
// Maintenance: an item missed on its 10-day run (the hub was down) is
// listed in the next run's message, unless a message since that lead's
// first day already listed it. An item that arrives with 12 days left is
// listed at once, under the 15-day lead.
type Expiring struct {
	// LeadDays are the days before the end date to remind on; 0 is the
	// day itself.
	LeadDays []int
}

// NewExpiring reminds 15, 10, 5 and 1 days before and on the day.
func NewExpiring() *Expiring { return &Expiring{LeadDays: []int{15, 10, 5, 1, 0}} }

// Name is the rule's ledger name.
func (r *Expiring) Name() string { return RuleExpiring }

// Due lists one reminder per customer of the scan's branch with items due.
func (r *Expiring) Due(ctx context.Context, st *store.Store, scan Scan) ([]Reminder, error) {
	leads := descendingLeads(r.LeadDays)
	if len(leads) == 0 {
		return nil, nil
	}
	today, err := scanDay(scan)
	if err != nil {
		return nil, err
	}
	items, err := st.ExpiringItemsOfBranch(ctx, scan.Branch.ID, scan.Today, today.AddDate(0, 0, leads[0]).Format(dateLayout))
	if err != nil {
		return nil, fmt.Errorf("expiring scan of branch %s: %w", scan.Branch.Code, err)
	}
	listed, err := listedSince(ctx, st, items, today.AddDate(0, 0, -leads[0]).Format(dateLayout))
	if err != nil {
		return nil, fmt.Errorf("expiring scan of branch %s: %w", scan.Branch.Code, err)
	}
	var out []Reminder
	for start := 0; start < len(items); { // items come by customer
		end := start + 1
		for end < len(items) && items[end].CustomerID == items[start].CustomerID {
			end++
		}
		rem, ok, err := r.reminder(items[start:end], listed, leads, today, scan)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, rem)
		}
		start = end
	}
	return out, nil
}

// reminder is one customer's message for the items of theirs due today;
// ok is false when every one was listed already.
func (r *Expiring) reminder(items []store.BranchItem, listed map[int64]string, leads []int, today time.Time, scan Scan) (Reminder, bool, error) {
	loc := scanLoc(scan)
	var due []templates.Item
	var ids []int64
	first := scan.Now
	for _, it := range items {
		ends, err := time.ParseInLocation(dateLayout, it.ExpiresOn, loc)
		if err != nil {
			return Reminder{}, false, fmt.Errorf("expiring scan: item %d: end date %q: %w", it.ItemID, it.ExpiresOn, err)
		}
		leadFrom := ends.AddDate(0, 0, -activeLead(leads, daysBetween(today, ends)))
		if listed[it.ItemID] >= leadFrom.Format(dateLayout) {
			continue // a message since this lead began listed it
		}
		due = append(due, templates.Item{Title: it.Title, Kind: it.Kind, ExpiresAt: ends, DaysLeft: daysBetween(today, ends)})
		ids = append(ids, it.ItemID)
		if from := becameDue(leadFrom, scan.Now); from.Before(first) {
			first = from
		}
	}
	if len(ids) == 0 {
		return Reminder{}, false, nil
	}
	return Reminder{
		Rule:       RuleExpiring,
		Audience:   ToCustomer,
		CustomerID: items[0].CustomerID,
		Subject:    SubjectItems,
		Occasion:   itemsOccasion(scan.Today, ids),
		DueAt:      first.UTC(),
		Template:   templates.KeyReminderExpiring,
		Data:       templates.Data{Items: due, Location: loc},
	}, true, nil
}

// itemsOccasion is "<date>/<ids, ascending, comma-separated>".
func itemsOccasion(date string, ids []int64) string {
	sorted := slices.Sorted(slices.Values(ids))
	parts := make([]string, len(sorted))
	for i, id := range sorted {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return date + "/" + strings.Join(parts, ",")
}

// listedSince maps each item to the latest local date since since on which
// an expiring-items message listed it (read back from the occasions).
func listedSince(ctx context.Context, st *store.Store, items []store.BranchItem, since string) (map[int64]string, error) {
	customers := make([]int64, 0, len(items))
	for _, it := range items {
		customers = append(customers, it.CustomerID)
	}
	sent, err := st.SentOccasions(ctx, RuleExpiring, customers, since)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, s := range sent {
		_, list, ok := strings.Cut(s.Occasion, "/")
		if !ok {
			continue
		}
		for field := range strings.SplitSeq(list, ",") {
			id, err := strconv.ParseInt(field, 10, 64)
			if err == nil && s.LocalDate > out[id] {
				out[id] = s.LocalDate
			}
		}
	}
	return out, nil
}
