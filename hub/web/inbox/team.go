package inbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// TeamPath is the team page: who is on shift, their limits and loads, and
// the latest assignments of the user's branches.
const TeamPath = "/inbox/team"

// teamBranch is one branch's section of the team page.
type teamBranch struct {
	ID      int64
	Code    string
	Mode    string // the assignment mode in the viewer's language
	Members []teamMember
}

type teamMember struct {
	store.TeamMember
	Me        bool
	CanToggle bool // the member themselves, or an admin
}

type assignmentRow struct {
	store.Assignment
	When, Why string
	URL       string
}

// team is GET /inbox/team; ?moved=<n> or ?started=1 tell what the last
// shift form did.
func (h *Handler) team(c *fiber.Ctx) error {
	tt := teamTexts[staffpage.Locale(c, teamTexts)]
	msg := ""
	if n, err := strconv.Atoi(c.Query("moved")); err == nil && n >= 0 {
		msg = fmt.Sprintf(tt["moved"], strconv.Itoa(n))
	} else if c.Query("started") != "" {
		msg = tt["started"]
	}
	return h.renderTeam(c, fiber.StatusOK, msg, "")
}

// renderTeam shows the team page with status and a note: msg after a
// change, or the words of errKey after a refused form.
func (h *Handler) renderTeam(c *fiber.Ctx, status int, msg, errKey string) error {
	s, _ := staff.Current(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	locale := staffpage.Locale(c, teamTexts)
	tt := teamTexts[locale]
	codes, zones, _, err := h.branches(ctx, s.BranchIDs)
	if err != nil {
		return h.Internal(c, "load branches", err)
	}
	var branches []teamBranch
	for i, id := range s.BranchIDs {
		mode, err := h.store.AssignMode(ctx, id)
		if err != nil {
			return h.Internal(c, "load assignment mode", err)
		}
		members, err := h.store.BranchTeam(ctx, id)
		if err != nil {
			return h.Internal(c, "load team", err)
		}
		tb := teamBranch{ID: id, Code: codes[i], Mode: tt["m_"+mode]}
		for _, m := range members {
			me := m.UserID == s.User.ID
			tb.Members = append(tb.Members, teamMember{TeamMember: m, Me: me, CanToggle: me || s.User.Role == store.RoleAdmin})
		}
		branches = append(branches, tb)
	}
	recent, err := h.store.RecentAssignments(ctx, s.BranchIDs, 30)
	if err != nil {
		return h.Internal(c, "load assignments", err)
	}
	rows := make([]assignmentRow, len(recent))
	for i, a := range recent {
		rows[i] = assignmentRow{Assignment: a, When: a.At.In(zones[a.BranchID]).Format("02.01 15:04"), Why: tt["r_"+a.Reason], URL: threadURL(a.ThreadID)}
	}
	if errKey != "" {
		msg = tt["err_"+errKey]
	}
	frame := h.Frame(c, locale, tt["team"])
	frame.Sub = append(frame.Sub, staffpage.Link{URL: "/inbox", Label: texts[staffpage.Locale(c, texts)]["inbox"]},
		staffpage.Link{URL: TeamPath, Label: tt["team"], Current: true})
	return h.Render(c, status, "team.html", map[string]any{
		"Frame": frame, "T": tt, "CSRF": s.CSRF, "Branches": branches, "Recent": rows, "Message": msg, "Refused": errKey != "",
	})
}

// teamShift is POST /inbox/team/shift (branch, user, on=1|0): a user starts
// or ends their own shift; an admin anyone's. Ending a shift hands on the
// user's threads with unanswered messages (store.SetOnShift).
func (h *Handler) teamShift(c *fiber.Ctx) error {
	s, _ := staff.Current(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	branchID, err1 := strconv.ParseInt(c.FormValue("branch"), 10, 64)
	userID, err2 := strconv.ParseInt(c.FormValue("user"), 10, 64)
	on := c.FormValue("on")
	if err1 != nil || err2 != nil || (on != "1" && on != "0") {
		return h.renderTeam(c, fiber.StatusBadRequest, "", "form")
	}
	if !slices.Contains(s.BranchIDs, branchID) {
		return h.renderTeam(c, fiber.StatusBadRequest, "", "bad_user")
	}
	if userID != s.User.ID && s.User.Role != store.RoleAdmin {
		return h.renderTeam(c, fiber.StatusForbidden, "", "forbidden")
	}
	members, err := h.store.BranchTeam(ctx, branchID)
	if err != nil {
		return h.Internal(c, "load team", err)
	}
	if !slices.ContainsFunc(members, func(m store.TeamMember) bool { return m.UserID == userID }) {
		return h.renderTeam(c, fiber.StatusBadRequest, "", "bad_user")
	}
	moved, err := h.store.SetOnShift(ctx, branchID, userID, on == "1", &s.User.ID)
	if errors.Is(err, store.ErrNotBranchStaff) {
		return h.renderTeam(c, fiber.StatusBadRequest, "", "bad_user")
	}
	if err != nil {
		return h.Internal(c, "set shift", err)
	}
	h.Log.Info("inbox shift", "branch_id", branchID, "user_id", userID, "on", on == "1", "moved", moved, "by", s.User.ID)
	if on == "1" {
		return c.Redirect(TeamPath+"?started=1", fiber.StatusSeeOther)
	}
	return c.Redirect(TeamPath+"?moved="+strconv.Itoa(moved), fiber.StatusSeeOther)
}
