package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"naryad/hub"
)

// WhatsApp groups (table wa_groups): the group of a work order's thread.
// A row is claimed (state active, jid '') before WhatsApp is asked to create
// the group, so that of two creators only one ever asks; it then gets the
// group's JID, or turns failed. An active group is left some days after the
// work order was handed over.

// WAGroupByThread loads the group of a thread; ErrNotFound when it has none.
func (s *Store) WAGroupByThread(ctx context.Context, threadID int64) (hub.WAGroup, error) {
	var g hub.WAGroup
	err := s.db.WithContext(ctx).Where("thread_id = ?", threadID).Take(&g).Error
	return g, notFound(err, "WhatsApp group of thread %d", threadID)
}

// ClaimWAGroup inserts the thread's group row, active and with no JID yet,
// unless the thread has a row already: the unique index on thread_id makes
// this single statement the lock. claimed false means another creator (or
// an earlier attempt) holds the thread, and g is left as it was.
func (s *Store) ClaimWAGroup(ctx context.Context, g *hub.WAGroup) (claimed bool, err error) {
	row := hub.WAGroup{ThreadID: g.ThreadID, AccountID: g.AccountID, Name: g.Name, State: hub.WAGroupActive, CreatedAt: now()}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return false, fmt.Errorf("claim WhatsApp group of thread %d: %w", g.ThreadID, res.Error)
	}
	if res.RowsAffected == 0 {
		return false, nil
	}
	*g = row
	return true, nil
}

// SetWAGroupJID stores the JID WhatsApp gave a claimed group. It reports
// false when the claim is no longer open (failed meanwhile as abandoned),
// in which case nothing changed.
func (s *Store) SetWAGroupJID(ctx context.Context, id int64, jid string) (bool, error) {
	res := s.db.WithContext(ctx).Exec(`UPDATE wa_groups SET jid = ? WHERE id = ? AND state = ? AND jid = ''`,
		jid, id, hub.WAGroupActive)
	if res.Error != nil {
		return false, fmt.Errorf("store JID of WhatsApp group %d: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// FailWAGroup marks a claimed group whose creation failed; it is never
// tried again for the thread. It reports false when the group was not a
// claim still waiting for its JID (already failed, created or left).
func (s *Store) FailWAGroup(ctx context.Context, id int64, lastError string) (bool, error) {
	res := s.db.WithContext(ctx).Exec(`UPDATE wa_groups SET state = ?, last_error = ? WHERE id = ? AND state = ? AND jid = ''`,
		hub.WAGroupFailed, lastError, id, hub.WAGroupActive)
	if res.Error != nil {
		return false, fmt.Errorf("mark WhatsApp group %d failed: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// SetWAGroupLeft records that the account left an active (or invited)
// group at the given time. It reports false when the group was neither
// (left by another sweep already).
func (s *Store) SetWAGroupLeft(ctx context.Context, id int64, at time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Exec(`UPDATE wa_groups SET state = ?, left_at = ? WHERE id = ? AND state IN (?, ?)`,
		hub.WAGroupLeft, at.UTC().Truncate(time.Microsecond), id, hub.WAGroupActive, hub.WAGroupInvited)
	if res.Error != nil {
		return false, fmt.Errorf("mark WhatsApp group %d left: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// EndedWAGroup is an active or invited group whose work order is over (delivered or
// cancelled), with what the sweeper needs to decide whether to leave it.
type EndedWAGroup struct {
	Group           hub.WAGroup
	WorkOrderNumber string
	// EndedAt is when the work order was handed over or, for one
	// cancelled (or delivered without a hand-over time), its last update.
	EndedAt time.Time
	// LeaveDays is the branch's wa_group_leave_days.
	LeaveDays int
}

// endedWAGroupRow is one row of EndedWAGroups' query. The two times are
// read as columns, not COALESCEd in SQL: SQLite gives an expression no
// declared type and the driver would hand back text.
type endedWAGroupRow struct {
	ID                 int64
	ThreadID           int64
	AccountID          int64
	JID                string `gorm:"column:jid"`
	Name               string
	State              string
	CreatedAt          time.Time
	WorkOrderNumber    string
	HandedOverAt       *time.Time
	WorkOrderUpdatedAt time.Time
	LeaveDays          int
}

// EndedWAGroups lists the active (or invited), created groups whose work order is
// delivered or cancelled, oldest group first. A work order reopened after
// hand-over (status back to a working one) is not listed.
func (s *Store) EndedWAGroups(ctx context.Context) ([]EndedWAGroup, error) {
	var rows []endedWAGroupRow
	err := s.db.WithContext(ctx).Raw(
		`SELECT g.id, g.thread_id, g.account_id, g.jid, g.name, g.state, g.created_at,
		        w.number AS work_order_number, w.handed_over_at, w.updated_at AS work_order_updated_at,
		        b.wa_group_leave_days AS leave_days
		 FROM wa_groups g
		 JOIN threads t ON t.id = g.thread_id
		 JOIN work_orders w ON w.id = t.work_order_id
		 JOIN branches b ON b.id = w.branch_id
		 WHERE g.state IN (?, ?) AND g.jid <> '' AND w.status IN (?, ?)
		 ORDER BY g.id`,
		hub.WAGroupActive, hub.WAGroupInvited, hub.StatusDelivered, hub.StatusCancelled).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("WhatsApp groups of ended work orders: %w", err)
	}
	out := make([]EndedWAGroup, 0, len(rows))
	for _, r := range rows {
		ended := r.WorkOrderUpdatedAt
		if r.HandedOverAt != nil {
			ended = *r.HandedOverAt
		}
		out = append(out, EndedWAGroup{
			Group: hub.WAGroup{ID: r.ID, ThreadID: r.ThreadID, AccountID: r.AccountID, JID: r.JID, Name: r.Name,
				State: r.State, CreatedAt: r.CreatedAt},
			WorkOrderNumber: r.WorkOrderNumber, EndedAt: ended, LeaveDays: r.LeaveDays,
		})
	}
	return out, nil
}

// SetWAGroupState moves a created group from one state to another (active
// ↔ invited as its customer joins or leaves); false when it was not in
// from.
func (s *Store) SetWAGroupState(ctx context.Context, id int64, from, to string) (bool, error) {
	res := s.db.WithContext(ctx).Exec(`UPDATE wa_groups SET state = ? WHERE id = ? AND state = ? AND jid <> ''`, to, id, from)
	if res.Error != nil {
		return false, fmt.Errorf("move WhatsApp group %d from %s to %s: %w", id, from, to, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// WAGroupByJID loads the account's group with a JID; ErrNotFound when the
// hub has no such group.
func (s *Store) WAGroupByJID(ctx context.Context, accountID int64, jid string) (hub.WAGroup, error) {
	var g hub.WAGroup
	err := s.db.WithContext(ctx).Where("account_id = ? AND jid = ?", accountID, jid).Take(&g).Error
	return g, notFound(err, "WhatsApp group %s of account %d", jid, accountID)
}

// ReleaseWAGroupClaim deletes a claim that never reached WhatsApp (a
// privacy token whatsmeow could not get before asking), so a later
// message may try again; false when the row is no longer an open claim.
func (s *Store) ReleaseWAGroupClaim(ctx context.Context, id int64) (bool, error) {
	res := s.db.WithContext(ctx).Exec(`DELETE FROM wa_groups WHERE id = ? AND state = ? AND jid = ''`, id, hub.WAGroupActive)
	if res.Error != nil {
		return false, fmt.Errorf("release WhatsApp group claim %d: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}
