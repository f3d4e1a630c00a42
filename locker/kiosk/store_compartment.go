package kiosk

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"naryad/lockerwire"
)

// compartment is one box as kiosk.db keeps it: the hub's configuration,
// the state the kiosk owns, and, while State is open, the door action in
// progress (Opening*), written before the unlock pulse.
type compartment struct {
	ID          int64 `gorm:"primaryKey;autoIncrement:false"`
	Board       int
	Lock        int // 1–16 as printed
	Size        string
	Label       string
	State       string // lockerwire.State*
	WorkOrderID *int64
	StateSince  time.Time
	DoorClosed  bool // as last read from the board
	Item        bool

	OpeningPurpose string // purpose* below
	OpeningActor   string
	OpeningAt      *time.Time
	OpeningReopen  bool // this opening is the customer's one reopen
	// OpeningSeenOpen: the board has reported the door open since the
	// pulse; until then a "closed" reading may just be the door not yet
	// sprung, so it does not finish the opening (see closeIsReal).
	OpeningSeenOpen bool
	OpeningAlarmed  bool // door_left_open already raised for this opening
	// What the box was before the opening: where a failed pulse reverts
	// to, and what staff and remote openings compare the sensor against.
	OpeningPrevState       string
	OpeningPrevWorkOrderID *int64
}

func (compartment) TableName() string { return "compartments" }

// Why a door was opened: decides what its closing means.
const (
	purposeDropOff     = "dropoff"
	purposePickup      = "pickup"
	purposeStaffTake   = "staff_take"
	purposeStaffReturn = "staff_return"
	purposeStaffOpen   = "staff_open"
	purposeRemote      = "remote"
)

func (c compartment) workOrder() int64 {
	if c.WorkOrderID == nil {
		return 0
	}
	return *c.WorkOrderID
}

// snapshot is the compartment as the hub sees it in a SyncRequest.
func (c compartment) snapshot() lockerwire.CompartmentState {
	return lockerwire.CompartmentState{ID: c.ID, State: c.State, WorkOrderID: c.workOrder(),
		Since: c.StateSince, DoorClosed: c.DoorClosed, Item: c.Item}
}

// setState moves the box to state for work order wo (0 = none) and ends
// any opening.
func (c *compartment) setState(state string, wo int64, at time.Time) {
	if c.State != state || c.workOrder() != wo {
		c.StateSince = at
	}
	c.State = state
	c.WorkOrderID = idOrNil(wo)
	c.OpeningPurpose, c.OpeningActor, c.OpeningAt = "", "", nil
	c.OpeningReopen, c.OpeningSeenOpen, c.OpeningAlarmed = false, false, false
	c.OpeningPrevState, c.OpeningPrevWorkOrderID = "", nil
}

func idOrNil(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func (s *store) compartment(ctx context.Context, id int64) (compartment, error) {
	var c compartment
	err := s.q(ctx).Take(&c, id).Error
	return c, notFound(err, "compartment %d", id)
}

// compartments lists every box by board and lock.
func (s *store) compartments(ctx context.Context) ([]compartment, error) {
	var out []compartment
	if err := s.q(ctx).Order("board, lock, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list compartments: %w", err)
	}
	return out, nil
}

func (s *store) saveCompartment(ctx context.Context, c *compartment) error {
	if err := s.q(ctx).Save(c).Error; err != nil {
		return fmt.Errorf("save compartment %d: %w", c.ID, err)
	}
	return nil
}

// boxOf finds the box holding (or being opened for) a work order's keys.
func (s *store) boxOf(ctx context.Context, workOrderID int64, states ...string) (compartment, bool, error) {
	var out []compartment
	err := s.q(ctx).Where("work_order_id = ? AND state IN ?", workOrderID, states).Order("id").Limit(1).Find(&out).Error
	if err != nil {
		return compartment{}, false, fmt.Errorf("box of work order %d: %w", workOrderID, err)
	}
	if len(out) == 0 {
		return compartment{}, false, nil
	}
	return out[0], true, nil
}

// freeBox picks the box a new drop-off or a return goes into: free ones
// first, then boxes whose keys are with staff (empty, only remembered for
// the panel), each smallest size first, then by label as a person reads it.
func (s *store) freeBox(ctx context.Context) (compartment, bool, error) {
	var out []compartment
	err := s.q(ctx).Where("state IN ?", []string{lockerwire.StateFree, lockerwire.StateWithStaff}).Find(&out).Error
	if err != nil {
		return compartment{}, false, fmt.Errorf("free boxes: %w", err)
	}
	if len(out) == 0 {
		return compartment{}, false, nil
	}
	return slices.MinFunc(out, compareForAllocation), true, nil
}

func compareForAllocation(a, b compartment) int {
	return cmp.Or(
		cmp.Compare(stateRank(a.State), stateRank(b.State)),
		cmp.Compare(sizeRank(a.Size), sizeRank(b.Size)),
		compareLabels(a.Label, b.Label),
		cmp.Compare(a.ID, b.ID),
	)
}

func stateRank(state string) int {
	if state == lockerwire.StateFree {
		return 0
	}
	return 1
}

func sizeRank(size string) int {
	switch size {
	case lockerwire.SizeS:
		return 0
	case lockerwire.SizeM:
		return 1
	case lockerwire.SizeL:
		return 2
	}
	return 3
}

// compareLabels puts "2" before "12": numbers by value, then text.
func compareLabels(a, b string) int {
	na, errA := strconv.Atoi(a)
	nb, errB := strconv.Atoi(b)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(na, nb)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return cmp.Compare(a, b)
}
