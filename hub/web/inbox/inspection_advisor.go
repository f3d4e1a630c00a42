package inbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
	"naryad/templates"
)

// The inspection card on the thread page (views/inspection_card.html): the
// mechanic's inspection grouped red, yellow, green and not checked, where
// an advisor corrects a note, hides an item from the customer and the DMS,
// and sends it to 1C; and the vehicle's work declined on earlier orders.
// Photos are linked at /inspection/media/<id>[/thumb], served by the
// mechanic's part (inspection_mechanic*.go).

// inspCard is the card. nil on the page: no inspection and no open
// declined work.
type inspCard struct {
	T        map[string]string
	URL      string // the thread's, for the forms
	CSRF     string
	CanEdit  bool // an advisor or an admin
	Started  bool // the mechanic opened the inspection
	Mechanic string
	SentAt   string // "" while never sent
	SentBy   string
	Edited   bool   // sent, and edited since
	CanSend  bool   // CanEdit, and holds what the DMS has not got
	OpenedAt string // when the customer first opened the sent report
	Notice   string // after a send
	Problem  string // why the last form was refused; nothing was stored
	Groups   []inspGroup
	Declined []declinedRow
}

// inspGroup is the items of one state; the unchecked group is folded.
type inspGroup struct {
	State, Title string
	Folded       bool
	Items        []inspItemRow
}

type inspItemRow struct {
	ID      int64
	Name    string // in the staff's language when the checklist has it
	Value   string // the measurement with its unit, as the staff's language writes it
	Note    string // as stored, or as typed after a refusal
	Hidden  bool
	Media   []inspMediaRow
	Problem string // a refusal of this item's form
}

type inspMediaRow struct {
	URL, Thumb, Name string // Thumb "": no small picture (a video, HEIC)
}

type declinedRow struct {
	Name, State, Note, Number, At, Total string
	StateText                            string // the state's shared word; "" for an unknown state
}

// inspRefusal is a refused item form, shown again on the page (400).
type inspRefusal struct {
	ItemID  int64
	Problem string
	Note    string
}

// inspRefusalKey keeps an inspRefusal in the request's locals for the
// card; its own type, so no other local clashes with it.
type inspRefusalKey struct{}

// registerInspectionCard adds the card's routes (one line in Register).
func (h *Handler) registerInspectionCard(routes staffpage.Routes) {
	desk := routes.For(store.RoleAdvisor, store.RoleAdmin)
	const base = "/inbox/threads/:id/inspection"
	desk.Post(base+"/items/:item", h.withInspection(h.editInspectionItem))
	desk.Post(base+"/send", h.withInspection(h.sendInspection))
}

// addInspectionCard loads the card of a work-order thread into p.
func (h *Handler) addInspectionCard(c *fiber.Ctx, s staff.Staff, th hub.Thread, loc *time.Location, locale string, p *threadPage) error {
	if th.WorkOrderID == nil {
		return nil
	}
	ctx := c.UserContext()
	t := inspTexts[locale]
	card := &inspCard{T: t, URL: threadURL(th.ID), CSRF: s.CSRF,
		CanEdit: s.User.Role == store.RoleAdvisor || s.User.Role == store.RoleAdmin}
	w, err := h.store.WorkOrder(ctx, *th.WorkOrderID)
	if err != nil {
		return err
	}
	if w.VehicleID != nil {
		if card.Declined, err = h.declinedRows(ctx, *w.VehicleID, w.ID, locale, loc); err != nil {
			return err
		}
	}
	insp, err := h.store.InspectionOf(ctx, w.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if len(card.Declined) == 0 {
			return nil
		}
	case err != nil:
		return err
	default:
		refused, _ := c.Locals(inspRefusalKey{}).(*inspRefusal)
		if err := h.fillInspection(ctx, card, insp, loc, locale, refused); err != nil {
			return err
		}
		if refused != nil && refused.ItemID == 0 {
			card.Problem = refused.Problem
		}
		if c.Query("insp") == "sent" {
			card.Notice = t["sent_now"]
		}
	}
	p.Insp = card
	// Clipped: the frame's list is the surface's, shared by every page.
	p.Frame.Styles = append(slices.Clip(p.Frame.Styles), "inspection_card.css")
	return nil
}

// fillInspection puts the inspection's state and items on the card.
func (h *Handler) fillInspection(ctx context.Context, card *inspCard, insp hub.Inspection, loc *time.Location, locale string, refused *inspRefusal) error {
	card.Started, card.Mechanic = true, insp.StartedBy
	if insp.Sent() && insp.SentAt != nil {
		card.SentAt, card.SentBy = insp.SentAt.In(loc).Format("02.01.2006 15:04"), insp.SentBy
		card.Edited = insp.Unsent()
	}
	if insp.CustomerOpenedAt != nil {
		card.OpenedAt = insp.CustomerOpenedAt.In(loc).Format("02.01.2006 15:04")
	}
	card.CanSend = card.CanEdit && insp.Unsent()
	items, err := h.store.InspectionItems(ctx, insp.ID)
	if err != nil {
		return err
	}
	media, err := h.store.InspectionMediaOf(ctx, insp.ID)
	if err != nil {
		return err
	}
	checklist, err := h.store.Checklist(ctx, insp.BranchID)
	if err != nil {
		return fmt.Errorf("checklist of branch %d: %w", insp.BranchID, err)
	}
	byItem := map[int64][]inspMediaRow{}
	for _, m := range media {
		r := inspMediaRow{URL: fmt.Sprintf("/inspection/media/%d", m.ID), Name: m.Name}
		if m.ThumbSHA256 != "" {
			r.Thumb = r.URL + "/thumb"
		}
		byItem[m.ItemID] = append(byItem[m.ItemID], r)
	}
	// Worst first: what the advisor prices and explains comes on top; the
	// items not looked at last, folded.
	index := map[string]int{}
	for _, st := range hub.StatesWorstFirst() {
		index[st] = len(card.Groups)
		card.Groups = append(card.Groups, inspGroup{State: st, Title: templates.StateWord(locale, st)})
	}
	unchecked := len(card.Groups)
	card.Groups = append(card.Groups, inspGroup{State: "none", Title: templates.StateWord(locale, ""), Folded: true})
	for _, it := range items {
		row := inspItemRow{ID: it.ID, Name: hub.ItemName(it, checklist, locale), Value: templates.Measurement(locale, it.Value, it.Unit),
			Note: it.Note, Hidden: it.Hidden, Media: byItem[it.ID]}
		if refused != nil && refused.ItemID == it.ID {
			row.Problem, row.Note = refused.Problem, refused.Note
		}
		g, ok := index[it.State]
		if !ok {
			g = unchecked
		}
		card.Groups[g].Items = append(card.Groups[g].Items, row)
	}
	return nil
}

// declinedRows are the vehicle's open declined work of its other orders.
func (h *Handler) declinedRows(ctx context.Context, vehicleID, workOrderID int64, locale string, loc *time.Location) ([]declinedRow, error) {
	list, err := h.store.OpenDeclinedWork(ctx, vehicleID, workOrderID)
	if err != nil {
		return nil, err
	}
	numbers := map[int64]string{}
	out := make([]declinedRow, 0, len(list))
	for _, d := range list {
		number, ok := numbers[d.WorkOrderID]
		if !ok {
			w, err := h.store.WorkOrder(ctx, d.WorkOrderID)
			if err != nil {
				return nil, err
			}
			number, numbers[d.WorkOrderID] = w.Number, w.Number
		}
		r := declinedRow{Name: d.Name, State: d.State, Note: d.Note, Number: number,
			At: d.DeclinedAt.In(loc).Format("02.01.2006")}
		if slices.Contains(hub.StatesWorstFirst(), d.State) {
			r.StateText = templates.StateWord(locale, d.State)
		} else {
			r.State = ""
		}
		if d.TotalMinor > 0 {
			r.Total = money(locale, d.TotalMinor, d.Currency)
		}
		out = append(out, r)
	}
	return out, nil
}
