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
	Version  int64  // the work order's version shown; the confirm carries it back
	Notice   string // set when the estimate changed since the customer last saw it
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
		return h.showReview(c, v, false)
	})
}

// showReview shows the posted choices against the estimate as it is stored
// now, with the total they make. The form names the version of the work
// order the customer was looking at; when that is not the stored one, a
// notice asks them to check the new figures. refused marks a confirm that
// was not stored for that reason: the answer is then 409, and the review
// always carries the notice.
func (h *Handler) showReview(c *fiber.Ctx, v visit, refused bool) error {
	if v.thread.WorkOrderID == nil {
		return back(c, v, "err", "nothing_to_decide")
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	l, err := h.loader(ctx, v, c.Get(fiber.HeaderAcceptLanguage))
	if err != nil {
		return h.internal(c, "load", err)
	}
	d, err := loadOrder(ctx, h.store, *v.thread.WorkOrderID)
	if err != nil {
		return h.internal(c, "load order", err)
	}
	w, csrf := d.order, c.FormValue("csrf")
	o := l.orderView(d, csrf)
	if len(o.Pending) == 0 {
		return back(c, v, "err", "nothing_to_decide")
	}
	changed := refused || (c.FormValue("version") != "" && !sameVersion(c, w.Version))
	picked, ok := choices(c, o.Pending)
	if !ok && changed {
		// A line to decide arrived since: the page asks for every choice.
		return back(c, v, "err", "estimate_changed")
	}
	if !ok {
		return back(c, v, "err", "choose")
	}
	newTotal, _ := hub.CustomerTotal(w, d.lines, picked)
	view := reviewView{T: l.t(), Locale: l.locale, Base: v.base, CSRF: csrf, Version: w.Version,
		NewTotal: l.money(newTotal, w.Currency)}
	if changed {
		view.Notice = l.t()["estimate_changed"]
	}
	for _, p := range o.Pending {
		p.Decision = picked[p.ID]
		p.DecisionText = l.t()[p.Decision]
		view.Lines = append(view.Lines, p)
	}
	status := fiber.StatusOK
	if refused {
		status = fiber.StatusConflict
	}
	return h.render(c, status, "review.html", view)
}

// sameVersion tells whether the form was filled in on this version of the
// work order (its "version" field). A form without one counts as another
// version: nothing tells what its customer saw.
func sameVersion(c *fiber.Ctx, version int64) bool {
	seen, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	return err == nil && seen == version
}

// decide is POST /c/<token>/estimate: the confirmed decisions, stored with
// their evidence; final once stored. They are stored only against the
// version of the work order the customer reviewed: after the DMS changed
// it, the review is shown again with the new figures.
func (h *Handler) decide(c *fiber.Ctx) error {
	return h.withVisit(c, false, func(v visit) error {
		if !h.checkForm(c, v) {
			return c.Status(fiber.StatusForbidden).SendString("This form has expired. Reload the page and try again.")
		}
		if v.thread.WorkOrderID == nil {
			return back(c, v, "err", "nothing_to_decide")
		}
		decisions, ok := postedDecisions(c)
		if !ok {
			return back(c, v, "err", "choose")
		}
		ctx, cancel := context.WithTimeout(c.UserContext(), 15*time.Second)
		defer cancel()
		w, err := h.store.WorkOrder(ctx, *v.thread.WorkOrderID)
		if err != nil {
			return h.internal(c, "load order", err)
		}
		if !sameVersion(c, w.Version) {
			return h.showReview(c, v, true)
		}
		lines, err := h.store.Lines(ctx, w.ID)
		if err != nil {
			return h.internal(c, "load lines", err)
		}
		if !answersAll(lines, decisions) {
			return back(c, v, "err", "choose")
		}
		// DecideLines checks the version again under lock: the DMS may
		// store a newer one between the read above and the transaction.
		_, err = h.store.DecideLines(ctx, w, v.thread, decisions, store.Evidence{
			By: "customer", IP: c.IP(), UserAgent: string(c.Request().Header.UserAgent()), At: time.Now(),
		})
		switch {
		case errors.Is(err, store.ErrEstimateChanged):
			return h.showReview(c, v, true)
		case errors.Is(err, store.ErrDecided):
			return back(c, v, "err", "decided_already")
		case err != nil:
			return h.internal(c, "decide", err)
		}
		h.keepInspectionReport(c, v, w)
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

// answersAll tells whether decisions answer every line still waiting, as
// the review's form always does. A forged confirm of only some would keep
// the version's one inspection report with the others undecided; the
// lines cannot change before DecideLines without a new version, which it
// refuses.
func answersAll(lines []hub.WorkOrderLine, decisions []store.Decision) bool {
	answered := make(map[int64]bool, len(decisions))
	for _, d := range decisions {
		answered[d.LineID] = true
	}
	for _, l := range lines {
		if l.NeedsApproval && l.Decision == "" && !answered[l.ID] {
			return false
		}
	}
	return true
}
