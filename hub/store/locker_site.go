package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"naryad/hub"
	"naryad/lockerwire"
)

// Key lockers as the hub sets them up and shows them: sites and their
// compartments, staff PINs, remote openings asked for in the panel, and the
// reading side of events and alarms (the sync handler writes those).

// Audit actions of the lockers.
const (
	AuditLockerSiteAdd    = "locker_site_add"    // a locker site was set up (command line)
	AuditLockerSiteRevoke = "locker_site_revoke" // a locker site's kiosk token was revoked
	AuditLockerPIN        = "locker_pin"         // a staff member got a new kiosk PIN
	AuditLockerOpen       = "locker_open"        // an admin asked for a remote opening
	AuditLockerAlarmClear = "locker_alarm_clear" // staff cleared a locker alarm
)

// CreateLockerSite stores a site with its compartments in one transaction,
// filling in their ids; every compartment starts free.
func (s *Store) CreateLockerSite(ctx context.Context, site *hub.LockerSite, compartments []hub.LockerCompartment) error {
	at := now()
	site.CreatedAt = at
	return s.Tx(ctx, func(tx *Store) error {
		db := tx.db.WithContext(ctx)
		if err := db.Create(site).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) || isUniqueViolation(err) {
				return fmt.Errorf("create locker site %q: name already used at this branch", site.Name)
			}
			return fmt.Errorf("create locker site %q: %w", site.Name, err)
		}
		for i := range compartments {
			c := &compartments[i]
			c.SiteID = site.ID
			c.State = lockerwire.StateFree
			c.WorkOrderID, c.LoanID = nil, nil
			c.StateSince, c.UpdatedAt = at, at
			c.DoorClosed, c.Item = true, false
			if c.Size == "" {
				c.Size = "M"
			}
		}
		if len(compartments) == 0 {
			return nil
		}
		if err := db.Create(&compartments).Error; err != nil {
			return fmt.Errorf("create locker site %q: compartments: %w", site.Name, err)
		}
		return nil
	})
}

// LockerSiteByTokenHash finds the live site holding a kiosk token; a
// revoked site is not found.
func (s *Store) LockerSiteByTokenHash(ctx context.Context, hash string) (hub.LockerSite, error) {
	var site hub.LockerSite
	err := s.db.WithContext(ctx).Where("token_hash = ? AND revoked_at IS NULL", hash).Take(&site).Error
	return site, notFound(err, "locker site by token")
}

// LockerSite finds a site by id, revoked or not.
func (s *Store) LockerSite(ctx context.Context, id int64) (hub.LockerSite, error) {
	var site hub.LockerSite
	err := s.db.WithContext(ctx).Take(&site, id).Error
	return site, notFound(err, "locker site %d", id)
}

// LockerSites lists the live sites of the given branches by branch and
// name. No branches means no sites, never every site: a user without
// branches must see nothing.
func (s *Store) LockerSites(ctx context.Context, branchIDs []int64) ([]hub.LockerSite, error) {
	if len(branchIDs) == 0 {
		return nil, nil
	}
	var out []hub.LockerSite
	err := s.db.WithContext(ctx).Where("revoked_at IS NULL AND branch_id IN ?", branchIDs).Order("branch_id, name, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list locker sites: %w", err)
	}
	return out, nil
}

// RevokeLockerSite retires a site: its token stops working at once. The
// rows stay, so its events and history remain readable.
func (s *Store) RevokeLockerSite(ctx context.Context, id int64) error {
	res := s.db.WithContext(ctx).Model(&hub.LockerSite{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", now())
	if res.Error != nil {
		return fmt.Errorf("revoke locker site %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("revoke locker site %d: %w", id, ErrNotFound)
	}
	return nil
}

// LockerCompartments lists a site's compartments in board and lock order,
// the order the kiosk numbers them in.
func (s *Store) LockerCompartments(ctx context.Context, siteID int64) ([]hub.LockerCompartment, error) {
	var out []hub.LockerCompartment
	err := s.db.WithContext(ctx).Where("site_id = ?", siteID).Order("board, lock").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list compartments of locker site %d: %w", siteID, err)
	}
	return out, nil
}

// LockerStaffPINRow is one staff member who may open a kiosk's staff menu,
// with the PIN as stored (lockerwire.Hash(Salt, pin)).
type LockerStaffPINRow struct {
	UserID int64
	Login  string
	Name   string
	Salt   string
	Hash   string
}

// SetLockerStaffPIN gives a user a staff PIN, replacing the old one.
func (s *Store) SetLockerStaffPIN(ctx context.Context, userID int64, salt, hash string) error {
	err := s.db.WithContext(ctx).Exec(`INSERT INTO locker_staff_pins (user_id, salt, hash, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET salt = excluded.salt, hash = excluded.hash, created_at = excluded.created_at`,
		userID, salt, hash, now()).Error
	if err != nil {
		return fmt.Errorf("set locker staff pin of user %d: %w", userID, err)
	}
	return nil
}

// LockerStaffPINs lists the staff of a branch who have a PIN, by login;
// disabled accounts are left out, so disabling a user locks them out of
// the kiosk at its next sync.
func (s *Store) LockerStaffPINs(ctx context.Context, branchID int64) ([]LockerStaffPINRow, error) {
	var out []LockerStaffPINRow
	err := s.db.WithContext(ctx).Raw(`SELECT u.id AS user_id, u.login, u.name, p.salt, p.hash
		FROM locker_staff_pins p
		JOIN users u ON u.id = p.user_id
		JOIN user_branches ub ON ub.user_id = u.id
		WHERE ub.branch_id = ? AND u.disabled_at IS NULL
		ORDER BY u.login`, branchID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list locker staff pins of branch %d: %w", branchID, err)
	}
	return out, nil
}

// CreateLockerCommand asks the kiosk to open a compartment at its next
// sync. The compartment must belong to the command's site, so a forged
// form cannot open a box of another branch's locker.
func (s *Store) CreateLockerCommand(ctx context.Context, c *hub.LockerCommand) error {
	var n int64
	err := s.db.WithContext(ctx).Model(&hub.LockerCompartment{}).Where("id = ? AND site_id = ?", c.CompartmentID, c.SiteID).Count(&n).Error
	if err != nil {
		return fmt.Errorf("create locker command: check compartment %d: %w", c.CompartmentID, err)
	}
	if n == 0 {
		return fmt.Errorf("create locker command: compartment %d of site %d: %w", c.CompartmentID, c.SiteID, ErrNotFound)
	}
	c.ID, c.CreatedAt, c.DoneAt = 0, now(), nil
	if err := s.db.WithContext(ctx).Create(c).Error; err != nil {
		return fmt.Errorf("create locker command for compartment %d: %w", c.CompartmentID, err)
	}
	return nil
}

// PendingLockerCommands lists a site's commands not yet carried out,
// oldest first: the kiosk runs them in the order staff asked.
func (s *Store) PendingLockerCommands(ctx context.Context, siteID int64) ([]hub.LockerCommand, error) {
	var out []hub.LockerCommand
	err := s.db.WithContext(ctx).Where("site_id = ? AND done_at IS NULL", siteID).Order("created_at, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list pending commands of locker site %d: %w", siteID, err)
	}
	return out, nil
}

// LockerAlarms lists the alarms of the given sites, newest first; openOnly
// leaves out the cleared ones.
func (s *Store) LockerAlarms(ctx context.Context, siteIDs []int64, openOnly bool) ([]hub.LockerAlarm, error) {
	if len(siteIDs) == 0 {
		return nil, nil
	}
	var out []hub.LockerAlarm
	q := s.db.WithContext(ctx).Where("site_id IN ?", siteIDs)
	if openOnly {
		q = q.Where("cleared_at IS NULL")
	}
	if err := q.Order("raised_at DESC, id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list locker alarms: %w", err)
	}
	return out, nil
}

// LockerAlarm finds an alarm by id.
func (s *Store) LockerAlarm(ctx context.Context, id int64) (hub.LockerAlarm, error) {
	var a hub.LockerAlarm
	err := s.db.WithContext(ctx).Take(&a, id).Error
	return a, notFound(err, "locker alarm %d", id)
}

// ClearLockerAlarm marks an open alarm as looked at by the given login.
// Clearing one already cleared gives ErrNotFound and keeps who cleared it
// first.
func (s *Store) ClearLockerAlarm(ctx context.Context, id int64, by string) error {
	res := s.db.WithContext(ctx).Model(&hub.LockerAlarm{}).Where("id = ? AND cleared_at IS NULL", id).
		Updates(map[string]any{"cleared_at": now(), "cleared_by": by})
	if res.Error != nil {
		return fmt.Errorf("clear locker alarm %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("clear locker alarm %d: open alarm %w", id, ErrNotFound)
	}
	return nil
}

// LockerEvents lists the newest events of the given sites, at most limit,
// newest first by when they happened at the kiosk.
func (s *Store) LockerEvents(ctx context.Context, siteIDs []int64, limit int) ([]hub.LockerEvent, error) {
	if len(siteIDs) == 0 {
		return nil, nil
	}
	var out []hub.LockerEvent
	err := s.db.WithContext(ctx).Where("site_id IN ?", siteIDs).Order("occurred_at DESC, id DESC").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list locker events: %w", err)
	}
	return out, nil
}
