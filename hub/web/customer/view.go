package customer

import (
	"context"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/attachment"
	"naryad/templates"
)

// pageView is everything the page shows.
type pageView struct {
	T      map[string]string
	Locale string
	Base   string // /c/<token>
	CSRF   string
	// FormKey is new on every render: it tells a second post of the same
	// message form (a double click, a retry) from a new message.
	FormKey string
	Flash   string
	Error   string

	Branch    hub.Branch
	UploadMax int64 // bytes; the script refuses a larger file before sending it
	Order     orderView
	Messages  []messageView
	Documents []fileView
	LastEvent int64 // the SSE stream resumes after this event
}

// orderView is the work-order part of the page, re-rendered live as a unit.
type orderView struct {
	T          map[string]string
	Base, CSRF string
	Number     string
	Vehicle    string
	Status     string // localized canonical status
	StatusKey  string // canonical, for styling
	Promised   string
	Steps      []progressStep // the step bar, received → handed over
	Timeline   []stepView
	Report     reportView // the sent inspection; empty when there is none
	Version    int64      // the work order's version shown; the estimate form carries it
	Total      string     // with the customer's decisions applied, as the review announced it
	TotalMinor int64      // the same in minor units: the script's live total starts here
	// MoneySample is 1 234 567,89 in the customer's notation: the script
	// learns from it how to write the live total as the server does.
	MoneySample string
	// Provisional: the customer decided and the DMS has not sent a total
	// that takes the decisions in yet, so the service confirms the sum.
	Provisional bool
	Pending     []lineView // awaiting the customer's decision, red evidence first
	Decided     []lineView
	Paid        bool     // the work order is paid (online or at the desk)
	Pay         payBlock // the pay buttons, when the branch takes payments online
	// reportID is the sent inspection shown (0: none), for recording
	// that the customer opened it.
	reportID int64
	openedAt *time.Time
}

type stepView struct{ Name, At string }

type lineView struct {
	ID                      int64
	Name, Qty, Price, Total string
	TotalMinor              int64
	Decision                string // "", approved, declined
	DecisionText            string
	Item                    *itemView // the inspection item the line prices: its evidence
	// What each answer does to the order total (minor units): a declined
	// line leaves it, an approved recommendation joins it.
	IfApproved, IfDeclined int64
}

type messageView struct {
	ID     int64
	Mine   bool // written by the customer
	Author string
	Body   string
	At     string
	Files  []fileView
	// Delivery is the outgoing message's state, kept only as an attribute
	// (scripts and tests wait on it); the customer is not shown it.
	Delivery string
}

type fileView struct {
	ID          int64
	Invoice     bool // the DMS sent it as the invoice: listed first
	Name        string
	URL         string
	IsImage     bool
	ContentType string
}

// viewFuncs are the helpers views may call.
var viewFuncs = template.FuncMap{
	"paragraphs": func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") },
}

// loader builds views for one visit.
type loader struct {
	st     *store.Store
	v      visit
	locale string
	branch hub.Branch
	loc    *time.Location
}

func (h *Handler) loader(ctx context.Context, v visit, acceptLanguage string) (*loader, error) {
	b, err := h.store.Branch(ctx, v.thread.BranchID)
	if err != nil {
		return nil, err
	}
	customerLocale := ""
	if v.thread.CustomerID != nil {
		c, err := h.store.Customer(ctx, *v.thread.CustomerID)
		if err != nil {
			return nil, err
		}
		customerLocale = c.Locale
	}
	return &loader{st: h.store, v: v, locale: pickLocale(customerLocale, acceptLanguage, b.Locale), branch: b, loc: h.zones.Of(b)}, nil
}

func (l *loader) t() map[string]string { return texts[l.locale] }

func (l *loader) when(t time.Time) string { return templates.DateTime(l.locale, t.In(l.loc)) }

func (l *loader) money(minor int64, currency string) string {
	s, err := templates.Money(l.locale, minor, currency)
	if err != nil {
		s = fmt.Sprintf("%d.%02d %s", minor/100, abs(minor%100), currency)
	}
	// On a narrow screen a sum must not break between its digit groups.
	return strings.ReplaceAll(s, " ", "\u00a0")
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// orderData is the stored state behind the work-order section, the same
// for every viewer; orderView turns it into one viewer's words.
type orderData struct {
	order   hub.WorkOrder
	vehicle hub.Vehicle
	steps   []hub.StatusChange
	lines   []hub.WorkOrderLine
	report  reportData
	sent    bool // the inspection was sent: the report shows
}

// loadOrder reads the work order of a thread.
func loadOrder(ctx context.Context, st *store.Store, workOrderID int64) (orderData, error) {
	var d orderData
	var err error
	if d.order, err = st.WorkOrder(ctx, workOrderID); err != nil {
		return d, err
	}
	if d.order.VehicleID != nil {
		if d.vehicle, err = st.Vehicle(ctx, *d.order.VehicleID); err != nil {
			return d, err
		}
	}
	if d.steps, err = st.StatusHistory(ctx, workOrderID); err != nil {
		return d, err
	}
	if d.lines, err = st.Lines(ctx, workOrderID); err != nil {
		return d, err
	}
	d.report, d.sent, err = loadReport(ctx, st, workOrderID)
	return d, err
}

// order builds the work-order part from the database; the thread of a lead
// has none.
func (l *loader) order(ctx context.Context, csrf string) (orderView, error) {
	if l.v.thread.WorkOrderID == nil {
		return orderView{T: l.t(), Base: l.v.base, CSRF: csrf}, nil
	}
	d, err := loadOrder(ctx, l.st, *l.v.thread.WorkOrderID)
	if err != nil {
		return orderView{}, err
	}
	return l.orderView(d, csrf), nil
}

// orderView words the work-order section for this viewer.
func (l *loader) orderView(d orderData, csrf string) orderView {
	w := d.order
	totalMinor, provisional := hub.CustomerTotal(w, d.lines, nil)
	o := orderView{T: l.t(), Base: l.v.base, CSRF: csrf, Number: w.Number, StatusKey: w.Status,
		Status: statusNames[l.locale][w.Status], Vehicle: hub.WithoutDirectionOverrides(d.vehicle.Title()), Version: w.Version,
		Total: l.money(totalMinor, w.Currency), TotalMinor: totalMinor, MoneySample: l.money(123456789, w.Currency),
		Provisional: provisional, Paid: w.Paid}
	if w.PromisedAt != nil {
		o.Promised = l.when(*w.PromisedAt)
	}
	for _, s := range d.steps {
		if name := statusNames[l.locale][s.Status]; name != "" {
			o.Timeline = append(o.Timeline, stepView{Name: name, At: l.when(s.ChangedAt)})
		}
	}
	var byCode map[string]*itemView
	if d.sent {
		o.Report, byCode = l.report(d.report)
		o.reportID, o.openedAt = d.report.insp.ID, d.report.insp.CustomerOpenedAt
	}
	for _, line := range d.lines {
		if !line.NeedsApproval {
			continue
		}
		lv := lineView{ID: line.ID, Name: hub.WithoutDirectionOverrides(line.Name), Qty: templates.Quantity(l.locale, line.QtyMilli), Price: l.money(line.UnitPriceMinor, w.Currency),
			Total: l.money(line.TotalMinor, w.Currency), TotalMinor: line.TotalMinor, Decision: line.Decision}
		if line.InspectionItem != "" {
			lv.Item = byCode[line.InspectionItem]
		}
		if line.Kind == hub.LineRecommendation {
			lv.IfApproved = line.TotalMinor
		} else {
			lv.IfDeclined = -line.TotalMinor
		}
		if line.Decision == "" {
			o.Pending = append(o.Pending, lv)
			continue
		}
		lv.DecisionText = l.t()[line.Decision]
		o.Decided = append(o.Decided, lv)
	}
	sortByUrgency(o.Pending)
	o.Steps = l.progress(w.Status, d.report.insp, len(o.Pending) > 0, len(o.Decided) > 0)
	return o
}

// visibleToCustomer: notes and system entries are for staff only.
func visibleToCustomer(m hub.Message) bool {
	// A WhatsApp message not decrypted yet shows once it is (the
	// customer knows what they wrote; a stand-in would only puzzle them).
	return (m.Direction == hub.DirectionIn || m.Direction == hub.DirectionOut) && !m.Unreadable
}

func (l *loader) message(m hub.Message, files []hub.Attachment) messageView {
	mv := messageView{ID: m.ID, Mine: m.Direction == hub.DirectionIn, Body: m.Body, At: l.when(m.CreatedAt)}
	// The page is a chat, not a copy of the SMS log: no delivery states,
	// and no link to the very page the customer is reading.
	if mv.Mine {
		mv.Author = l.t()["you"]
	} else {
		mv.Author = l.branch.Name
		mv.Body = withoutSender(withoutPageLinks(m.Body), l.branch.Name)
		mv.Delivery = m.Delivery
	}
	for _, a := range files {
		mv.Files = append(mv.Files, l.file(a))
	}
	return mv
}

func (l *loader) file(a hub.Attachment) fileView {
	return fileView{ID: a.ID, Invoice: a.DocKind == hub.DocInvoice, Name: a.Name, ContentType: a.ContentType, URL: fmt.Sprintf("%s/files/%d", l.v.base, a.ID),
		IsImage: attachment.Picture(a.ContentType)}
}

// conversation builds the messages (oldest first) and the documents list.
func (l *loader) conversation(ctx context.Context) ([]messageView, []fileView, error) {
	msgs, err := l.st.Messages(ctx, l.v.thread.ID)
	if err != nil {
		return nil, nil, err
	}
	files, err := l.st.CustomerAttachments(ctx, l.v.thread.ID)
	if err != nil {
		return nil, nil, err
	}
	revoked, err := l.st.RevokedMessageIDs(ctx, l.v.thread.ID)
	if err != nil {
		return nil, nil, err
	}
	byMessage := map[int64][]hub.Attachment{}
	for _, a := range files {
		byMessage[a.MessageID] = append(byMessage[a.MessageID], a)
	}
	var out []messageView
	var docs []fileView
	for _, m := range msgs {
		if !visibleToCustomer(m) || revoked[m.ID] { // deleted in WhatsApp: kept for staff only
			continue
		}
		out = append(out, l.message(m, byMessage[m.ID]))
		if m.Direction == hub.DirectionOut {
			for _, a := range byMessage[m.ID] {
				docs = append(docs, l.file(a))
			}
		}
	}
	// The invoice first: it is what the customer looks for when paying.
	slices.SortStableFunc(docs, func(a, b fileView) int {
		switch {
		case a.Invoice == b.Invoice:
			return 0
		case a.Invoice:
			return -1
		}
		return 1
	})
	return out, docs, nil
}
