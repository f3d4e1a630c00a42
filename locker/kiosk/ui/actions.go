package ui

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"naryad/locker/kiosk"
)

// begin is POST /begin/:mode: a button of the start screen.
func (h *Handler) begin(c *fiber.Ctx) error {
	mode := kiosk.Mode(c.Params("mode"))
	switch mode {
	case kiosk.ModeDropOff, kiosk.ModePickup, kiosk.ModeStaff:
	default:
		return c.Status(fiber.StatusNotFound).SendString("unknown mode")
	}
	h.engine.Begin(mode)
	return back(c)
}

// entry is POST /entry: the keypad's OK, with a code or PIN, or a
// work-order number and the last digits of a phone.
func (h *Handler) entry(c *fiber.Ctx) error {
	in := kiosk.Entry{
		Code:        strings.TrimSpace(c.FormValue("code")),
		OrderNumber: strings.TrimSpace(c.FormValue("order")),
		PhoneLast4:  strings.TrimSpace(c.FormValue("phone")),
	}
	if err := h.call(c, "submit", func(ctx context.Context) error { return h.engine.Submit(ctx, in) }); err != nil {
		return backFailed(c)
	}
	// A mistake keeps the person on the way of entry they chose.
	if c.FormValue("by") == "order" && h.engine.Screen().Kind == kiosk.ScreenEntry {
		return c.Redirect("/?by=order", fiber.StatusSeeOther)
	}
	return back(c)
}

// reopen is POST /reopen: open the box once more ("I forgot something").
func (h *Handler) reopen(c *fiber.Ctx) error {
	return h.act(c, "reopen", h.engine.Reopen)
}

// finish is POST /finish: give up a drop-off with nothing in the box,
// leave an item behind, or end on the done screen.
func (h *Handler) finish(c *fiber.Ctx) error {
	if err := h.call(c, "finish", h.engine.Finish); err != nil {
		return backFailed(c)
	}
	h.resetLanguage(c)
	return back(c)
}

// home is POST /home: Back, Sign out, and the page going idle.
func (h *Handler) home(c *fiber.Ctx) error {
	h.engine.Home()
	h.resetLanguage(c)
	return back(c)
}

// staffTake is POST /staff/take/:id: open a box with a customer's keys.
func (h *Handler) staffTake(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return c.Status(fiber.StatusBadRequest).SendString("bad compartment id")
	}
	return h.act(c, "staff take", func(ctx context.Context) error { return h.engine.StaffTake(ctx, id) })
}

// staffOpen is POST /staff/open/:id: open any box.
func (h *Handler) staffOpen(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return c.Status(fiber.StatusBadRequest).SendString("bad compartment id")
	}
	return h.act(c, "staff open", func(ctx context.Context) error { return h.engine.StaffOpen(ctx, id) })
}

// staffReturn is POST /staff/return: open a free box to put a work order's
// keys back for pickup.
func (h *Handler) staffReturn(c *fiber.Ctx) error {
	order := strings.TrimSpace(c.FormValue("order"))
	return h.act(c, "staff return", func(ctx context.Context) error { return h.engine.StaffReturn(ctx, order) })
}

// staffPutLoanKey is POST /staff/loan/:id: open a free box to put a
// courtesy car's key in for its customer (id: the loan).
func (h *Handler) staffPutLoanKey(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return c.Status(fiber.StatusBadRequest).SendString("bad loan id")
	}
	return h.act(c, "staff put loan key", func(ctx context.Context) error { return h.engine.StaffPutLoanKey(ctx, id) })
}

// act runs one engine action and goes back to the page.
func (h *Handler) act(c *fiber.Ctx, op string, fn func(ctx context.Context) error) error {
	if err := h.call(c, op, fn); err != nil {
		return backFailed(c)
	}
	return back(c)
}

// call runs one engine action within engineTimeout and logs its failure.
// Mistakes a person can fix are not failures: the engine shows them.
func (h *Handler) call(c *fiber.Ctx, op string, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), engineTimeout)
	defer cancel()
	err := fn(ctx)
	if err != nil {
		h.log.Error("kiosk page", "op", op, "error", err)
	}
	return err
}

// backFailed shows the current screen with a "try again" line.
func backFailed(c *fiber.Ctx) error {
	return c.Redirect("/?failed=1", fiber.StatusSeeOther)
}

// back is the redirect after every form (post, redirect, get).
func back(c *fiber.Ctx) error {
	return c.Redirect("/", fiber.StatusSeeOther)
}
