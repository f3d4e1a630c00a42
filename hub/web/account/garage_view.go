package account

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// What the garage views show, already worded and formatted in the
// visitor's language: money, quantities and dates the way the customer's
// SMS and work-order page write them (package templates), each visit's
// dates in its branch's zone.

type garageView struct {
	Phones []string
	Cars   []carCard
}

type carCard struct {
	URL, BookURL string
	Title, Plate string
	VINTail      string
	LastVisit    string // "" when never visited
	NextService  string // "" when not predicted
	OpenDeclined int
}

type historyView struct {
	Car      carCard
	Orders   []orderBlock
	Expiring []expiringView
	Declined []declinedView
}

type orderView struct {
	URL, CarURL      string
	Branch, Number   string
	Status           string
	Opened, Closed   string
	Mileage          string
	Lines            []lineView
	Total            string
	Findings         []findingView
	Documents        []docView
	DecisionsPending bool
}

// orderBlock is what views/garage_order_body.html takes: a template
// call passes one value, and the block needs the words too.
type orderBlock struct {
	T map[string]string
	O orderView
}

type lineView struct {
	Name, Qty, Sum string
	Decision       string // worded; "" for a line that needs none
	DecisionClass  string // approved | declined | pending
}

type findingView struct{ Name, State, Word, Note string }

type docView struct{ URL, Name string }

type expiringView struct{ Title, Until string }

type declinedView struct{ Name, Sum, On string }

// carCard words one car of the garage.
func (h *Handler) carCard(locale string, c store.GarageCar) carCard {
	id := strconv.FormatInt(c.ID, 10)
	card := carCard{
		URL: "/account/cars/" + id, BookURL: "/account/book?" + url.Values{"vehicle": {id}}.Encode(),
		Title: c.Title(), Plate: c.Plate, VINTail: c.VINTail(), OpenDeclined: c.OpenDeclined,
		NextService: dayText(locale, c.ServiceDueOn),
	}
	if card.Title == "" {
		card.Title = c.VIN
	}
	if c.LastVisit != nil {
		card.LastVisit = templates.Date(locale, *c.LastVisit)
	}
	return card
}

// historyView words a car's history.
func (h *Handler) historyView(locale string, hist store.CarHistory) historyView {
	out := historyView{Car: h.carCard(locale, hist.Car)}
	for _, o := range hist.Orders {
		out.Orders = append(out.Orders, orderBlock{T: h.texts[locale], O: h.orderView(locale, o)})
	}
	for _, e := range hist.Expiring {
		out.Expiring = append(out.Expiring, expiringView{Title: e.Title, Until: dayText(locale, e.ExpiresOn)})
	}
	for _, d := range hist.Declined {
		out.Declined = append(out.Declined, declinedView{Name: d.Name, Sum: sumText(locale, d.TotalMinor, d.Currency),
			On: templates.Date(locale, d.DeclinedAt)})
	}
	return out
}

// orderView words one work order.
func (h *Handler) orderView(locale string, o store.HistoryOrder) orderView {
	loc := h.zones.Of(hub.Branch{TimeZone: o.BranchZone}) // UTC for an unknown name
	v := orderView{
		URL: "/account/orders/" + strconv.FormatInt(o.ID, 10), Branch: o.BranchName, Number: o.Number,
		Status: h.t(locale, "g_status_"+o.Status), Opened: templates.Date(locale, o.OpenedAt.In(loc)),
	}
	if !hub.IsCanonicalStatus(o.Status) {
		v.Status = h.t(locale, "g_status_")
	}
	if o.VehicleID != nil {
		v.CarURL = "/account/cars/" + strconv.FormatInt(*o.VehicleID, 10)
	}
	if o.HandedOverAt != nil {
		v.Closed = templates.Date(locale, o.HandedOverAt.In(loc))
	}
	if o.MileageKm > 0 {
		v.Mileage = groupInt(locale, int64(o.MileageKm)) + "\u00a0" + templates.Unit(locale, "km")
	}
	var total int64
	for _, l := range o.Lines {
		lv := lineView{Name: l.Name, Qty: templates.Quantity(locale, l.QtyMilli), Sum: sumText(locale, l.TotalMinor, o.Currency)}
		counted := l.Kind != hub.LineRecommendation
		if l.NeedsApproval {
			switch l.Decision {
			case hub.DecisionApproved:
				lv.Decision, lv.DecisionClass, counted = h.t(locale, "g_d_approved"), "approved", true
			case hub.DecisionDeclined:
				lv.Decision, lv.DecisionClass, counted = h.t(locale, "g_d_declined"), "declined", false
			default:
				lv.Decision, lv.DecisionClass, counted = h.t(locale, "g_d_pending"), "pending", false
				v.DecisionsPending = true
			}
		}
		if counted {
			total += l.TotalMinor
		}
		v.Lines = append(v.Lines, lv)
	}
	if o.TotalMinor != 0 {
		total = o.TotalMinor // the DMS's own total wins over our sum
	}
	if len(o.Lines) > 0 || total != 0 {
		v.Total = sumText(locale, total, o.Currency)
	}
	for _, f := range o.Findings {
		v.Findings = append(v.Findings, findingView{Name: f.Name, State: f.State, Word: templates.StateWord(locale, f.State), Note: f.Note})
	}
	for _, d := range o.Documents {
		v.Documents = append(v.Documents, docView{URL: "/account/files/" + strconv.FormatInt(d.ID, 10), Name: d.Name})
	}
	return v
}

// sumText is money in locale; "" without a currency (a DMS that sent
// none: a bare number would read as roubles or zloty by guess).
func sumText(locale string, minor int64, currency string) string {
	if currency == "" {
		return ""
	}
	return templates.MoneyText(locale, minor, currency)
}

// dayText writes a stored calendar day ("YYYY-MM-DD") in locale; "" for
// none or a malformed one.
func dayText(locale, day string) string {
	d, err := time.Parse(hub.DateLayout, day)
	if err != nil {
		return ""
	}
	return templates.Date(locale, d)
}

// groupInt writes a whole number with thousands grouped the way locale
// does: "61 200" in ru and pl (a no-break space), "61,200" in en.
func groupInt(locale string, n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	sep := "\u00a0"
	if templates.NormalizeLocale(locale) == templates.LocaleEN {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}
