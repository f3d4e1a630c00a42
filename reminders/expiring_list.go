package reminders

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"naryad/hub/store"
	"naryad/templates"
)

// RuleExpiredList is the staff list of expired items' rule name.
const RuleExpiredList = "expired_list"

// ExpiredList gives a branch's staff, once per local day, one task listing
// the customers' items that ended in the last WithinDays days (seed 003:
// staff act on expired items — call, renew). Nothing when there are none.
// A renewed item leaves the list by itself: the DMS sends its new end date.
type ExpiredList struct {
	WithinDays int
}

// NewExpiredList lists the items expired in the last 30 days.
func NewExpiredList() *ExpiredList { return &ExpiredList{WithinDays: 30} }

// Name is the rule's ledger name.
func (r *ExpiredList) Name() string { return RuleExpiredList }

// Due is the day's staff task for the scan's branch, if anything expired.
func (r *ExpiredList) Due(ctx context.Context, st *store.Store, scan Scan) ([]Reminder, error) {
	today, err := scanDay(scan)
	if err != nil {
		return nil, err
	}
	from := today.AddDate(0, 0, -r.WithinDays).Format(dateLayout)
	until := today.AddDate(0, 0, -1).Format(dateLayout)
	items, err := st.ExpiringItemsOfBranch(ctx, scan.Branch.ID, from, until)
	if err != nil {
		return nil, fmt.Errorf("expired list of branch %s: %w", scan.Branch.Code, err)
	}
	if len(items) == 0 {
		return nil, nil
	}
	text := expiredTexts[templates.NormalizeLocale(scan.Branch.Locale)]
	var body strings.Builder
	for _, it := range items {
		who := strings.TrimSpace(it.CustomerName + " " + it.Phone)
		fmt.Fprintf(&body, "%s · %s (%s) · %s\n", it.ExpiresOn, it.Title, it.Kind, who)
	}
	return []Reminder{{
		Rule:     RuleExpiredList,
		Audience: ToStaff,
		// A staff task about no one customer: the branch is the subject,
		// so each branch gets its own list each day.
		Subject:  "branch:" + strconv.FormatInt(scan.Branch.ID, 10),
		Occasion: scan.Today,
		DueAt:    becameDue(today, scan.Now),
		Title:    fmt.Sprintf(text.title, len(items), r.WithinDays),
		Body:     strings.TrimSuffix(body.String(), "\n"),
	}}, nil
}

// expiredTexts are the task's title in the branch's language: the count of
// items, then the days looked back.
var expiredTexts = map[string]struct{ title string }{
	templates.LocaleRU: {"Истёкшие позиции клиентов: %d (за %d дн.) — свяжитесь для продления"},
	templates.LocalePL: {"Wygasłe pozycje klientów: %d (ostatnie %d dni) — skontaktuj się w sprawie odnowienia"},
	templates.LocaleEN: {"Expired customer items: %d (last %d days) — contact them to renew"},
}
