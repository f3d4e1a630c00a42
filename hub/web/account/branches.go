package account

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/templates"
)

// The branch directory: every branch of the network with its city,
// address, brands, phone, hours and next closed days, filtered by city.
// It is public (a customer chooses where to go before signing in), so it
// shows only what a branch publishes anyway.

// maxHolidaysShown is how many upcoming closed days a branch's card lists.
const maxHolidaysShown = 3

// directoryView is the data of branches.html.
type directoryView struct {
	Cities   []string
	City     string // the filter; "" for all
	Branches []directoryCard
}

// directoryCard is one branch as the directory shows it.
type directoryCard struct {
	Code, Name, City, Address, Phone, Hours string
	Brands                                  string
	Holidays                                []string // "31.12.2026 — Новый год"
	Bookable                                bool     // it takes bookings of some kind
}

// branchesPage serves GET /account/branches.
func (h *Handler) branchesPage(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	locale := h.softVisitor(ctx, c)
	dir, err := h.store.BranchDirectory(ctx)
	if err != nil {
		return h.internal(c, "branch directory", err)
	}
	v := directoryView{City: strings.TrimSpace(c.Query("city"))}
	for _, b := range dir {
		if b.City != "" && !slices.Contains(v.Cities, b.City) {
			v.Cities = append(v.Cities, b.City)
		}
	}
	slices.Sort(v.Cities)
	if !slices.Contains(v.Cities, v.City) {
		v.City = "" // an unknown city filters nothing rather than showing an empty page
	}
	for _, b := range dir {
		if v.City != "" && b.City != v.City {
			continue
		}
		v.Branches = append(v.Branches, h.directoryCard(locale, b))
	}
	slices.SortStableFunc(v.Branches, func(a, b directoryCard) int {
		return strings.Compare(a.City+"\x00"+a.Name, b.City+"\x00"+b.Name)
	})
	return h.render(c, fiber.StatusOK, "branches.html", locale, "br_title", v)
}

// directoryCard words one branch for locale.
func (h *Handler) directoryCard(locale string, b hub.DirectoryBranch) directoryCard {
	card := directoryCard{Code: b.Code, Name: b.Name, City: b.City, Address: b.Address, Phone: b.Phone,
		Hours: b.WorkingHours, Brands: strings.Join(b.Brands, ", "), Bookable: len(b.Kinds) > 0}
	if strings.TrimSpace(card.Hours) == "" {
		card.Hours = h.t(locale, "br_hours_always")
	}
	loc := h.zones.Of(b.Branch)
	for i, hol := range b.Holidays {
		if i == maxHolidaysShown {
			break
		}
		day, err := time.ParseInLocation(time.DateOnly, hol.Day, loc)
		if err != nil {
			continue
		}
		text := templates.Date(locale, day)
		if hol.Name != "" {
			text += " — " + hol.Name
		}
		card.Holidays = append(card.Holidays, text)
	}
	return card
}

// softVisitor recognises a signed-in customer on a public page (so the
// page speaks their language and shows their menu) and returns the
// page's locale; anyone else gets the browser's language.
func (h *Handler) softVisitor(ctx context.Context, c *fiber.Ctx) string {
	v, err := h.signedIn(ctx, c)
	if err != nil {
		return h.browserLocale(c)
	}
	c.Locals(visitorKey, v)
	return v.Locale
}
