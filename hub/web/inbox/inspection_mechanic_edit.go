package inbox

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// The inspection's edits: each answers JSON to inspection.js (Accept:
// application/json) and a redirect back to the item to a form posted
// without it; a refusal says why in the page's language.

// wantsJSON tells a request of inspection.js from a form posted without it.
func wantsJSON(c *fiber.Ctx) bool {
	return strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMEApplicationJSON)
}

// inspectionDone answers a change: JSON for the script, else back to the
// page at the item (to the form's own message when ok is set).
func inspectionDone(c *fiber.Ctx, th hub.Thread, itemID int64, ok string, body any) error {
	if wantsJSON(c) {
		return c.JSON(body)
	}
	to := inspectionURL(th.ID)
	if ok != "" {
		to += "?ok=" + ok
	}
	if itemID > 0 {
		to += fmt.Sprintf("#item-%d", itemID)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// inspectionRefused answers a refused change with its reason in the page's
// language: JSON {"error": …} with status for the script, else the page
// with ?err=code.
func (h *Handler) inspectionRefused(c *fiber.Ctx, th hub.Thread, itemID int64, status int, code string) error {
	if wantsJSON(c) {
		it := inspectionTexts[staffpage.Locale(c, texts)]
		return c.Status(status).JSON(fiber.Map{"error": it["err_"+code], "code": code})
	}
	to := inspectionURL(th.ID) + "?err=" + code
	if itemID > 0 {
		to += fmt.Sprintf("#item-%d", itemID)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// idParam is the route parameter name (:item, :media) as an id; 0 when it
// is not a positive number.
func idParam(c *fiber.Ctx, name string) int64 {
	n, err := c.ParamsInt(name)
	if err != nil || n <= 0 {
		return 0
	}
	return int64(n)
}

// inspectionItemEdit is POST …/inspection/items/<item>: any of state,
// value and note; a field left out of the form is left as it is.
func (h *Handler) inspectionItemEdit(c *fiber.Ctx, s staff.Staff, th hub.Thread, insp hub.Inspection) error {
	itemID := idParam(c, "item")
	if itemID == 0 {
		return notFound(c)
	}
	form := c.Request().PostArgs()
	e := store.ItemEdit{By: staffpage.DisplayName(s.User)}
	if form.Has("state") {
		v := string(form.Peek("state"))
		if !hub.ValidItemState(v) {
			return h.inspectionRefused(c, th, itemID, fiber.StatusUnprocessableEntity, "state")
		}
		e.State = &v
	}
	if form.Has("value") {
		v, err := hub.ParseMeasurement(string(form.Peek("value")))
		if err != nil {
			return h.inspectionRefused(c, th, itemID, fiber.StatusUnprocessableEntity, "value")
		}
		e.Value = &v
	}
	if form.Has("note") {
		v, err := hub.CleanItemText("note", string(form.Peek("note")), hub.MaxItemNoteRunes)
		if err != nil {
			return h.inspectionRefused(c, th, itemID, fiber.StatusUnprocessableEntity, "note")
		}
		e.Note = &v
	}
	item, err := h.store.EditInspectionItem(c.UserContext(), insp.ID, itemID, e)
	if errors.Is(err, store.ErrNotFound) {
		return h.inspectionRefused(c, th, itemID, fiber.StatusNotFound, "not_found")
	}
	if err != nil {
		return h.Internal(c, "edit inspection item", err)
	}
	return inspectionDone(c, th, item.ID, "saved", fiber.Map{"id": item.ID, "state": item.State, "value": item.Value, "note": item.Note})
}

// inspectionFreeItem is POST …/inspection/items: an item of the mechanic's
// own (name, unit). The same name posted again adds nothing.
func (h *Handler) inspectionFreeItem(c *fiber.Ctx, s staff.Staff, th hub.Thread, insp hub.Inspection) error {
	name, err := hub.CleanItemText("name", c.FormValue("name"), hub.MaxItemNameRunes)
	if err != nil || name == "" || strings.ContainsAny(name, "\n\t") {
		return h.inspectionRefused(c, th, 0, fiber.StatusUnprocessableEntity, "name")
	}
	unit, err := hub.CleanItemText("unit", c.FormValue("unit"), hub.MaxItemUnitRunes)
	if err != nil || strings.ContainsAny(unit, "\n\t") {
		return h.inspectionRefused(c, th, 0, fiber.StatusUnprocessableEntity, "unit")
	}
	item, _, err := h.store.AddFreeItemOnce(c.UserContext(), insp.ID, name, unit, staffpage.DisplayName(s.User))
	if err != nil {
		return h.Internal(c, "add free item", err)
	}
	return inspectionDone(c, th, item.ID, "added", fiber.Map{"id": item.ID, "code": item.Code})
}
