package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// Inbox filters. The default (FilterActive) shows every thread not resolved.
const (
	FilterActive          = ""
	FilterMine            = "mine"
	FilterUnassigned      = "unassigned"
	FilterWaitingUs       = "waiting_us"
	FilterWaitingCustomer = "waiting_customer"
	FilterResolved        = "resolved"
	FilterFollowing       = "following" // threads the user observes (assign_team.go)
)

// InboxFilters lists the filters in the order the page shows them.
var InboxFilters = []string{FilterActive, FilterMine, FilterFollowing, FilterUnassigned, FilterWaitingUs, FilterWaitingCustomer, FilterResolved}

// InboxCursor is where a page of the list ends: the next page starts
// strictly after it in (last activity, id) order, newest first.
type InboxCursor struct {
	At time.Time
	ID int64
}

// InboxQuery asks for a page of the thread list. BranchIDs scope it: a
// thread of any other branch is never returned, whatever else is asked.
type InboxQuery struct {
	UserID    int64
	BranchIDs []int64
	Filter    string
	Search    string
	Before    *InboxCursor
	Limit     int // default 50, at most 200
}

// InboxThread is one row of the list.
type InboxThread struct {
	ID                   int64
	BranchID             int64
	BranchCode           string
	State                string
	Phone                string
	Channel              string // hub.ChannelSMS, hub.ChannelWhatsApp
	CustomerName         string
	WorkOrderNumber      string
	WorkOrderStatus      string
	Plate                string
	AssigneeID           *int64
	AssigneeName         string
	LastActivityAt       time.Time
	AwaitingSince        *time.Time // oldest unanswered customer message
	FirstResponseMinutes int        // the branch's target
	LastMessage          string     // the body; LastText for the reader's language
	LastTextKey          string     // a system line's key and parameters (hub.Message)
	LastTextArgs         string
	LastDirection        string
	LastMessageAt        *time.Time
	Unread               int        // customer messages after the user's read mark
	Following            bool       // the user observes the thread: "my queue" is mine OR following
	SLADueAt             *time.Time // the earliest running SLA clock's due time (breached once past)
	SLAKind              string     // that clock's kind (SLAFirst, …)
}

// LastText is the last message as locale reads it (a system line in that
// language, anything else as written).
func (t InboxThread) LastText(locale string) string {
	return hub.Message{Body: t.LastMessage, TextKey: t.LastTextKey, TextArgs: t.LastTextArgs}.Text(locale)
}

// Cursor is where the next page starts after this row.
func (t InboxThread) Cursor() InboxCursor { return InboxCursor{At: t.LastActivityAt, ID: t.ID} }

// InboxThreads lists threads of q.BranchIDs, newest activity first.
func (s *Store) InboxThreads(ctx context.Context, q InboxQuery) ([]InboxThread, error) {
	if len(q.BranchIDs) == 0 {
		return nil, nil
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	where := []string{"t.branch_id IN ?"}
	args := []any{q.BranchIDs}
	f, fargs, err := inboxFilter(q.Filter, q.UserID)
	if err != nil {
		return nil, err
	}
	where, args = append(where, f), append(args, fargs...)
	if q.Before != nil {
		where = append(where, "(t.last_activity_at < ? OR (t.last_activity_at = ? AND t.id < ?))")
		args = append(args, q.Before.At.UTC(), q.Before.At.UTC(), q.Before.ID)
	}
	search, err := s.newThreadSearch(ctx, q.Search, q.BranchIDs)
	if err != nil {
		return nil, err
	}
	// The page's ids first (inbox_page.go), then its rows: the joins run
	// for the rows shown only.
	ids, err := s.inboxPageIDs(ctx, where, args, search, q.Limit)
	if err != nil {
		return nil, fmt.Errorf("inbox threads: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	sql := `SELECT t.id, t.branch_id, b.code AS branch_code, t.state, t.phone, t.channel, COALESCE(c.name, '') AS customer_name,
	  COALESCE(w.number, '') AS work_order_number, COALESCE(w.status, '') AS work_order_status,
	  COALESCE(v.plate, '') AS plate, t.assignee_id, COALESCE(NULLIF(u.name, ''), u.login, '') AS assignee_name,
	  t.last_activity_at, t.awaiting_since, b.first_response_minutes, t.sla_due_at, t.sla_kind
	FROM threads t
	JOIN branches b ON b.id = t.branch_id
	LEFT JOIN customers c ON c.id = t.customer_id
	LEFT JOIN work_orders w ON w.id = t.work_order_id
	LEFT JOIN vehicles v ON v.id = w.vehicle_id
	LEFT JOIN users u ON u.id = t.assignee_id
	WHERE t.id IN ?` + inboxOrder
	var rows []InboxThread
	if err := s.db.WithContext(ctx).Raw(sql, ids).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("inbox threads: %w", err)
	}
	if err := s.fillLastMessages(ctx, q.UserID, rows); err != nil {
		return nil, err
	}
	if err := s.fillFollowing(ctx, q.UserID, rows); err != nil {
		return nil, err
	}
	return rows, nil
}

// inboxFilter is the WHERE condition of a filter.
func inboxFilter(filter string, userID int64) (string, []any, error) {
	const open = "t.state <> '" + hub.ThreadResolved + "'"
	switch filter {
	case FilterActive:
		return open, nil, nil
	case FilterMine:
		return open + " AND t.assignee_id = ?", []any{userID}, nil
	case FilterFollowing:
		return open + " AND t.id IN (SELECT o.thread_id FROM thread_observers o WHERE o.user_id = ?)", []any{userID}, nil
	case FilterUnassigned:
		return open + " AND t.assignee_id IS NULL", nil, nil
	case FilterWaitingUs:
		return open + " AND t.awaiting_since IS NOT NULL", nil, nil
	case FilterWaitingCustomer:
		// Nothing of the customer's is unanswered, or staff set the
		// thread aside as pending on the customer.
		return "(t.state = '" + hub.ThreadPending + "' OR (" + open + " AND t.awaiting_since IS NULL))", nil, nil
	case FilterResolved:
		return "t.state = '" + hub.ThreadResolved + "'", nil, nil
	}
	return "", nil, fmt.Errorf("inbox threads: unknown filter %q", filter)
}

// fillLastMessages adds the last message and the unread count to a page of
// rows: two indexed look-ups per row on messages_thread (thread_id, id), run
// only for the rows shown.
func (s *Store) fillLastMessages(ctx context.Context, userID int64, rows []InboxThread) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var last []struct {
		ThreadID  int64
		Body      string
		TextKey   string
		TextArgs  string
		Direction string
		CreatedAt time.Time
		Unread    int
	}
	err := s.db.WithContext(ctx).Raw(`SELECT m.thread_id, m.body, m.text_key, m.text_args, m.direction, m.created_at,
	  (SELECT COUNT(*) FROM messages u WHERE u.thread_id = m.thread_id AND u.direction = 'in'
	     AND u.id > COALESCE((SELECT r.last_read_message_id FROM thread_reads r
	                          WHERE r.user_id = ? AND r.thread_id = m.thread_id), 0)) AS unread
	FROM messages m
	WHERE m.id IN (SELECT (SELECT MAX(x.id) FROM messages x WHERE x.thread_id = t.id) FROM threads t WHERE t.id IN ?)`,
		userID, ids).Scan(&last).Error
	if err != nil {
		return fmt.Errorf("inbox last messages: %w", err)
	}
	byThread := make(map[int64]int, len(rows))
	for i, r := range rows {
		byThread[r.ID] = i
	}
	for _, m := range last {
		r := &rows[byThread[m.ThreadID]]
		at := m.CreatedAt
		r.LastMessage, r.LastDirection, r.LastMessageAt, r.Unread = m.Body, m.Direction, &at, m.Unread
		r.LastTextKey, r.LastTextArgs = m.TextKey, m.TextArgs
	}
	return nil
}

// ThreadForStaff loads a thread only when it belongs to one of branchIDs:
// another branch's thread is ErrNotFound, exactly like a missing one.
func (s *Store) ThreadForStaff(ctx context.Context, branchIDs []int64, threadID int64) (hub.Thread, error) {
	var t hub.Thread
	if len(branchIDs) == 0 {
		return t, fmt.Errorf("thread %d: %w", threadID, ErrNotFound)
	}
	err := s.db.WithContext(ctx).Where("id = ? AND branch_id IN ?", threadID, branchIDs).Take(&t).Error
	return t, notFound(err, "thread %d", threadID)
}

// MarkThreadRead moves the user's read mark in a thread forward to
// messageID (never back).
func (s *Store) MarkThreadRead(ctx context.Context, userID, threadID, messageID int64) error {
	err := s.db.WithContext(ctx).Exec(`INSERT INTO thread_reads (user_id, thread_id, last_read_message_id, read_at)
	  VALUES (?, ?, ?, ?) ON CONFLICT (user_id, thread_id) DO UPDATE SET
	    last_read_message_id = excluded.last_read_message_id, read_at = excluded.read_at
	  WHERE thread_reads.last_read_message_id < excluded.last_read_message_id`,
		userID, threadID, messageID, now()).Error
	if err != nil {
		return fmt.Errorf("mark thread %d read: %w", threadID, err)
	}
	return nil
}

// SetFirstResponseTarget sets a branch's first-response target in minutes.
func (s *Store) SetFirstResponseTarget(ctx context.Context, branchID int64, minutes int) error {
	err := s.db.WithContext(ctx).Exec("UPDATE branches SET first_response_minutes = ? WHERE id = ?", minutes, branchID).Error
	if err != nil {
		return fmt.Errorf("set first-response target of branch %d: %w", branchID, err)
	}
	return nil
}

// SetThreadState and AssignThread are the least the list's filters need
// to be exercised; the thread page will own these actions.
func (s *Store) SetThreadState(ctx context.Context, threadID int64, state string) error {
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.db.WithContext(ctx).Exec("UPDATE threads SET state = ? WHERE id = ?", state, threadID).Error; err != nil {
			return fmt.Errorf("set state of thread %d: %w", threadID, err)
		}
		if state == hub.ThreadResolved {
			return tx.slaOnResolve(ctx, threadID) // resolving stops the SLA clocks
		}
		return nil
	})
}

// AssignThread gives a thread to a user (nil: nobody).
func (s *Store) AssignThread(ctx context.Context, threadID int64, userID *int64) error {
	if err := s.db.WithContext(ctx).Exec("UPDATE threads SET assignee_id = ? WHERE id = ?", userID, threadID).Error; err != nil {
		return fmt.Errorf("assign thread %d: %w", threadID, err)
	}
	return nil
}
