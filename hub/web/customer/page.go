package customer

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// flashes are the outcomes a redirect may report (?ok= or ?err=), keyed to
// page texts, so no visitor-supplied text is ever echoed.
var flashes = map[string]bool{
	"sent_ok": true, "thanks": true, "empty": true, "file_too_big": true, "file_type": true,
	"decided_already": true, "nothing_to_decide": true, "choose": true, "estimate_changed": true,
	"pay_gone": true,
}

// page is GET /c/<token>: the whole customer page.
func (h *Handler) page(c *fiber.Ctx) error {
	return h.withVisit(c, false, func(v visit) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
		defer cancel()
		session, err := h.ensureSession(c, v)
		if err != nil {
			return h.internal(c, "session", err)
		}
		view, err := h.pageView(ctx, c, v, session)
		if err != nil {
			return h.internal(c, "load page", err)
		}
		h.markOpened(ctx, view.Order)
		return h.render(c, fiber.StatusOK, "page.html", view)
	})
}

// markOpened records that the customer saw the report o shows, the first
// time: on the page, or live when it reaches an open page over the event
// stream. The advisor sees when the customer first looked; a failure here
// must not cost the customer the page.
func (h *Handler) markOpened(ctx context.Context, o orderView) {
	if id := o.reportID; id != 0 && o.openedAt == nil {
		if err := h.store.MarkInspectionOpened(ctx, id); err != nil && h.log != nil {
			h.log.Warn("customer page: mark inspection opened", "inspection_id", id, "err", err)
		}
	}
}

func (h *Handler) pageView(ctx context.Context, c *fiber.Ctx, v visit, session string) (pageView, error) {
	// The event position is read first: anything that happens while the
	// page is built arrives again over SSE, never falls between the two.
	last, err := h.store.LastEventID(ctx)
	if err != nil {
		return pageView{}, err
	}
	l, err := h.loader(ctx, v, c.Get(fiber.HeaderAcceptLanguage))
	if err != nil {
		return pageView{}, err
	}
	csrf := h.csrfToken(session)
	view := pageView{T: l.t(), Locale: l.locale, Base: v.base, CSRF: csrf, FormKey: newFormKey(), Branch: l.branch, LastEvent: last, UploadMax: h.uploadMax}
	if key := c.Query("ok"); flashes[key] {
		view.Flash = l.t()[key]
	}
	if key := c.Query("err"); flashes[key] {
		view.Error = l.t()[key]
	}
	if view.Order, err = l.order(ctx, csrf); err != nil {
		return view, err
	}
	if view.Messages, view.Documents, err = l.conversation(ctx); err != nil {
		return view, err
	}
	if view.Order.Pay, err = h.payBlock(ctx, l, csrf); err != nil {
		return view, err
	}
	return view, nil
}

// expiredPage tells the customer the link is over and how to reach the
// branch, without showing anything of the thread.
func (h *Handler) expiredPage(c *fiber.Ctx, v visit) error {
	b, err := h.store.Branch(c.UserContext(), v.thread.BranchID)
	if err != nil {
		return h.internal(c, "load branch", err)
	}
	locale := pickLocale("", c.Get(fiber.HeaderAcceptLanguage), b.Locale)
	return h.render(c, fiber.StatusGone, "expired.html", map[string]any{"T": texts[locale], "Locale": locale, "Branch": b})
}

// back redirects to the page after a form (post-redirect-get), with an
// outcome key.
func back(c *fiber.Ctx, v visit, param, key string) error {
	to := v.base
	if key != "" {
		to += "?" + param + "=" + key
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}
