package inbox

import (
	"cmp"
	"context"
	"strconv"
	"time"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/templates"
)

// customerCard is the side panel's customer: how to reach them, whether
// they may be written to, their cars, and their work orders in the
// viewer's branches with each order's thread and feedback score.
type customerCard struct {
	Name     string
	Phones   []string // grouped for reading
	OptedOut string   // when they opted out of messages; "" while they accept them
	Vehicles []vehicleLine
	Orders   []customerOrderLine
	Scores   []string // every feedback score given, newest first ("9/10")
}

type vehicleLine struct{ Title, VIN string }

type customerOrderLine struct {
	Number, Status, StatusKey, Branch, Opened, Total string
	URL                                              string // its thread; "" when none was opened
	Current                                          bool   // the order of the thread on screen
	Score                                            string // "9/10" when the customer scored it
}

// customerCard loads the side panel of the thread's customer; nil for a
// thread not tied to a known customer (a lead from an unknown number).
func (h *Handler) customerCard(ctx context.Context, s staff.Staff, th hub.Thread, locale string, loc *time.Location) (*customerCard, error) {
	if th.CustomerID == nil {
		return nil, nil
	}
	p, err := h.store.CustomerPanelFor(ctx, s.BranchIDs, *th.CustomerID)
	if err != nil {
		return nil, err
	}
	t := texts[locale]
	card := &customerCard{Name: cmp.Or(p.Customer.Name, t["no_name"])}
	for _, ph := range p.Phones {
		card.Phones = append(card.Phones, hub.DisplayPhone(ph))
	}
	if p.Customer.OptedOutAt != nil {
		card.OptedOut = templates.DateTime(locale, p.Customer.OptedOutAt.In(loc))
	}
	for _, v := range p.Vehicles {
		card.Vehicles = append(card.Vehicles, vehicleLine{Title: cmp.Or(v.Title(), v.VIN), VIN: v.VIN})
	}
	for _, o := range p.Orders {
		line := customerOrderLine{Number: o.Number, Status: cmp.Or(t["s_"+o.Status], o.Status), StatusKey: o.Status, Branch: o.BranchCode,
			Opened: templates.DateTime(locale, o.OpenedAt.In(loc))}
		if o.Currency != "" {
			line.Total = money(locale, o.TotalMinor, o.Currency)
		}
		if o.ThreadID != nil {
			line.URL, line.Current = threadURL(*o.ThreadID), *o.ThreadID == th.ID
		}
		if o.Score != nil {
			line.Score = strconv.Itoa(*o.Score) + "/10"
			card.Scores = append(card.Scores, line.Score)
		}
		card.Orders = append(card.Orders, line)
	}
	return card, nil
}
