package account

import (
	"context"
	"strings"

	"naryad/hub"
)

// signInPhone reads the number as people type it: with a country code
// (+7…, +48…), or without one in the country of the deployment's first
// branch, or in Russian (8 916 …) or Polish national form.
func (h *Handler) signInPhone(ctx context.Context, raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > 32 {
		return "", false
	}
	regions := []string{"RU", "PL"}
	if branches, err := h.store.Branches(ctx); err == nil && len(branches) > 0 && branches[0].Country != "" {
		regions = append([]string{branches[0].Country}, regions...)
	}
	for _, r := range regions {
		if e164, err := hub.NormalizePhone(raw, r); err == nil {
			return e164, true
		}
	}
	return "", false
}
