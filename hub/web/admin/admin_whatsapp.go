package admin

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
	"naryad/hub/whatsapp"
)

// WhatsApp is what the WhatsApp page needs from the account manager. Leave
// Options.WhatsApp nil (not a nil *whatsapp.Manager) when WhatsApp does
// not run in this process: the page then shows the accounts read-only.
type WhatsApp interface {
	// StartLink links a phone in the background; the page shows the codes
	// from the account row.
	StartLink(accountID int64, phone string) error
	Logout(ctx context.Context, accountID int64) error
	Reconnect(ctx context.Context, accountID int64) error
}

var _ WhatsApp = (*whatsapp.Manager)(nil)

// waActionTimeout bounds a logout (telling WhatsApp may need a connection).
const waActionTimeout = 45 * time.Second

// waView is what whatsapp.html shows: each branch with its accounts and
// its group setting, and the form to add an account.
type waView struct {
	On       bool // the manager runs in this process: changes are possible
	Branches []waBranchRow
	Form     struct{ Branch, Name string }
}

type waBranchRow struct {
	Branch   hub.Branch
	Settings store.WASettings
	Accounts []waAccountRow
}

// waAccountRow is an account with its state in plain words.
type waAccountRow struct {
	hub.WAAccount
	Status      string
	Linking     bool   // a linking shows codes right now
	IntervalSec string // min_interval_ms in seconds
	CanLogout   bool
	CanRelink   bool // linked and running: linking again replaces the phone
	CanRecon    bool
}

// whatsappView loads every branch with its accounts and settings.
func (h *Handler) whatsappView(ctx context.Context, t map[string]string) (waView, error) {
	v := waView{On: h.whatsapp != nil}
	branches, err := h.store.Branches(ctx)
	if err != nil {
		return v, err
	}
	accounts, err := h.store.WAAccounts(ctx)
	if err != nil {
		return v, err
	}
	now := time.Now()
	for _, b := range branches {
		settings, err := h.store.BranchWASettings(ctx, b.ID)
		if err != nil {
			return v, err
		}
		row := waBranchRow{Branch: b, Settings: settings}
		for _, a := range accounts {
			if a.BranchID == b.ID {
				row.Accounts = append(row.Accounts, accountRow(a, b.Location(), now, t))
			}
		}
		v.Branches = append(v.Branches, row)
	}
	return v, nil
}

func accountRow(a hub.WAAccount, loc *time.Location, now time.Time, t map[string]string) waAccountRow {
	r := waAccountRow{WAAccount: a, Status: accountStatus(a, loc, t),
		IntervalSec: strconv.FormatFloat(float64(a.MinIntervalMs)/1000, 'f', -1, 64),
		Linking:     a.LinkCode != "" && a.LinkExpiresAt != nil && a.LinkExpiresAt.After(now),
		CanLogout:   a.JID != "", CanRecon: a.JID != "" && a.State == hub.WAReplaced}
	r.CanRelink = a.JID != "" && !r.CanRecon
	return r
}

// accountStatus says an account's state as staff read it, in t's words.
func accountStatus(a hub.WAAccount, loc *time.Location, t map[string]string) string {
	since := a.StateSince.In(loc).Format("2006-01-02 15:04")
	switch a.State {
	case hub.WAConnected, hub.WAConnecting, hub.WALoggedOut, hub.WAReplaced, hub.WAOutdated, hub.WAUnlinked:
		return t["wa_st_"+a.State]
	case hub.WADisconnected:
		return fmt.Sprintf(t["wa_st_disconnected"], since)
	case hub.WABanned:
		if a.BanExpiresAt != nil {
			return fmt.Sprintf(t["wa_st_banned_until"], a.BanExpiresAt.In(loc).Format("2006-01-02 15:04 MST"))
		}
		return t["wa_st_banned"]
	}
	return a.State
}

// whatsappList is GET /admin/whatsapp.
func (h *Handler) whatsappList(c *fiber.Ctx) error {
	v, err := h.whatsappView(c.UserContext(), words(c))
	if err != nil {
		return h.Internal(c, "whatsapp page", err)
	}
	return h.Render(c, fiber.StatusOK, "whatsapp.html", h.newPage(c, v))
}

// refuseWhatsApp shows the page again with a problem; nothing was changed.
func (h *Handler) refuseWhatsApp(c *fiber.Ctx, problem string, form ...string) error {
	v, err := h.whatsappView(c.UserContext(), words(c))
	if err != nil {
		return h.Internal(c, "whatsapp page", err)
	}
	if len(form) == 2 {
		v.Form.Branch, v.Form.Name = form[0], form[1]
	}
	return h.refuse(c, "whatsapp.html", v, problem)
}

// waOff refuses a change while the manager does not run in this process.
func (h *Handler) waOff(c *fiber.Ctx) error {
	return h.refuseWhatsApp(c, refusals(c)["wa_off"])
}

// waAccount loads the account named by the route's :id. When ok is false
// the request has been answered (404, or 500) and err is that answer's.
func (h *Handler) waAccount(c *fiber.Ctx) (a hub.WAAccount, ok bool, err error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err == nil {
		a, err = h.store.WAAccount(c.UserContext(), id)
	}
	switch {
	case err == nil:
		return a, true, nil
	case errors.Is(err, store.ErrNotFound) || errors.Is(err, strconv.ErrSyntax) || errors.Is(err, strconv.ErrRange):
		return a, false, c.Status(fiber.StatusNotFound).SendString(refusals(c)["wa_no_account"])
	default:
		return a, false, h.Internal(c, "load WhatsApp account", err)
	}
}

// waRefusal says in the admin's words why the manager refused an action
// (a linking, a logout, a reconnect); anything else is logged and told in
// general words, so nothing internal reaches the page.
func (h *Handler) waRefusal(c *fiber.Ctx, action string, err error) string {
	r := refusals(c)
	switch {
	case errors.Is(err, whatsapp.ErrNotLinked):
		return r["wa_not_linked"]
	case errors.Is(err, whatsapp.ErrBusy):
		return r["wa_busy"]
	case errors.Is(err, whatsapp.ErrNotReplaced):
		return r["wa_not_replaced"]
	}
	h.Log.Error("whatsapp action failed", "action", action, "error", err)
	return r["wa_failed"]
}

// waAudit records a change of a WhatsApp account.
func waAudit(c *fiber.Ctx, st *store.Store, a hub.WAAccount, detail string) error {
	return staffpage.Audit(c.UserContext(), c, st, store.AuditAdminChanged, "whatsapp account "+a.Name, detail)
}

func waRedirect(c *fiber.Ctx, done string) error {
	return c.Redirect(fmt.Sprintf("/admin/whatsapp?done=%s", done), fiber.StatusSeeOther)
}
