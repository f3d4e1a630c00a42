package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/locker/kiosk"
	"naryad/lockerwire"
)

// pageView is everything one screen shows, already in the chosen language.
type pageView struct {
	T         map[string]string
	Locale    string
	Languages []language
	Site      lockerwire.Site
	Screen    kiosk.Screen
	// IdleMS is how long the page waits for a touch before going back to
	// the start; 0 on the start screen and while a door is open.
	IdleMS int64
	Failed bool // the last tap failed inside the kiosk (logged)

	// Entry screen.
	Problem      string // the worded problem, "" when none
	AttemptsLeft string // "Attempts left: 2.", after a wrong code
	ByOrder      bool   // work-order number and phone instead of a code
	CodeLabel    string

	Heading     string // entry, door open, done: the title, with the box filled in
	Text        string
	ReopenUntil int64 // Unix ms while Reopen is offered on the done screen, else 0
	LockedUntil string
	StaffTitle  string
	Boxes       []boxView
	LoanKeys    []kiosk.LoanKey // courtesy cars whose key staff may put in
}

// boxView is one compartment in the staff menu.
type boxView struct {
	ID              int64
	Label, Size     string
	State, StateKey string
	WorkOrderNumber string
	Since           string
	Held            bool // a customer's keys are inside: staff may take them
}

// page is GET /: the engine's current screen.
func (h *Handler) page(c *fiber.Ctx) error {
	s := h.engine.Screen()
	v := h.view(c, s)
	return h.render(c, s.Kind+".html", v)
}

// screenSeq is GET /screen: the page polls it and reloads when the screen
// changed by itself (a door closed, an alarm started).
func (h *Handler) screenSeq(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"seq": h.engine.Screen().Seq})
}

// view words one screen.
func (h *Handler) view(c *fiber.Ctx, s kiosk.Screen) pageView {
	site := h.site(c)
	locale := h.locale(c, site)
	t := texts[locale]
	v := pageView{T: t, Locale: locale, Languages: languages, Site: site, Screen: s,
		IdleMS: h.idleAfter.Milliseconds(), Failed: c.Query("failed") != ""}
	fill := strings.NewReplacer("{box}", s.Compartment, "{name}", s.StaffName,
		"{n}", strconv.Itoa(s.AttemptsLeft), "{time}", clock(s.LockedUntil, site.Location())).Replace
	// Problems show on the entry screen, and on the staff menu for the
	// keys-back form.
	if key := problemTexts[s.Problem]; key != "" {
		v.Problem = t[key]
	} else if s.Problem != "" {
		v.Problem = t["failed"] // a problem this page has no words for
	}
	if s.Problem == kiosk.ProblemWrongCode && s.AttemptsLeft > 0 {
		v.AttemptsLeft = fill(t["attempts_left"])
	}
	switch s.Kind {
	case kiosk.ScreenStart:
		v.IdleMS = 0
	case kiosk.ScreenEntry:
		v.ByOrder = c.Query("by") == "order" && s.Mode != kiosk.ModeStaff
		v.Heading = modeText(t, "entry_", s.Mode, "")
		v.CodeLabel = modeText(t, "code_", s.Mode, "")
	case kiosk.ScreenDoorOpen:
		v.IdleMS = 0 // nobody walks away from an open door unnoticed
		v.Heading = fill(modeText(t, "door_open_", s.Mode, ""))
	case kiosk.ScreenNoItem:
		v.Heading, v.Text = t["no_item_title"], fill(t["no_item_text"])
	case kiosk.ScreenItemLeft:
		v.Heading, v.Text = t["item_left_title"], fill(t["item_left_text"])
	case kiosk.ScreenDone:
		v.Heading, v.Text = modeText(t, "done_", s.Mode, ""), fill(modeText(t, "done_", s.Mode, "_text"))
		if h.now().Before(s.ReopenUntil) {
			v.ReopenUntil = s.ReopenUntil.UnixMilli()
		}
	case kiosk.ScreenStaffMenu:
		v.StaffTitle = fill(t["staff_title"])
		for _, b := range s.Boxes {
			number := b.WorkOrderNumber
			if b.Loan && number != "" {
				number = t["courtesy_car"] + " " + number
			}
			v.Boxes = append(v.Boxes, boxView{ID: b.ID, Label: b.Label, Size: b.Size, StateKey: b.State,
				State: t[stateTexts[b.State]], WorkOrderNumber: number, Since: since(b.Since, site.Location()),
				Held: b.State == lockerwire.StateHeld})
		}
		v.LoanKeys = s.LoanKeys
	case kiosk.ScreenLockedOut:
		v.LockedUntil = fill(t["locked_text"])
	}
	return v
}

// modeText is a mode's text (door_open_pickup, done_pickup_text); the staff
// words when the mode has none (a remote opening has no customer mode).
func modeText(t map[string]string, prefix string, mode kiosk.Mode, suffix string) string {
	if s := t[prefix+string(mode)+suffix]; s != "" {
		return s
	}
	return t[prefix+string(kiosk.ModeStaff)+suffix]
}

// clock is a time of day on the branch's clock (loc).
func clock(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("15:04")
}

// since is when a box's state began, for the staff menu, on the branch's
// clock (loc).
func since(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("02.01 15:04")
}
