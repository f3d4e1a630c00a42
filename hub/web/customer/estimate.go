package customer

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
)

// choices reads the form's decisions (line_<id>=approved|declined, or
// all=approved) against the lines that still wait. ok is false when a
// waiting line has no decision.
func choices(c *fiber.Ctx, pending []lineView) (map[int64]string, bool) {
	all := c.FormValue("all")
	out := make(map[int64]string, len(pending))
	for _, l := range pending {
		d := c.FormValue("line_" + strconv.FormatInt(l.ID, 10))
		if all == hub.DecisionApproved {
			d = hub.DecisionApproved
		}
		if d != hub.DecisionApproved && d != hub.DecisionDeclined {
			return nil, false
		}
		out[l.ID] = d
	}
	return out, true
}

// reviewView is the confirmation step: each decision and the new total.
type reviewView struct {
	T        map[string]string
	Locale   string
	Base     string
	CSRF     string
	Lines    []lineView
	NewTotal string
}

// reviewEstimate is POST /c/<token>/estimate/review: it shows the decisions
// and the new total before anything is stored.
func (h *Handler) reviewEstimate(c *fiber.Ctx) error {
	return h.withVisit(c, false, func(v visit) error {
		if !h.checkForm(c, v) {
			return c.Status(fiber.StatusForbidden).SendString("This form has expired. Reload the page and try again.")
		}
		ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
		defer cancel()
		l, err := h.loader(ctx, v, c.Get(fiber.HeaderAcceptLanguage))
		if err != nil {
			return h.internal(c, "load", err)
		}
		o, err := l.order(ctx, c.FormValue("csrf"))
		if err != nil {
			return h.internal(c, "load order", err)
		}
		if len(o.Pending) == 0 {
			return back(c, v, "err", "nothing_to_decide")
		}
		picked, ok := choices(c, o.Pending)
		if !ok {
			return back(c, v, "err", "choose")
		}
		w, err := h.store.WorkOrder(ctx, *v.thread.WorkOrderID)
		if err != nil {
			return h.internal(c, "load order", err)
		}
		lines, err := h.store.Lines(ctx, w.ID)
		if err != nil {
			return h.internal(c, "load lines", err)
		}
		total := newTotal(w.TotalMinor, lines, picked)
		view := reviewView{T: l.t(), Locale: l.locale, Base: v.base, CSRF: c.FormValue("csrf"), NewTotal: l.money(total, w.Currency)}
		for _, p := range o.Pending {
			p.Decision = picked[p.ID]
			p.DecisionText = l.t()[p.Decision]
			view.Lines = append(view.Lines, p)
		}
		return h.render(c, fiber.StatusOK, "review.html", view)
	})
}

// newTotal is the order total once the decisions apply: declined work
// leaves it, approved recommendations join it.
func newTotal(total int64, lines []hub.WorkOrderLine, picked map[int64]string) int64 {
	for _, l := range lines {
		d, ok := picked[l.ID]
		if !ok {
			continue
		}
		switch {
		case d == hub.DecisionDeclined && l.Kind != hub.LineRecommendation:
			total -= l.TotalMinor
		case d == hub.DecisionApproved && l.Kind == hub.LineRecommendation:
			total += l.TotalMinor
		}
	}
	return total
}

// decide is POST /c/<token>/estimate: the confirmed decisions, stored with
// their evidence; final once stored.
func (h *Handler) decide(c *fiber.Ctx) error {
	return h.withVisit(c, false, func(v visit) error {
		if !h.checkForm(c, v) {
			return c.Status(fiber.StatusForbidden).SendString("This form has expired. Reload the page and try again.")
		}
		if v.thread.WorkOrderID == nil {
			return back(c, v, "err", "nothing_to_decide")
		}
		ctx, cancel := context.WithTimeout(c.UserContext(), 15*time.Second)
		defer cancel()
		w, err := h.store.WorkOrder(ctx, *v.thread.WorkOrderID)
		if err != nil {
			return h.internal(c, "load order", err)
		}
		decisions, ok := postedDecisions(c)
		if !ok {
			return back(c, v, "err", "choose")
		}
		_, err = h.store.DecideLines(ctx, w, v.thread, decisions, store.Evidence{
			By: "customer", IP: c.IP(), UserAgent: string(c.Request().Header.UserAgent()), At: time.Now(),
		})
		if errors.Is(err, store.ErrDecided) {
			return back(c, v, "err", "decided_already")
		}
		if err != nil {
			return h.internal(c, "decide", err)
		}
		return back(c, v, "ok", "thanks")
	})
}

// postedDecisions reads line_<id>=approved|declined fields; ok is false for
// none at all or for any other value.
func postedDecisions(c *fiber.Ctx) ([]store.Decision, bool) {
	var out []store.Decision
	ok := true
	c.Request().PostArgs().VisitAll(func(key, value []byte) {
		id, found := strings.CutPrefix(string(key), "line_")
		if !found {
			return
		}
		lineID, err := strconv.ParseInt(id, 10, 64)
		d := string(value)
		if err != nil || (d != hub.DecisionApproved && d != hub.DecisionDeclined) {
			ok = false
			return
		}
		out = append(out, store.Decision{LineID: lineID, Decision: d})
	})
	return out, ok && len(out) > 0
}
