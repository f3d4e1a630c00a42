package admin

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// The branch's inspection checklist editor, /admin/branches/<id>/checklist:
// every item's code, section, names in ru, pl and en, unit and order; rows
// are added in the blank lines at the end and removed by a tick; "reset"
// puts the branch back on the default list. A save replaces the whole list
// (store.SetChecklist): inspections already started keep their items.

// blankChecklistRows is how many empty rows the form offers for new items.
const blankChecklistRows = 3

// checklistView is what checklist.html shows.
type checklistView struct {
	T       map[string]string
	Branch  hub.Branch
	Default bool // the branch has no list of its own: the default is shown
	Rows    []checklistRow
}

// checklistRow is one line of the form; Known rows' codes are read-only
// (inspection items and DMS lines refer to them).
type checklistRow struct {
	Index                                       int
	Code, Section, NameRu, NamePl, NameEn, Unit string
	Position                                    string
	Known, Remove                               bool
}

func checklistPath(branchID int64) string {
	return fmt.Sprintf("/admin/branches/%d/checklist", branchID)
}

// registerChecklist adds the editor's routes to the admin group.
func (h *Handler) registerChecklist(admin staffpage.Group) {
	admin.Get("/admin/branches/:id/checklist", h.checklistShow)
	admin.Post("/admin/branches/:id/checklist", h.checklistSave)
	admin.Post("/admin/branches/:id/checklist/reset", h.checklistReset)
}

// checklistWords are the editor's words in the staff member's language.
func checklistWords(c *fiber.Ctx) map[string]string {
	return checklistTexts[staffpage.Locale(c, checklistTexts)]
}

// checklistShow is GET /admin/branches/<id>/checklist.
func (h *Handler) checklistShow(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	v, err := h.checklistView(c, b)
	if err != nil {
		return h.Internal(c, "checklist", err)
	}
	p := h.newPage(c, v)
	switch c.Query("done") {
	case "checklist":
		p.Done = v.T["saved"]
	case "checklist-reset":
		p.Done = v.T["reset_done"]
	}
	return h.Render(c, fiber.StatusOK, "checklist.html", p)
}

// checklistView is the branch's stored list (or the default) as form rows.
func (h *Handler) checklistView(c *fiber.Ctx, b hub.Branch) (checklistView, error) {
	ctx := c.UserContext()
	v := checklistView{T: checklistWords(c), Branch: b}
	list, err := h.store.Checklist(ctx, b.ID)
	if err != nil {
		return v, err
	}
	v.Default = len(list) > 0 && list[0].ID == 0 // stored rows have ids
	for n, it := range list {
		v.Rows = append(v.Rows, checklistRow{Index: n, Code: it.Code, Section: it.Section, NameRu: it.NameRu,
			NamePl: it.NamePl, NameEn: it.NameEn, Unit: it.Unit, Position: strconv.Itoa(n + 1), Known: true})
	}
	v.Rows = withBlankRows(v.Rows)
	return v, nil
}

func withBlankRows(rows []checklistRow) []checklistRow {
	for range blankChecklistRows {
		rows = append(rows, checklistRow{Index: len(rows)})
	}
	return rows
}

// checklistSave is POST /admin/branches/<id>/checklist: every row of the
// form; the list is checked whole and stored whole, or nothing is.
func (h *Handler) checklistSave(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	v := checklistView{T: checklistWords(c), Branch: b}
	rows, err := checklistForm(c)
	if err != nil {
		return h.refuse(c, "checklist.html", v, checklistProblem(v.T, err))
	}
	v.Rows = withBlankRows(rows)
	var items []hub.ChecklistItem
	for _, r := range rows {
		if r.Remove {
			continue
		}
		items = append(items, hub.ChecklistItem{Code: strings.TrimSpace(r.Code), Section: r.Section,
			NameRu: r.NameRu, NamePl: r.NamePl, NameEn: r.NameEn, Unit: r.Unit})
	}
	if len(items) == 0 {
		return h.refuse(c, "checklist.html", v, v.T["empty"])
	}
	err = h.store.Tx(c.UserContext(), func(tx *store.Store) error {
		if err := tx.SetChecklist(c.UserContext(), b.ID, items); err != nil {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, "branch "+b.Code,
			fmt.Sprintf("checklist_set items=%d", len(items)))
	})
	switch {
	case errors.Is(err, store.ErrChecklist): // SetChecklist checks the list (store.CleanChecklist)
		return h.refuse(c, "checklist.html", v, checklistProblem(v.T, err))
	case err != nil:
		return h.Internal(c, "save checklist", err)
	}
	return c.Redirect(checklistPath(b.ID)+"?done=checklist", fiber.StatusSeeOther)
}

// checklistReset is POST /admin/branches/<id>/checklist/reset: the
// branch's own list is dropped and the default list applies again.
func (h *Handler) checklistReset(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	err = h.store.Tx(c.UserContext(), func(tx *store.Store) error {
		if err := tx.SetChecklist(c.UserContext(), b.ID, nil); err != nil {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, "branch "+b.Code, "checklist_reset")
	})
	if err != nil {
		return h.Internal(c, "reset checklist", err)
	}
	return c.Redirect(checklistPath(b.ID)+"?done=checklist-reset", fiber.StatusSeeOther)
}

// checklistForm reads the form's rows, ordered by their order field (rows
// without one keep their place after the numbered ones); rows left wholly
// blank are dropped.
func checklistForm(c *fiber.Ctx) ([]checklistRow, error) {
	n, err := strconv.Atoi(c.FormValue("rows"))
	if err != nil || n < 0 || n > store.MaxChecklistItems+blankChecklistRows {
		max := store.MaxChecklistItems + blankChecklistRows
		return nil, &store.ChecklistError{Reason: store.ChecklistFormRows, Max: max,
			Detail: fmt.Sprintf("the form's row count is not 0 to %d", max)}
	}
	type ordered struct {
		row checklistRow
		pos int
	}
	var rows []ordered
	for i := range n {
		f := func(name string) string { return c.FormValue(fmt.Sprintf("%s-%d", name, i)) }
		r := checklistRow{Code: f("code"), Section: f("section"), NameRu: f("ru"), NamePl: f("pl"), NameEn: f("en"),
			Unit: f("unit"), Position: strings.TrimSpace(f("pos")), Known: f("known") == "1", Remove: f("remove") != ""}
		if strings.TrimSpace(r.Code+r.Section+r.NameRu+r.NamePl+r.NameEn+r.Unit) == "" {
			continue
		}
		pos := store.MaxChecklistItems*10 + i // no order given: after the numbered rows
		if r.Position != "" {
			p, err := strconv.Atoi(r.Position)
			if err != nil || p < 1 || p > 10000 {
				return nil, &store.ChecklistError{Reason: store.ChecklistFormOrder, Item: i + 1, Code: r.Code,
					Detail: fmt.Sprintf("%q: the order %q is not a number from 1 to 10000", r.Code, r.Position)}
			}
			pos = p
		}
		rows = append(rows, ordered{r, pos})
	}
	slices.SortStableFunc(rows, func(a, b ordered) int { return cmp.Compare(a.pos, b.pos) })
	out := make([]checklistRow, len(rows))
	for i, r := range rows {
		r.row.Index, r.row.Position = i, strconv.Itoa(i+1)
		out[i] = r.row
	}
	return out, nil
}

// checklistProblem says a refusal of the list in the admin's language
// (t): which case, of which item and field; the English detail is only
// for the logs.
func checklistProblem(t map[string]string, err error) string {
	var ce *store.ChecklistError
	if !errors.As(err, &ce) {
		return t["err_other"]
	}
	text := t["err_"+ce.Reason]
	if text == "" {
		return t["err_other"]
	}
	text = strings.NewReplacer("{max}", strconv.Itoa(ce.Max), "{field}", t[ce.Field]).Replace(text)
	switch {
	case ce.Code != "":
		return fmt.Sprintf("%s «%s»: %s", t["item"], ce.Code, text)
	case ce.Item > 0:
		return fmt.Sprintf("%s %d: %s", t["item"], ce.Item, text)
	}
	return text
}
