package staffpage

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/staff"
	"naryad/hub/store"
)

// Frame is what the layout shows around a page: its title and files, who
// is signed in, the staff pages they may open and the sign-out button.
// A view starts with {{template "staffpage-top" .Frame}} and ends with
// {{template "staffpage-bottom"}}.
type Frame struct {
	Locale   string
	T        map[string]string // the layout's words in Locale
	Title    string            // before " · naryad"
	Styles   []string          // the surface's stylesheets
	Scripts  []string          // the page's scripts
	Events   string            // the page's live stream, for its script
	Name     string            // the signed-in user's display name, linked to /profile
	Role     string            // their role, in words
	Branches string            // their branches' codes, on the pages that list them
	CSRF     string
	Back     *Link  // a way back up, on a page below a list
	Nav      []Link // the staff pages the user may open
	Sub      []Link // the pages of the section the user is in ({{template "staffpage-sub" .Frame}})
	// Switcher is the user's branches for the header's branch switcher
	// (shown with two or more); Here is this page's address, to come back
	// to after a switch.
	Switcher []BranchChoice
	Here     string
}

// BranchChoice is one option of the branch switcher; ID 0 is "all".
type BranchChoice struct {
	ID       int64
	Label    string
	Selected bool
}

// Link is an address with its words; Current marks the page the user is on.
type Link struct {
	URL, Label string
	Current    bool
}

// section is a staff page in the navigation, with the roles that may open
// it (the roles its routes require; any role when none).
type section struct {
	url, word string
	roles     []string
	pages     []Link // its own pages, when it has several
}

// sections are the staff pages, in the navigation's order.
var sections = []section{
	{url: "/inbox", word: "inbox"},
	{url: "/inbox/team", word: "team", roles: []string{store.RoleAdmin, store.RoleAdvisor}},
	{url: "/inbox/sla", word: "sla", roles: []string{store.RoleAdmin, store.RoleAdvisor}},
	{url: "/mechanic", word: "mechanic"},
	{url: "/reports", word: "reports", roles: []string{store.RoleAdmin, store.RoleAdvisor}},
	{url: "/lockers", word: "lockers"},
	{url: "/admin", word: "admin", roles: []string{store.RoleAdmin}, pages: adminPages},
}

// adminPages are the administration's pages; Label is the key of its
// words in texts.
var adminPages = []Link{
	{URL: "/admin", Label: "admin_overview"}, {URL: "/admin/users", Label: "admin_users"}, {URL: "/admin/branches", Label: "admin_branches"},
	{URL: "/admin/assign", Label: "admin_assign"},
	{URL: "/admin/statuses", Label: "admin_statuses"}, {URL: "/admin/templates", Label: "admin_templates"},
	{URL: "/admin/tokens", Label: "admin_tokens"}, {URL: "/admin/reminders", Label: "admin_reminders"}, {URL: "/admin/whatsapp", Label: "admin_whatsapp"},
	{URL: "/admin/email", Label: "admin_email"},
}

// Frame is the frame of the page c asks for, titled title, in locale
// (English when the layout has no words for it).
func (b *Base) Frame(c *fiber.Ctx, locale, title string) Frame {
	if texts[locale] == nil {
		locale = "en"
	}
	t := texts[locale]
	s, _ := staff.Current(c)
	f := Frame{Locale: locale, T: t, Title: title, Styles: b.styles, Name: DisplayName(s.User), Role: roleWord(t, s.User.Role), CSRF: s.CSRF}
	path := c.Path()
	f.Here = string(c.Request().URI().RequestURI())
	if len(s.Branches) > 1 {
		f.Switcher = append(f.Switcher, BranchChoice{Label: t["all_branches"], Selected: s.Chosen == 0})
		for _, br := range s.Branches {
			f.Switcher = append(f.Switcher, BranchChoice{ID: br.ID, Label: br.Code + " · " + br.Name, Selected: s.Chosen == br.ID})
		}
	}
	for _, sec := range sections {
		if len(sec.roles) > 0 && !hasRole(sec.roles, s.User.Role) {
			continue
		}
		current := within(path, sec.url) && !deeperSection(path, sec.url)
		f.Nav = append(f.Nav, Link{URL: sec.url, Label: t[sec.word], Current: current})
		if !current {
			continue
		}
		for i, p := range sec.pages {
			// The section's first page is its overview: current only there.
			p.Current = path == p.URL || (i > 0 && within(path, p.URL))
			p.Label = t[p.Label]
			f.Sub = append(f.Sub, p)
		}
	}
	return f
}

// deeperSection says whether another section's address holds path more
// closely than url does (/inbox/team is the team's page, not the inbox's).
func deeperSection(path, url string) bool {
	for _, other := range sections {
		if len(other.url) > len(url) && within(other.url, url) && within(path, other.url) {
			return true
		}
	}
	return false
}

// within says whether path is url or a page below it.
func within(path, url string) bool { return path == url || strings.HasPrefix(path, url+"/") }

func roleWord(t map[string]string, role string) string {
	if w, ok := t["role_"+role]; ok {
		return w
	}
	return role
}

func hasRole(roles []string, role string) bool {
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}
