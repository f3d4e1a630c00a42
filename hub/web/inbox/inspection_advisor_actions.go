package inbox

import (
	"errors"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// editInspectionItem is POST /inbox/threads/:id/inspection/items/:item:
// the advisor's correction of an item's note (field note) or hiding it
// from the customer and the DMS (field hidden, 1 or 0). A refused form
// shows the page again (400) with the problem and the note as typed.
func (h *Handler) editInspectionItem(c *fiber.Ctx, s staff.Staff, th hub.Thread, insp hub.Inspection) error {
	itemID := idParam(c, "item")
	if itemID == 0 {
		return notFound(c)
	}
	t := inspTexts[staffpage.Locale(c, inspTexts)]
	edit := store.ItemEdit{By: staffpage.DisplayName(s.User)}
	form := c.Request().PostArgs()
	if form.Has("note") {
		raw := string(form.Peek("note"))
		note, err := hub.CleanItemText("note", raw, hub.MaxItemNoteRunes)
		if err != nil {
			problem := t["err_note"]
			if utf8.ValidString(raw) && utf8.RuneCountInString(raw) > hub.MaxItemNoteRunes {
				problem = t["err_note_long"]
			}
			// The note as typed goes back into its box, but only as
			// valid UTF-8 of bounded size: the page must render.
			if !utf8.ValidString(raw) || len(raw) > 4*hub.MaxItemNoteRunes {
				raw = ""
			}
			return h.refuseInspection(c, s, th, &inspRefusal{ItemID: itemID, Problem: problem, Note: raw})
		}
		edit.Note = &note
	}
	if form.Has("hidden") {
		var hidden bool
		switch string(form.Peek("hidden")) {
		case "1":
			hidden = true
		case "0":
		default:
			return h.refuseInspection(c, s, th, &inspRefusal{Problem: t["err_form"]})
		}
		edit.Hidden = &hidden
	}
	if edit.Note == nil && edit.Hidden == nil {
		return h.refuseInspection(c, s, th, &inspRefusal{Problem: t["err_form"]})
	}
	_, err := h.store.EditInspectionItem(c.UserContext(), insp.ID, itemID, edit)
	if errors.Is(err, store.ErrNotFound) {
		return notFound(c)
	}
	if err != nil {
		return h.Internal(c, "edit inspection item", err)
	}
	return c.Redirect(threadURL(th.ID)+"#inspection", fiber.StatusSeeOther)
}

// sendInspection is POST /inbox/threads/:id/inspection/send: the
// inspection goes to 1C as an inspection change. Nothing changed since
// the last send (a second click, a colleague was first): 409 with the
// page saying so, and no second change.
func (h *Handler) sendInspection(c *fiber.Ctx, s staff.Staff, th hub.Thread, insp hub.Inspection) error {
	_, err := h.store.SendInspection(c.UserContext(), insp.ID, staffpage.DisplayName(s.User))
	if errors.Is(err, store.ErrInspectionUnchanged) {
		t := inspTexts[staffpage.Locale(c, inspTexts)]
		c.Locals(inspRefusalKey{}, &inspRefusal{Problem: t["unchanged"]})
		return h.showThread(c, s, th, fiber.StatusConflict, nil)
	}
	if err != nil {
		return h.Internal(c, "send inspection", err)
	}
	return c.Redirect(threadURL(th.ID)+"?insp=sent#inspection", fiber.StatusSeeOther)
}

// refuseInspection shows the page again with the refusal on the card.
func (h *Handler) refuseInspection(c *fiber.Ctx, s staff.Staff, th hub.Thread, r *inspRefusal) error {
	c.Locals(inspRefusalKey{}, r)
	return h.showThread(c, s, th, fiber.StatusBadRequest, nil)
}
