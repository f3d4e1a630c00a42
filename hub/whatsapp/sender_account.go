package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/store"
)

// account is the account a thread's message goes out through: the one the
// conversation already runs on while it can send, else one of the
// branch's accounts that can (connected ones first), which the thread keeps
// from then on. With none, the message is rerouted to SMS and its error
// says why ("account «main» logged out").
func (s *Sender) account(ctx context.Context, th hub.Thread) (hub.WAAccount, error) {
	bound, err := s.store.ThreadWAAccount(ctx, th.ID)
	hasBound := err == nil
	switch {
	case hasBound && bound.Usable():
		return bound, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return hub.WAAccount{}, fmt.Errorf("whatsapp: %w", err)
	}
	accs, err := s.store.BranchWAAccounts(ctx, th.BranchID)
	if err != nil {
		return hub.WAAccount{}, fmt.Errorf("whatsapp: %w", err)
	}
	pick, ok := pickSendAccount(accs)
	if !ok {
		return hub.WAAccount{}, s.noAccount(ctx, th.BranchID, bound, hasBound, accs)
	}
	if err := s.store.BindThreadToWAAccount(ctx, th.ID, pick.ID); err != nil {
		return hub.WAAccount{}, fmt.Errorf("whatsapp: %w", err)
	}
	if hasBound {
		s.log.Info("whatsapp thread moved to another account", "thread_id", th.ID,
			"from", bound.Name, "from_state", bound.State, "to", pick.Name)
	}
	return pick, nil
}

// pickSendAccount prefers a connected account, then one reconnecting; by
// name within each (the store lists them so).
func pickSendAccount(accs []hub.WAAccount) (hub.WAAccount, bool) {
	var fallback *hub.WAAccount
	for i, a := range accs {
		if a.State == hub.WAConnected {
			return a, true
		}
		if a.Usable() && fallback == nil {
			fallback = &accs[i]
		}
	}
	if fallback == nil {
		return hub.WAAccount{}, false
	}
	return *fallback, true
}

// noAccount is the reroute when nothing at the branch can send, naming
// what happened to the accounts there.
func (s *Sender) noAccount(ctx context.Context, branchID int64, bound hub.WAAccount, hasBound bool, accs []hub.WAAccount) error {
	describe := s.accountDescriber(ctx, branchID)
	switch {
	case hasBound && (len(accs) == 0 || (len(accs) == 1 && accs[0].ID == bound.ID)):
		return outbox.Reroute("%s", describe(bound))
	case len(accs) == 1:
		return outbox.Reroute("%s", describe(accs[0]))
	case len(accs) == 0:
		return outbox.Reroute("no WhatsApp account connected at the branch")
	}
	states := make([]string, 0, len(accs))
	for _, a := range accs {
		states = append(states, describe(a))
	}
	return outbox.Reroute("no WhatsApp account connected at the branch (%s)", strings.Join(states, ", "))
}

// accountDescriber says why an account cannot send, in words for the
// advisor; a ban's end is given in the branch's time zone.
func (s *Sender) accountDescriber(ctx context.Context, branchID int64) func(hub.WAAccount) string {
	loc := s.branchLocation(ctx, branchID)
	return func(a hub.WAAccount) string {
		switch a.State {
		case hub.WALoggedOut:
			return fmt.Sprintf("account «%s» logged out", a.Name)
		case hub.WABanned:
			if a.BanExpiresAt == nil {
				return fmt.Sprintf("account «%s» banned", a.Name)
			}
			return fmt.Sprintf("account «%s» banned until %s", a.Name, a.BanExpiresAt.In(loc).Format("02.01.2006 15:04 MST"))
		case hub.WAReplaced:
			return fmt.Sprintf("account «%s» replaced by another session", a.Name)
		case hub.WAUnlinked:
			return fmt.Sprintf("account «%s» not linked", a.Name)
		}
		return fmt.Sprintf("account «%s» %s", a.Name, a.State)
	}
}

func (s *Sender) branchLocation(ctx context.Context, branchID int64) *time.Location {
	b, err := s.store.Branch(ctx, branchID)
	if err != nil {
		return time.UTC
	}
	return b.Location()
}
