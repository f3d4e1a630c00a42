package account

import (
	"context"
	"slices"
	"strings"

	"naryad/hub"
)

// signInPhone reads the number as people type it: with a country code
// (+7…, +48…), or without one in the country of the deployment's first
// branch, or in Russian (8 916 …) or Polish national form. It answers the
// number, or the text key of what is wrong with it.
//
// Codes go only to numbers of the countries the deployment's branches are
// in: a sign-in page open to the world would otherwise let anyone make the
// dealer pay for SMS to premium numbers abroad ("SMS pumping"), which the
// per-phone and per-IP limits only slow down.
func (h *Handler) signInPhone(ctx context.Context, raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > 32 {
		return "", "signin_bad_phone"
	}
	countries := h.signInCountries(ctx)
	regions := append(slices.Clone(countries), "RU", "PL")
	for _, r := range regions {
		if e164, err := hub.NormalizePhone(raw, r); err == nil {
			if !slices.Contains(countries, hub.PhoneRegion(e164)) {
				return "", "signin_foreign_phone"
			}
			return e164, ""
		}
	}
	return "", "signin_bad_phone"
}

// signInCountries are the countries of the deployment's branches, the
// first branch's first; Russia and Poland when no branch names one.
func (h *Handler) signInCountries(ctx context.Context) []string {
	var out []string
	if branches, err := h.store.Branches(ctx); err == nil {
		for _, b := range branches {
			if c := strings.ToUpper(b.Country); c != "" && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	if len(out) == 0 {
		out = []string{"RU", "PL"}
	}
	return out
}
