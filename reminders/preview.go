package reminders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// linkPlaceholder stands for the customer link in a preview when there is
// none to show: the thread does not exist yet (its link is made when the
// reminder is sent) or the Runner has no link maker.
const linkPlaceholder = "[link]"

// PreviewItem is one reminder a scan at a moment would send, or hold.
type PreviewItem struct {
	Rule          string
	Audience      string // ToCustomer or ToStaff
	CustomerPhone string // empty for staff tasks
	Subject       string
	DueAt         time.Time
	Message       string    // the rendered text; a staff task's title and body
	HeldUntil     time.Time // not zero: held by quiet hours or the daily cap until then
}

// Preview is Scan at a given moment without writing anything: what would
// be sent, and what would be held (with when it would go). Reminders the
// ledger has and customers who opted out are left out.
func (r *Runner) Preview(ctx context.Context, branch hub.Branch, at time.Time) ([]PreviewItem, error) {
	p, err := r.plan(ctx, branch, at)
	if p == nil {
		return nil, err
	}
	out := []PreviewItem{}
	for _, it := range p.items {
		if it.skip {
			continue
		}
		item := PreviewItem{Rule: it.Rule, Audience: it.Audience, Subject: it.Subject, DueAt: it.DueAt, HeldUntil: it.heldUntil}
		if it.Audience == ToStaff {
			item.Message = it.Title
			if it.Body != "" {
				item.Message += "\n" + it.Body
			}
			out = append(out, item)
			continue
		}
		phone, link, rerr := r.previewContact(ctx, branch, it)
		if rerr == nil {
			item.CustomerPhone = phone
			item.Message, rerr = r.render(ctx, r.texts, p, it, link)
		}
		if rerr != nil {
			return nil, errors.Join(err, fmt.Errorf("preview %s %s: %w", it.Rule, it.Subject, rerr))
		}
		out = append(out, item)
	}
	return out, err
}

// previewContact is the number and link the reminder would go to, read
// without creating a thread or a link.
func (r *Runner) previewContact(ctx context.Context, b hub.Branch, it planned) (phone, link string, err error) {
	var t hub.Thread
	switch {
	case it.ThreadID != 0:
		t, err = r.store.Thread(ctx, it.ThreadID)
	default:
		t, err = r.store.CustomerThread(ctx, it.CustomerID, b.ID)
		if isNotFound(err) {
			return it.recipient.Phone, linkPlaceholder, nil
		}
	}
	if err != nil {
		return "", "", err
	}
	link = linkPlaceholder
	if r.links != nil {
		l, err := r.store.ActiveMagicLink(ctx, t.ID)
		switch {
		case err == nil:
			link = hub.MaskLinks(r.links.URL(l.Salt)) // staff read the preview: never the customer's token
		case !errors.Is(err, store.ErrNotFound):
			return "", "", err
		}
	}
	return t.Phone, link, nil
}

// PreviewMoment is the moment a preview of a branch-local date shows: now
// when the date is the branch's today, else 10:00 on that date (after the
// default quiet hours, when a day's reminders have gone out).
func PreviewMoment(date string, loc *time.Location, now time.Time) (time.Time, error) {
	d, err := time.ParseInLocation(dateLayout, date, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q is not YYYY-MM-DD", date)
	}
	if now.In(loc).Format(dateLayout) == date {
		return now, nil
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, loc), nil
}
