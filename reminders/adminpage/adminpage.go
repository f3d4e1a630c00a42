// Package adminpage serves the reminders' page for administrators,
// /admin/reminders: what a scan of a date would send at a branch (nothing
// is sent), the records no branch's scan reaches, and the branch's open
// staff tasks, each with a "done" button that is audited. It is built on
// the staff-page base and mounted by the composition root, so the admin
// pages (hub/web/admin) know nothing of reminders.
package adminpage

import (
	"context"
	"embed"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
	"naryad/reminders"
)

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Reminders is what the page needs from the reminder Runner.
type Reminders interface {
	Preview(ctx context.Context, branch hub.Branch, at time.Time) ([]reminders.PreviewItem, error)
}

var _ Reminders = (*reminders.Runner)(nil)

// Options configure the page.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // the clock of the default date; time.Now when nil
	// Reminders previews the reminder scan; nil shows only the staff tasks.
	Reminders Reminders
}

// Handler serves /admin/reminders.
type Handler struct {
	*staffpage.Base
	store     *store.Store
	reminders Reminders
}

// New parses the views once; a broken view fails start-up. requireStaff is
// the staff handler's RequireStaff.
func New(st *store.Store, requireStaff func(roles ...string) fiber.Handler, o Options) (*Handler, error) {
	base, err := staffpage.New(staffpage.Surface{Name: "reminders page", StaticPrefix: "/static/ra", Views: viewFiles, Static: staticFiles,
		Styles: []string{"reminders.css"}}, requireStaff, staffpage.Options{Logger: o.Logger, Now: o.Now})
	if err != nil {
		return nil, err
	}
	return &Handler{Base: base, store: st, reminders: o.Reminders}, nil
}

// Register adds the page's routes, for admins only.
func (h *Handler) Register(app fiber.Router) {
	admin := h.Routes(app).For(store.RoleAdmin)
	admin.Get("/admin/reminders", h.reminderList)
	admin.Post("/admin/reminders/tasks/done", h.taskDone)
	admin.Post("/admin/reminders/settings", h.settingsSave)
	admin.Post("/admin/reminders/channels", h.channelsSave)
}

// page is what reminders.html gets: the frame, the form token, an error
// (set when input was refused and nothing stored), a notice after a change,
// and the page's own data.
type page struct {
	Frame staffpage.Frame
	CSRF  string
	Error string
	Done  string
	Data  remindersView
	T     map[string]string // the settings form's words (settings.go)
}

func (h *Handler) newPage(c *fiber.Ctx, v remindersView) page {
	s, _ := staff.Current(c)
	t := settingsWords(c)
	p := page{Frame: h.Frame(c, staffpage.Locale(c, settingsTexts), t["title"]), CSRF: s.CSRF, Data: v, T: t}
	switch c.Query("done") {
	case "task":
		p.Done = p.T["task_done"]
	case "settings":
		p.Done = p.T["saved"]
	case "channels":
		p.Done = p.T["ch_saved"]
	}
	return p
}

// refuse shows the page again with the problem and a 400; nothing was stored.
func (h *Handler) refuse(c *fiber.Ctx, v remindersView, problem string) error {
	p := h.newPage(c, v)
	p.Error = problem
	return h.Render(c, fiber.StatusBadRequest, "reminders.html", p)
}

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
	Fix      bool // the page's unplaced_fix words follow the list (store.UnplacedFix in English)
	// OfferDays is the branch's declined_offer_days (settings.go).
	OfferDays int
	// Channels are the branch's reminder channels per customer rule
	// (channels.go).
	Channels []channelRow
}

// unplacedRow is a node's records without a branch; the page counts them
// in the reader's words.
type unplacedRow struct {
	Node            string
	Vehicles, Items int64
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
		return h.Internal(c, "reminders page", err)
	}
	if v.Branch.ID == 0 {
		return h.Render(c, fiber.StatusOK, "reminders.html", h.newPage(c, v))
	}
	loc := v.Branch.Location()
	now := h.Now()
	v.Date = c.Query("date", now.In(loc).Format("2006-01-02"))
	at, err := reminders.PreviewMoment(v.Date, loc, now)
	if err != nil {
		h.Log.Info("reminders page: bad date", "error", err)
		return h.refuse(c, v, settingsWords(c)["bad_date"])
	}
	v.At = at.In(loc).Format("2006-01-02 15:04 MST")
	if h.reminders != nil {
		items, err := h.reminders.Preview(ctx, v.Branch, at)
		if err != nil {
			return h.Internal(c, "preview reminders", err)
		}
		for _, it := range items {
			row := previewRow{PreviewItem: it, Due: it.DueAt.In(loc).Format("2006-01-02 15:04")}
			if !it.HeldUntil.IsZero() {
				row.Held = it.HeldUntil.In(loc).Format("2006-01-02 15:04")
			}
			v.Items = append(v.Items, row)
		}
	}
	return h.Render(c, fiber.StatusOK, "reminders.html", h.newPage(c, v))
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
	v.Branch = hub.PickBranch(branches, code)
	if v.Branch.ID == 0 {
		return v, nil
	}
	if err := h.unplaced(ctx, &v); err != nil {
		return v, err
	}
	set, err := h.store.BranchReminderSettings(ctx, v.Branch.ID)
	if err != nil {
		return v, err
	}
	v.OfferDays = set.DeclinedOfferDays
	if v.Channels, err = h.channelRows(ctx, v.Branch.ID); err != nil {
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
		v.Unplaced = append(v.Unplaced, unplacedRow{Node: names[u.NodeID], Vehicles: u.Vehicles, Items: u.Items})
	}
	v.Fix = true
	return nil
}

// taskDone is POST /admin/reminders/tasks/done: task id and branch code;
// marked done by the signed-in user, with its audit row.
func (h *Handler) taskDone(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v, err := h.remindersView(ctx, c.FormValue("branch"))
	if err != nil {
		return h.Internal(c, "reminders page", err)
	}
	id, err := strconv.ParseInt(c.FormValue("task"), 10, 64)
	if err != nil || v.Branch.ID == 0 || v.Branch.Code != c.FormValue("branch") {
		return h.refuse(c, v, settingsWords(c)["no_task"])
	}
	s, _ := staff.Current(c)
	var finished bool
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if finished, err = tx.FinishStaffTask(ctx, v.Branch.ID, id, s.User.Login); err != nil || !finished {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, "staff task "+strconv.FormatInt(id, 10), fmt.Sprintf("task_done branch=%s", v.Branch.Code))
	})
	if err != nil {
		return h.Internal(c, "finish task", err)
	}
	if !finished {
		return h.refuse(c, v, settingsWords(c)["task_gone"])
	}
	return c.Redirect("/admin/reminders?branch="+v.Branch.Code+"&done=task", fiber.StatusSeeOther)
}
