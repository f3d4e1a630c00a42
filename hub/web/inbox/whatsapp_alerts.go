package inbox

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// whatsAppAlerts words what advisors must know about their branches'
// WhatsApp numbers: one that cannot send (logged out, banned, replaced by
// another session) sends its customers' messages by SMS until an admin
// acts, or naryad is upgraded when WhatsApp refuses its version. A short disconnection is left out: it heals on its own.
func (h *Handler) whatsAppAlerts(ctx context.Context, branchIDs []int64, t map[string]string, zones map[int64]*time.Location) ([]string, error) {
	var out []string
	for _, id := range branchIDs {
		accs, err := h.store.BranchWAAccounts(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, a := range accs {
			switch a.State {
			case hub.WALoggedOut, hub.WAReplaced, hub.WAOutdated:
				out = append(out, fmt.Sprintf(t["wa_"+a.State], a.Name))
			case hub.WABanned:
				until := "?"
				if a.BanExpiresAt != nil {
					until = a.BanExpiresAt.In(zones[id]).Format("02.01 15:04")
				}
				out = append(out, fmt.Sprintf(t["wa_banned"], a.Name, until))
			}
		}
	}
	return out, nil
}
