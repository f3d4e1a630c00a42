package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"naryad/hub"
)

// WhatsApp accounts (table wa_accounts): a branch's linked numbers and the
// state of their connections.

// ErrAccountExists is returned when an account name is taken.
var ErrAccountExists = errors.New("account name already taken")

// CreateWAAccount stores a new, not yet linked account of a branch.
func (s *Store) CreateWAAccount(ctx context.Context, a *hub.WAAccount) error {
	t := now()
	a.State, a.StateSince, a.CreatedAt, a.UpdatedAt = hub.WAUnlinked, t, t, t
	if a.MinIntervalMs == 0 {
		a.MinIntervalMs = 3000
	}
	if a.DailyNewChats == 0 {
		a.DailyNewChats = 30
	}
	if a.DailySends == 0 {
		a.DailySends = DefaultWADailySends
	}
	if err := s.db.WithContext(ctx).Create(a).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) || isUniqueViolation(err) {
			return fmt.Errorf("create WhatsApp account %q: %w", a.Name, ErrAccountExists)
		}
		return fmt.Errorf("create WhatsApp account %q: %w", a.Name, err)
	}
	return nil
}

// WAAccount loads an account by id.
func (s *Store) WAAccount(ctx context.Context, id int64) (hub.WAAccount, error) {
	var a hub.WAAccount
	err := s.db.WithContext(ctx).Take(&a, id).Error
	return a, notFound(err, "WhatsApp account %d", id)
}

// WAAccountByName loads an account by its name.
func (s *Store) WAAccountByName(ctx context.Context, name string) (hub.WAAccount, error) {
	var a hub.WAAccount
	err := s.db.WithContext(ctx).Where("name = ?", name).Take(&a).Error
	return a, notFound(err, "WhatsApp account %q", name)
}

// WAAccounts lists every account by branch and name.
func (s *Store) WAAccounts(ctx context.Context) ([]hub.WAAccount, error) {
	var out []hub.WAAccount
	if err := s.db.WithContext(ctx).Order("branch_id, name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list WhatsApp accounts: %w", err)
	}
	return out, nil
}

// BranchWAAccounts lists a branch's accounts by name.
func (s *Store) BranchWAAccounts(ctx context.Context, branchID int64) ([]hub.WAAccount, error) {
	var out []hub.WAAccount
	if err := s.db.WithContext(ctx).Where("branch_id = ?", branchID).Order("name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("WhatsApp accounts of branch %d: %w", branchID, err)
	}
	return out, nil
}

// SetWAAccountState records a connection state with its detail (a reason,
// an error) and, for a temporary ban, its expiry. state_since moves only
// when the state changes, so the page can say "disconnected for 20 min".
// changed tells whether the state differed (to alert staff once).
func (s *Store) SetWAAccountState(ctx context.Context, id int64, state, detail string, banExpires *time.Time) (changed bool, err error) {
	t := now()
	if banExpires != nil {
		u := banExpires.UTC().Truncate(time.Microsecond)
		banExpires = &u
	}
	err = s.Tx(ctx, func(tx *Store) error {
		res := tx.db.WithContext(ctx).Exec(`UPDATE wa_accounts SET state = ?, state_since = ?, updated_at = ?
			WHERE id = ? AND state <> ?`, state, t, t, id, state)
		if res.Error != nil {
			return res.Error
		}
		changed = res.RowsAffected > 0
		return tx.db.WithContext(ctx).Exec(`UPDATE wa_accounts SET state_detail = ?, ban_expires_at = ?, updated_at = ? WHERE id = ?`,
			detail, banExpires, t, id).Error
	})
	if err != nil {
		return false, fmt.Errorf("set state of WhatsApp account %d to %s: %w", id, state, err)
	}
	return changed, nil
}

// SetWALinkCode shows a linking in progress: the QR payload or the phone
// pairing code, valid until expires; an empty code ends it.
func (s *Store) SetWALinkCode(ctx context.Context, id int64, code string, expires *time.Time) error {
	if expires != nil {
		u := expires.UTC().Truncate(time.Microsecond)
		expires = &u
	}
	err := s.db.WithContext(ctx).Exec(`UPDATE wa_accounts SET link_code = ?, link_expires_at = ?, updated_at = ? WHERE id = ?`,
		code, expires, now(), id).Error
	if err != nil {
		return fmt.Errorf("set link code of WhatsApp account %d: %w", id, err)
	}
	return nil
}

// SetWALinked records a successful linking: the device JID and the number,
// the link code cleared and the state connecting (the manager takes over).
func (s *Store) SetWALinked(ctx context.Context, id int64, jid, phone string) error {
	t := now()
	err := s.db.WithContext(ctx).Exec(`UPDATE wa_accounts SET jid = ?, phone = ?, link_code = '', link_expires_at = NULL,
		state = ?, state_detail = '', state_since = ?, ban_expires_at = NULL, updated_at = ? WHERE id = ?`,
		jid, phone, hub.WAConnecting, t, t, id).Error
	if err != nil {
		return fmt.Errorf("record linking of WhatsApp account %d: %w", id, err)
	}
	return nil
}

// SetWAUnlinked forgets an account's device after a logout: it must be
// linked again. state is hub.WALoggedOut (the phone removed the device) or
// hub.WAUnlinked (staff logged it out).
func (s *Store) SetWAUnlinked(ctx context.Context, id int64, state, detail string) error {
	t := now()
	err := s.db.WithContext(ctx).Exec(`UPDATE wa_accounts SET jid = '', state = ?, state_detail = ?, state_since = ?,
		ban_expires_at = NULL, updated_at = ? WHERE id = ?`, state, detail, t, t, id).Error
	if err != nil {
		return fmt.Errorf("unlink WhatsApp account %d: %w", id, err)
	}
	return nil
}

// DefaultWADailySends is a new account's cap of WhatsApp messages a day.
const DefaultWADailySends = 300

// SetWADailySends sets an account's cap of WhatsApp messages a day (0: no
// cap); the caller has checked it.
func (s *Store) SetWADailySends(ctx context.Context, id int64, n int) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE wa_accounts SET daily_sends = ?, updated_at = ? WHERE id = ?`, n, now(), id).Error
	if err != nil {
		return fmt.Errorf("set daily sends of WhatsApp account %d: %w", id, err)
	}
	return nil
}

// SetWAPacing sets an account's minimum interval between sends and its
// daily cap of new chats; the caller has checked them.
func (s *Store) SetWAPacing(ctx context.Context, id int64, minIntervalMs, dailyNewChats int) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE wa_accounts SET min_interval_ms = ?, daily_new_chats = ?, updated_at = ? WHERE id = ?`,
		minIntervalMs, dailyNewChats, now(), id).Error
	if err != nil {
		return fmt.Errorf("set pacing of WhatsApp account %d: %w", id, err)
	}
	return nil
}
