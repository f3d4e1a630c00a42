package admin

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/dms"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/reminders"
)

// Reminders is what the reminders page needs from the reminder Runner.
type Reminders interface {
	Preview(ctx context.Context, branch hub.Branch, at time.Time) ([]reminders.PreviewItem, error)
}

var _ Reminders = (*reminders.Runner)(nil)

// remindersView is what reminders.html shows: the preview of a date at a
// branch and the branch's open staff tasks.
type remindersView struct {
	Branches []hub.Branch
	Branch   hub.Branch
	Date     string
	At       string // the moment previewed, branch-local
	Items    []previewRow
	Tasks    []taskRow
	// Unplaced lists, per DMS node, the records no branch's scan reaches,
	// with Fix saying how to place them: never a silent gap.
	Unplaced []unplacedRow
	Fix      string
}

type unplacedRow struct {
	Node, Count string
}

type previewRow struct {
	reminders.PreviewItem
	Due, Held string // branch-local
}

type taskRow struct {
	store.StaffTask
	Raised string // branch-local
}

// reminderList is GET /admin/reminders?branch=CODE&date=YYYY-MM-DD: the
// reminders a scan of the date would send (nothing is sent) and the open
// tasks. Defaults: the first branch, its today.
func (h *Handler) reminderList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v, err := h.remindersView(ctx, c.Query("branch"))
	if err != nil {
		return h.internal(c, "reminders page", err)
	}
	if v.Branch.ID == 0 {
		return h.render(c, fiber.StatusOK, "reminders.html", newPage(c, v))
	}
	loc := v.Branch.Location()
	now := time.Now()
	v.Date = c.Query("date", now.In(loc).Format("2006-01-02"))
	at, err := reminders.PreviewMoment(v.Date, loc, now)
	if err != nil {
		return h.refuse(c, "reminders.html", v, err.Error())
	}
	v.At = at.In(loc).Format("2006-01-02 15:04 MST")
	if h.reminders != nil {
		items, err := h.reminders.Preview(ctx, v.Branch, at)
		if err != nil {
			return h.internal(c, "preview reminders", err)
		}
		for _, it := range items {
			row := previewRow{PreviewItem: it, Due: it.DueAt.In(loc).Format("2006-01-02 15:04")}
			if !it.HeldUntil.IsZero() {
				row.Held = it.HeldUntil.In(loc).Format("2006-01-02 15:04")
			}
			v.Items = append(v.Items, row)
		}
	}
	return h.render(c, fiber.StatusOK, "reminders.html", newPage(c, v))
}

// remindersView loads the branches, picks the one asked for (or the first)
// and its open tasks.
func (h *Handler) remindersView(ctx context.Context, code string) (remindersView, error) {
	var v remindersView
	branches, err := h.store.Branches(ctx)
	if err != nil {
		return v, err
	}
	v.Branches = branches
	for _, b := range branches {
		if b.Code == code || (code == "" && v.Branch.ID == 0) {
			v.Branch = b
		}
	}
	if v.Branch.ID == 0 {
		return v, nil
	}
	if err := h.unplaced(ctx, &v); err != nil {
		return v, err
	}
	tasks, err := h.store.OpenStaffTasks(ctx, v.Branch.ID)
	for _, t := range tasks {
		v.Tasks = append(v.Tasks, taskRow{StaffTask: t, Raised: t.CreatedAt.In(v.Branch.Location()).Format("2006-01-02 15:04")})
	}
	return v, err
}

// unplaced fills in the count of records that belong to no branch.
func (h *Handler) unplaced(ctx context.Context, v *remindersView) error {
	counts, err := h.store.UnplacedRecords(ctx)
	if err != nil || len(counts) == 0 {
		return err
	}
	nodes, err := h.store.Nodes(ctx)
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(nodes))
	for _, n := range nodes {
		names[n.ID] = n.Name
	}
	for _, u := range counts {
		v.Unplaced = append(v.Unplaced, unplacedRow{Node: names[u.NodeID], Count: dms.UnplacedCount(u)})
	}
	v.Fix = dms.UnplacedFix
	return nil
}

// taskDone is POST /admin/reminders/tasks/done: task id and branch code;
// marked done by the signed-in user, with its audit row.
func (h *Handler) taskDone(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v, err := h.remindersView(ctx, c.FormValue("branch"))
	if err != nil {
		return h.internal(c, "reminders page", err)
	}
	id, err := strconv.ParseInt(c.FormValue("task"), 10, 64)
	if err != nil || v.Branch.ID == 0 || v.Branch.Code != c.FormValue("branch") {
		return h.refuse(c, "reminders.html", v, "no such task")
	}
	s, _ := staff.Current(c)
	var finished bool
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if finished, err = tx.FinishStaffTask(ctx, v.Branch.ID, id, s.User.Login); err != nil || !finished {
			return err
		}
		return audit(c, tx, store.AuditAdminChanged, "staff task "+strconv.FormatInt(id, 10), fmt.Sprintf("task_done branch=%s", v.Branch.Code))
	})
	if err != nil {
		return h.internal(c, "finish task", err)
	}
	if !finished {
		return h.refuse(c, "reminders.html", v, "this task is done already or does not exist")
	}
	return c.Redirect("/admin/reminders?branch="+v.Branch.Code+"&done=task", fiber.StatusSeeOther)
}
