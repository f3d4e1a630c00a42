package kiosk

import (
	"context"
	"fmt"
	"time"

	"naryad/lockerwire"
)

// kioskRow is kiosk.db's single row: the hub's last answer and the lockout.
type kioskRow struct {
	ID           int64 `gorm:"primaryKey"`
	Digest       string
	SyncedAt     *time.Time
	SiteID       int64
	SiteName     string
	Locale       string
	Branch       string
	Phone        string
	TimeZone     string
	WrongEntries int
	LockedUntil  *time.Time
}

func (kioskRow) TableName() string { return "kiosk" }

func (r kioskRow) site() lockerwire.Site {
	return lockerwire.Site{ID: r.SiteID, Name: r.SiteName, Locale: r.Locale, Branch: r.Branch, Phone: r.Phone, TimeZone: r.TimeZone}
}

// workOrder is a cached lockerwire.WorkOrder.
type workOrder struct {
	ID           int64 `gorm:"primaryKey;autoIncrement:false"`
	Number       string
	OrderKeyHash string
	OrderKeySalt string
	DropOffHash  string
	DropOffSalt  string
	PickupHash   string
	PickupSalt   string
	Ready        bool
	Paid         bool
}

func (workOrder) TableName() string { return "work_orders" }

// staffPIN is a cached lockerwire.StaffPIN.
type staffPIN struct {
	UserID  int64 `gorm:"primaryKey;autoIncrement:false"`
	Login   string
	Name    string
	PINHash string `gorm:"column:pin_hash"`
	PINSalt string `gorm:"column:pin_salt"`
}

func (staffPIN) TableName() string { return "staff_pins" }

// usedPIN is a pickup PIN that has emptied its box.
type usedPIN struct {
	PickupHash  string `gorm:"primaryKey"`
	WorkOrderID int64
	UsedAt      time.Time
}

func (usedPIN) TableName() string { return "used_pins" }

// commandDone remembers a remote opening carried out.
type commandDone struct {
	CommandID     int64 `gorm:"primaryKey;autoIncrement:false"`
	CompartmentID int64
	DoneAt        time.Time
}

func (commandDone) TableName() string { return "commands_done" }

func (s *store) kiosk(ctx context.Context) (kioskRow, error) {
	var r kioskRow
	err := s.q(ctx).Take(&r, 1).Error
	return r, notFound(err, "kiosk row")
}

// saveLockout stores the wrong-entry counter and the lockout end.
func (s *store) saveLockout(ctx context.Context, wrong int, lockedUntil *time.Time) error {
	err := s.q(ctx).Model(&kioskRow{}).Where("id = 1").
		Updates(map[string]any{"wrong_entries": wrong, "locked_until": lockedUntil}).Error
	if err != nil {
		return fmt.Errorf("save lockout: %w", err)
	}
	return nil
}

func (s *store) workOrders(ctx context.Context) ([]workOrder, error) {
	var out []workOrder
	if err := s.q(ctx).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list work orders: %w", err)
	}
	return out, nil
}

// workOrderNumbers maps cached work-order ids to their numbers.
func (s *store) workOrderNumbers(ctx context.Context) (map[int64]string, error) {
	list, err := s.workOrders(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(list))
	for _, w := range list {
		out[w.ID] = w.Number
	}
	return out, nil
}

func (s *store) staffPINs(ctx context.Context) ([]staffPIN, error) {
	var out []staffPIN
	if err := s.q(ctx).Order("user_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list staff pins: %w", err)
	}
	return out, nil
}

func (s *store) pinUsed(ctx context.Context, pickupHash string) (bool, error) {
	var n int64
	if err := s.q(ctx).Model(&usedPIN{}).Where("pickup_hash = ?", pickupHash).Count(&n).Error; err != nil {
		return false, fmt.Errorf("used pin: %w", err)
	}
	return n > 0, nil
}

func (s *store) markPINUsed(ctx context.Context, w workOrder, at time.Time) error {
	if w.PickupHash == "" {
		return nil
	}
	err := s.q(ctx).Save(&usedPIN{PickupHash: w.PickupHash, WorkOrderID: w.ID, UsedAt: at}).Error
	if err != nil {
		return fmt.Errorf("mark pin of work order %d used: %w", w.ID, err)
	}
	return nil
}

func (s *store) commandDone(ctx context.Context, id int64) (bool, error) {
	var n int64
	if err := s.q(ctx).Model(&commandDone{}).Where("command_id = ?", id).Count(&n).Error; err != nil {
		return false, fmt.Errorf("command %d done: %w", id, err)
	}
	return n > 0, nil
}

// applyCaches replaces what the kiosk knows from the hub with resp. The
// compartments' configuration follows the hub, their states stay the
// kiosk's; a box the hub no longer lists goes only once it is free, so the
// kiosk never forgets keys it holds.
func (s *store) applyCaches(ctx context.Context, resp lockerwire.SyncResponse, at time.Time) error {
	db := s.q(ctx)
	site := resp.Site
	err := db.Model(&kioskRow{}).Where("id = 1").Updates(map[string]any{
		"digest": resp.Digest, "synced_at": at, "site_id": site.ID, "site_name": site.Name,
		"locale": site.Locale, "branch": site.Branch, "phone": site.Phone, "time_zone": site.TimeZone,
	}).Error
	if err != nil {
		return fmt.Errorf("save site: %w", err)
	}
	keep := make([]int64, 0, len(resp.Compartments))
	for _, hc := range resp.Compartments {
		keep = append(keep, hc.ID)
		c, err := s.compartment(ctx, hc.ID)
		if err != nil {
			c = compartment{ID: hc.ID, State: lockerwire.StateFree, StateSince: at, DoorClosed: true}
		}
		c.Board, c.Lock, c.Size, c.Label = hc.Board, hc.Lock, hc.Size, hc.Label
		if err := s.saveCompartment(ctx, &c); err != nil {
			return err
		}
	}
	gone := db.Where("state = ?", lockerwire.StateFree)
	if len(keep) > 0 {
		gone = gone.Where("id NOT IN ?", keep)
	}
	if err := gone.Delete(&compartment{}).Error; err != nil {
		return fmt.Errorf("drop retired compartments: %w", err)
	}

	if err := db.Where("1 = 1").Delete(&workOrder{}).Error; err != nil {
		return fmt.Errorf("clear work orders: %w", err)
	}
	pickupHashes := []string{""}
	for _, w := range resp.WorkOrders {
		row := workOrder(w)
		if err := db.Create(&row).Error; err != nil {
			return fmt.Errorf("cache work order %d: %w", w.ID, err)
		}
		pickupHashes = append(pickupHashes, w.PickupHash)
	}
	// A used PIN is remembered only while the hub still hands it out.
	if err := db.Where("pickup_hash NOT IN ?", pickupHashes).Delete(&usedPIN{}).Error; err != nil {
		return fmt.Errorf("forget used pins: %w", err)
	}

	if err := db.Where("1 = 1").Delete(&staffPIN{}).Error; err != nil {
		return fmt.Errorf("clear staff pins: %w", err)
	}
	for _, p := range resp.Staff {
		row := staffPIN{UserID: p.UserID, Login: p.Login, Name: p.Name, PINHash: p.PINHash, PINSalt: p.PINSalt}
		if err := db.Create(&row).Error; err != nil {
			return fmt.Errorf("cache staff pin %s: %w", p.Login, err)
		}
	}
	return nil
}
