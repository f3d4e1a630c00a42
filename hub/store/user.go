package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Staff roles.
const (
	RoleAdmin    = "admin"
	RoleAdvisor  = "advisor"
	RoleMechanic = "mechanic"
)

// Roles lists every staff role.
var Roles = []string{RoleAdmin, RoleAdvisor, RoleMechanic}

// ErrLoginTaken is returned when a new user's login is already in use.
var ErrLoginTaken = errors.New("login already taken")

// User is a staff account: an admin, advisor or mechanic of one or more
// branches. Login is stored lower-cased.
type User struct {
	ID            int64
	Login         string
	Name          string
	Role          string
	PasswordHash  string
	FailedLogins  int
	FirstFailedAt *time.Time
	LockedUntil   *time.Time
	DisabledAt    *time.Time
	Locale        string // the staff pages' language: one of UserLocales ('' = not chosen)
	CreatedAt     time.Time
}

// NormalizeLogin is how logins are stored and looked up.
func NormalizeLogin(login string) string { return strings.ToLower(strings.TrimSpace(login)) }

// CreateUser stores a user with the branches it works at, in one
// transaction; a login already in use gives ErrLoginTaken.
func (s *Store) CreateUser(ctx context.Context, u *User, branchIDs []int64) error {
	u.Login = NormalizeLogin(u.Login)
	if u.Login == "" {
		return errors.New("create user: empty login")
	}
	if !slices.Contains(Roles, u.Role) {
		return fmt.Errorf("create user %q: unknown role %q", u.Login, u.Role)
	}
	if len(branchIDs) == 0 {
		return fmt.Errorf("create user %q: at least one branch is required", u.Login)
	}
	if !slices.Contains(UserLocales, u.Locale) {
		return fmt.Errorf("create user %q: %w", u.Login, ErrUnknownLocale)
	}
	u.CreatedAt = now()
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.db.WithContext(ctx).Create(u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) || isUniqueViolation(err) {
				return fmt.Errorf("create user %q: %w", u.Login, ErrLoginTaken)
			}
			return fmt.Errorf("create user %q: %w", u.Login, err)
		}
		ids := slices.Clone(branchIDs)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		args := make([]any, 0, 2*len(ids))
		for _, b := range ids {
			args = append(args, u.ID, b)
		}
		if err := tx.db.WithContext(ctx).Exec(insertIgnoring("user_branches", "user_id, branch_id", len(ids), 2), args...).Error; err != nil {
			return fmt.Errorf("create user %q: branches: %w", u.Login, err)
		}
		return nil
	})
}

// UserByLogin finds a user by login, in any case.
func (s *Store) UserByLogin(ctx context.Context, login string) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("login = ?", NormalizeLogin(login)).Take(&u).Error
	return u, notFound(err, "user %q", NormalizeLogin(login))
}

// User finds a user by id.
func (s *Store) User(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Take(&u, id).Error
	return u, notFound(err, "user %d", id)
}

// CountUsers tells how many staff accounts exist (the demo creates one
// only when there are none).
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&User{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// UserBranches lists the ids of the branches a user works at, ascending.
func (s *Store) UserBranches(ctx context.Context, userID int64) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Table("user_branches").Where("user_id = ?", userID).Order("branch_id").Pluck("branch_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("branches of user %d: %w", userID, err)
	}
	return ids, nil
}

// ClaimLoginAttempt counts a sign-in attempt at time at BEFORE its password
// is checked, in one conditional UPDATE, so parallel attempts cannot all
// read "not locked yet" and all be checked: once maxFailures attempts are
// counted in the window, or while the login is locked, the next is refused
// (allowed is false) whatever the timing. Counts older than window start
// afresh. A password that turns out right clears the count
// (ResetFailedLogins); a wrong one stays counted (LockAfterFailures).
func (s *Store) ClaimLoginAttempt(ctx context.Context, userID int64, at time.Time, window time.Duration, maxFailures int) (allowed bool, err error) {
	at = at.UTC().Truncate(time.Microsecond)
	since := at.Add(-window)
	fresh := "(first_failed_at IS NULL OR first_failed_at < ?)"
	res := s.db.WithContext(ctx).Exec(`UPDATE users SET
		failed_logins = CASE WHEN `+fresh+` THEN 1 ELSE failed_logins + 1 END,
		first_failed_at = CASE WHEN `+fresh+` THEN ? ELSE first_failed_at END
		WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?) AND (`+fresh+` OR failed_logins < ?)`,
		since, since, at, userID, at, since, maxFailures)
	if res.Error != nil {
		return false, fmt.Errorf("claim login attempt of user %d: %w", userID, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// LockAfterFailures is called when a claimed attempt's password was wrong:
// if maxFailures attempts are counted, the login is locked until
// at+lockFor (and the count cleared), and locked tells so.
func (s *Store) LockAfterFailures(ctx context.Context, userID int64, at time.Time, maxFailures int, lockFor time.Duration) (locked bool, err error) {
	until := at.UTC().Truncate(time.Microsecond).Add(lockFor)
	res := s.db.WithContext(ctx).Exec(`UPDATE users SET locked_until = ?, failed_logins = 0, first_failed_at = NULL
		WHERE id = ? AND failed_logins >= ?`, until, userID, maxFailures)
	if res.Error != nil {
		return false, fmt.Errorf("lock user %d after failed logins: %w", userID, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// ResetFailedLogins clears a user's failure count and lock (after a
// successful login, or by an admin).
func (s *Store) ResetFailedLogins(ctx context.Context, userID int64) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE users SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE id = ?`, userID).Error
	if err != nil {
		return fmt.Errorf("reset failed logins of user %d: %w", userID, err)
	}
	return nil
}

// SetLockedUntil locks a login until the given time, or unlocks it (nil).
func (s *Store) SetLockedUntil(ctx context.Context, userID int64, until *time.Time) error {
	if until != nil {
		t := until.UTC().Truncate(time.Microsecond)
		until = &t
	}
	err := s.db.WithContext(ctx).Model(&User{}).Where("id = ?", userID).Update("locked_until", until).Error
	if err != nil {
		return fmt.Errorf("lock user %d: %w", userID, err)
	}
	return nil
}
