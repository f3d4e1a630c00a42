package staff

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/render"
)

// Locale is the language the staff pages speak to s, among those speaks
// accepts: the one the user chose in their profile, else the first of the
// browser's (acceptLanguage) that is spoken, else their first branch's,
// else English. A profile's choice wins over the browser, so a Polish
// advisor on a shared English workstation still reads Polish.
func (s Staff) Locale(acceptLanguage string, speaks func(locale string) bool) string {
	if s.User.Locale != "" && speaks(s.User.Locale) {
		return s.User.Locale
	}
	if l := render.AcceptLanguage(acceptLanguage, speaks); l != "" {
		return l
	}
	if len(s.Branches) > 0 && speaks(s.Branches[0].Locale) {
		return s.Branches[0].Locale
	}
	return "en"
}

// narrow sets BranchIDs from the branch switcher's cookie: the chosen
// branch when the user works there, else every branch of theirs (a cookie
// naming another branch, or one the user has left, narrows nothing).
func (s *Staff) narrow(cookie string) {
	s.BranchIDs, s.Chosen = make([]int64, 0, len(s.Branches)), 0
	id, _ := strconv.ParseInt(cookie, 10, 64)
	for _, b := range s.Branches {
		if id != 0 && b.ID == id {
			s.BranchIDs, s.Chosen = []int64{b.ID}, b.ID
			return
		}
		s.BranchIDs = append(s.BranchIDs, b.ID)
	}
}

// chooseBranch is POST /branch (fields branch: an id of the user's
// branches or "" for all of them; back: the page to return to). The choice
// is kept in a cookie for the browser, so each device has its own.
func (h *Handler) chooseBranch(c *fiber.Ctx) error {
	s, _ := Current(c)
	raw := c.FormValue("branch")
	if raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		probe := s
		if probe.narrow(raw); err != nil || probe.Chosen != id {
			t := texts[s.Locale(c.Get(fiber.HeaderAcceptLanguage), func(l string) bool { return texts[l] != nil })]
			return c.Status(fiber.StatusBadRequest).SendString(t["unknown_branch"])
		}
	}
	c.Cookie(&fiber.Cookie{Name: branchCookie, Value: raw, Path: "/", HTTPOnly: true, Secure: h.secure(c),
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: int(SessionLifetime.Seconds())})
	// Only a path of this site: a browser reads a backslash as "/" and drops tabs
	// and line ends, so "/\t/evil.example" would leave it.
	back := c.FormValue("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.ContainsAny(back, "\\\t\r\n") {
		back = "/inbox"
	}
	return c.Redirect(back, fiber.StatusSeeOther)
}

// clearBranch forgets the switcher's choice (at sign-out: the next person
// on this browser starts with all their branches).
func (h *Handler) clearBranch(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: branchCookie, Value: "", Path: "/", HTTPOnly: true, Secure: h.secure(c),
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: -1, Expires: time.Unix(1, 0)})
}
