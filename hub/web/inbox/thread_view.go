package inbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/attachment"
	"naryad/hub/web/staffpage"
	"naryad/templates"
)

// threadPage is everything the thread page shows.
type threadPage struct {
	Frame        staffpage.Frame
	CSRF         string
	Draft        string         // the reply box's text, filled by the template picker
	Templates    []pickerOption // the templates the picker offers, by name with a preview
	Picked       string
	T            map[string]string
	Error        string // a known error key's words, after a refused form
	Thread       hub.Thread
	URL          string // /inbox/threads/<id>
	Customer     string
	BranchCode   string
	Assignee     string
	Me           int64
	Colleagues   []store.User // the advisors and admins a thread may be given to
	MeAssignable bool         // the reader may take the thread (not a mechanic)
	Resolved     bool
	Messages     []messageView
	Order        *orderCard    // nil for a lead
	Quote        *messageView  // the customer message the reply answers (?quote=<id>)
	WhatsApp     bool          // the thread runs on WhatsApp: quotes and "typing…"
	Pay          *payCard      // the Payments card (payments_card.go); nil without Payments or a work order
	Insp         *inspCard     // the inspection card (inspection_advisor.go); nil when there is nothing to show
	Loan         *loanCard     // the courtesy-car card (loan_card.go); nil without a work order
	List         listPane      // the thread list beside the conversation (inbox_pane.go)
	Side         *customerCard // the side panel's customer (thread_side.go); nil for an unknown one
	Channel      string        // the thread's channel for its icon
	PhoneText    string        // the thread's number grouped for reading
	Assign       *assignLine   // the latest assignment, observers, follow (assign_card.go)
}

type messageView struct {
	ID                int64
	Direction, Author string
	Body, At          string
	Internal          bool   // a note or a system line: never shown to the customer
	Unreadable        bool   // a WhatsApp message not decrypted yet: a stand-in (see hub.Message)
	Delivery          string // outgoing only
	Error             string // why it failed or is late
	Failed            bool
	Files             []fileView
	marks             // whatsapp_marks.go: quote, reactions, edit, deletion
}

type fileView struct {
	Name, URL string // no URL when the inbox has no media store
	IsImage   bool
}

type orderCard struct {
	Number, Status, Vehicle, VIN, Promised string
	StatusKey                              string // hub status, for its colour
	Total                                  string // what the customer's page shows: their answers applied
	DMSTotal                               string // the DMS's own total, only while it differs from Total
	Lines                                  []lineRow
}

type lineRow struct {
	Kind, Name, Qty, Price, Total string
	Approval                      string // "", pending, approved, declined
}

// withThread resolves :id to a thread of the user's branches before fn runs;
// any other thread is 404, as is a missing one (the store scopes the query).
func (h *Handler) withThread(fn func(c *fiber.Ctx, s staff.Staff, th hub.Thread) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s, _ := staff.Current(c)
		id, err := c.ParamsInt("id")
		if err != nil || id <= 0 {
			return notFound(c)
		}
		ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
		defer cancel()
		c.SetUserContext(ctx)
		th, err := h.store.ThreadForStaff(ctx, s.BranchIDs, int64(id))
		if errors.Is(err, store.ErrNotFound) {
			return notFound(c)
		}
		if err != nil {
			return h.Internal(c, "load thread", err)
		}
		return fn(c, s, th)
	}
}

// errKeyOf is the error the thread page shows: a refused form's in this
// request (refuseThread), else ?err= after a redirect.
func errKeyOf(c *fiber.Ctx) string {
	if k, ok := c.Locals(threadErrKey{}).(string); ok {
		return k
	}
	return c.Query("err")
}

func notFound(c *fiber.Ctx) error {
	return c.Status(fiber.StatusNotFound).SendString("Not found")
}

// show is GET /inbox/threads/:id: the conversation, the work-order card and
// the composer. Opening it marks the thread read for the user.
func (h *Handler) show(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	return h.showThread(c, s, th, fiber.StatusOK, nil)
}

// showThread renders the thread page with status; refused, when set, is a
// refused payments form shown again with its problem and what was typed.
func (h *Handler) showThread(c *fiber.Ctx, s staff.Staff, th hub.Thread, status int, refused *payRefusal) error {
	ctx := c.UserContext()
	locale := staffpage.Locale(c, texts)
	t := texts[locale]
	branch, err := h.store.Branch(ctx, th.BranchID)
	if err != nil {
		return h.Internal(c, "load branch", err)
	}
	p := threadPage{T: t, CSRF: s.CSRF, Thread: th, Me: s.User.ID,
		URL: threadURL(th.ID), BranchCode: branch.Code, MeAssignable: store.Assignable(s.User.Role), Resolved: th.State == hub.ThreadResolved,
		Error: t["err_"+errKeyOf(c)]}
	if p.Messages, err = h.conversation(ctx, s, th, locale, branch.Location()); err != nil {
		return h.Internal(c, "load conversation", err)
	}
	if n := len(p.Messages); n > 0 {
		if err := h.store.MarkThreadRead(ctx, s.User.ID, th.ID, p.Messages[n-1].ID); err != nil {
			return h.Internal(c, "mark read", err)
		}
	}
	if err := h.whatsAppView(ctx, c, th, &p); err != nil {
		return h.Internal(c, "load quotes and reactions", err)
	}
	if th.CustomerID != nil {
		cu, err := h.store.Customer(ctx, *th.CustomerID)
		if err != nil {
			return h.Internal(c, "load customer", err)
		}
		p.Customer = cu.Name
	}
	colleagues, err := h.store.BranchStaff(ctx, th.BranchID)
	if err != nil {
		return h.Internal(c, "load colleagues", err)
	}
	for _, u := range colleagues {
		if th.AssigneeID != nil && u.ID == *th.AssigneeID {
			p.Assignee = staffpage.DisplayName(u)
		}
		if store.Assignable(u.Role) {
			p.Colleagues = append(p.Colleagues, u) // the picker offers only who may answer customers
		}
	}
	if err := h.addAssignLine(ctx, c, s, th, branch.Location(), &p); err != nil {
		return h.Internal(c, "load assignment", err)
	}
	if th.WorkOrderID != nil {
		card, err := h.orderCard(ctx, *th.WorkOrderID, locale, branch.Location())
		if err != nil {
			return h.Internal(c, "load work order", err)
		}
		p.Order = &card
		if h.payments != nil {
			w, err := h.store.WorkOrder(ctx, *th.WorkOrderID)
			if err != nil {
				return h.Internal(c, "load work order", err)
			}
			if p.Pay, err = h.payCard(ctx, s, th, w, locale, branch.Location(), refused); err != nil {
				return h.Internal(c, "load payments", err)
			}
		}
	}
	if h.texts != nil {
		p.Picked = c.Query("template")
		if p.Templates, err = h.pickerOptions(ctx, th, branch, locale); err != nil {
			return h.Internal(c, "template picker", err)
		}
		if p.Draft, err = h.draft(ctx, th, branch, p.Picked); err != nil {
			h.Log.Warn("inbox template picker", "thread_id", th.ID, "template", p.Picked, "error", err)
		}
	}
	if p.List, err = h.loadListPane(ctx, c, s, locale, th.ID); err != nil {
		return h.Internal(c, "list threads", err)
	}
	if p.Side, err = h.customerCard(ctx, s, th, locale, branch.Location()); err != nil {
		return h.Internal(c, "load customer panel", err)
	}
	p.Channel, p.PhoneText = th.Channel, hub.DisplayPhone(th.Phone)
	p.Frame = h.Frame(c, locale, cmp.Or(p.Customer, th.Phone)+" · "+t["inbox"])
	p.Frame.Scripts, p.Frame.Events, p.Frame.Back = inboxScripts, eventsURL(c), &staffpage.Link{URL: "/inbox", Label: t["back"]}
	if err := h.addInspectionCard(c, s, th, branch.Location(), locale, &p); err != nil {
		return h.Internal(c, "load inspection", err)
	}
	if err := h.addLoanCard(c, s, th, branch, locale, &p); err != nil {
		return h.Internal(c, "load courtesy car", err)
	}
	return h.Render(c, status, "thread.html", p)
}

// conversation lists every message of the thread, oldest first, with its
// files; system lines in the viewer's language.
func (h *Handler) conversation(ctx context.Context, s staff.Staff, th hub.Thread, locale string, loc *time.Location) ([]messageView, error) {
	msgs, err := h.store.Messages(ctx, th.ID)
	if err != nil {
		return nil, err
	}
	files, err := h.store.StaffAttachments(ctx, s.BranchIDs, th.ID)
	if err != nil {
		return nil, err
	}
	byMessage := map[int64][]fileView{}
	for _, a := range files {
		f := fileView{Name: a.Name, IsImage: attachment.Picture(a.ContentType)}
		if h.media != nil {
			f.URL = fmt.Sprintf("%s/files/%d", threadURL(th.ID), a.ID)
		}
		byMessage[a.MessageID] = append(byMessage[a.MessageID], f)
	}
	out := make([]messageView, len(msgs))
	for i, m := range msgs {
		out[i] = messageView{ID: m.ID, Direction: m.Direction, Author: m.Author, Body: m.Text(locale),
			At: templates.DateTime(locale, m.CreatedAt.In(loc)), Files: byMessage[m.ID],
			Internal: m.Direction == hub.DirectionNote || m.Direction == hub.DirectionSystem, Unreadable: m.Unreadable}
		if m.Direction == hub.DirectionOut {
			out[i].Delivery, out[i].Error, out[i].Failed = m.Delivery, m.Error, m.Delivery == hub.DeliveryFailed
		}
	}
	return out, nil
}

// orderCard is the work order beside the chat: every line, not only those
// awaiting approval. Its total is the customer's (hub.CustomerTotal),
// so the advisor quotes the figure the customer was shown; while the DMS's
// own total differs, the card names it too, since that is what the DMS shows.
func (h *Handler) orderCard(ctx context.Context, workOrderID int64, locale string, loc *time.Location) (orderCard, error) {
	w, err := h.store.WorkOrder(ctx, workOrderID)
	if err != nil {
		return orderCard{}, err
	}
	t := texts[locale]
	card := orderCard{Number: w.Number, Status: t["s_"+w.Status], StatusKey: w.Status}
	if card.Status == "" {
		card.Status = w.RawStatus
	}
	if w.PromisedAt != nil {
		card.Promised = templates.DateTime(locale, w.PromisedAt.In(loc))
	}
	if w.VehicleID != nil {
		v, err := h.store.Vehicle(ctx, *w.VehicleID)
		if err != nil {
			return orderCard{}, err
		}
		card.Vehicle, card.VIN = v.Title(), v.VIN
	}
	lines, err := h.store.Lines(ctx, workOrderID)
	if err != nil {
		return orderCard{}, err
	}
	total, _ := hub.CustomerTotal(w, lines, nil)
	card.Total = money(locale, total, w.Currency)
	if total != w.TotalMinor {
		card.DMSTotal = money(locale, w.TotalMinor, w.Currency)
	}
	for _, l := range lines {
		r := lineRow{Kind: t["k_"+l.Kind], Name: l.Name, Qty: templates.Quantity(locale, l.QtyMilli),
			Price: money(locale, l.UnitPriceMinor, w.Currency), Total: money(locale, l.TotalMinor, w.Currency)}
		if l.NeedsApproval {
			r.Approval = cmp.Or(l.Decision, "pending")
		}
		card.Lines = append(card.Lines, r)
	}
	return card, nil
}

// file is GET /inbox/threads/:id/files/:fid: any file of the thread, notes'
// included; the store scopes it to the user's branches.
func (h *Handler) file(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	fid, err := c.ParamsInt("fid")
	if err != nil || fid <= 0 || h.media == nil {
		return notFound(c)
	}
	a, err := h.store.StaffAttachment(c.UserContext(), s.BranchIDs, th.ID, int64(fid))
	if errors.Is(err, store.ErrNotFound) {
		return notFound(c)
	}
	if err != nil {
		return h.Internal(c, "load attachment", err)
	}
	if err := attachment.Send(c, h.media, a); err != nil {
		return h.Internal(c, "send attachment", err)
	}
	return nil
}

func threadURL(id int64) string { return fmt.Sprintf("/inbox/threads/%d", id) }

// money formats minor units in the page's locale; an unknown currency
// falls back to plain digits rather than failing the page.
func money(locale string, minor int64, currency string) string {
	s, err := templates.Money(locale, minor, currency)
	if err != nil {
		sign := ""
		if minor < 0 {
			sign, minor = "-", -minor
		}
		s = fmt.Sprintf("%s%d.%02d %s", sign, minor/100, minor%100, currency)
	}
	return strings.ReplaceAll(s, " ", "\u00a0")
}
