package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// SLA clocks (migration 00021). A clock measures one wait against the
// branch's target in its opening hours; it is started and stopped by the
// store in the transaction of the message or the resolve that causes it, so
// the inbox, the breach list and the report only read rows.
//
//   - first: the thread's first customer wait (its first response clock).
//   - next: every later customer wait — a customer message while no
//     response clock runs, after a person answered the previous one
//     (told by the stopped first clock, or, when none ran, by a person's
//     reply in the thread).
//   - resolution: a customer message while no resolution clock runs,
//     stopped when the thread is resolved (a customer writing to a
//     resolved thread reopens it and starts a new one).
//
// A response clock stops at the first reply written by a person (an
// automatic notification — a template with no author — is not a reply,
// exactly like threads.awaiting_since); resolving stops every clock. A
// target of 0 minutes starts no clock of that kind.
const (
	SLAFirst      = "first"
	SLANext       = "next"
	SLAResolution = "resolution"
)

// SLAKinds lists the clock kinds in the order pages show them.
var SLAKinds = []string{SLAFirst, SLANext, SLAResolution}

// SLATargets is a branch's targets in minutes of working hours (0: none).
type SLATargets struct {
	FirstResponseMinutes int
	NextResponseMinutes  int
	ResolutionMinutes    int
}

// MaxSLAMinutes bounds a target: 90 days of minutes is far beyond any SLA.
const MaxSLAMinutes = 90 * 24 * 60

// BranchSLATargets reads a branch's targets.
func (s *Store) BranchSLATargets(ctx context.Context, branchID int64) (SLATargets, error) {
	var t SLATargets
	err := s.db.WithContext(ctx).Raw(`SELECT first_response_minutes, next_response_minutes, resolution_minutes
	FROM branches WHERE id = ?`, branchID).Scan(&t).Error
	if err != nil {
		return t, fmt.Errorf("SLA targets of branch %d: %w", branchID, err)
	}
	return t, nil
}

// SetBranchSLATargets stores a branch's targets; each must be 0..MaxSLAMinutes.
// Running clocks keep the due time they started with.
func (s *Store) SetBranchSLATargets(ctx context.Context, branchID int64, t SLATargets) error {
	for _, m := range []int{t.FirstResponseMinutes, t.NextResponseMinutes, t.ResolutionMinutes} {
		if m < 0 || m > MaxSLAMinutes {
			return fmt.Errorf("SLA targets of branch %d: %d minutes is out of range", branchID, m)
		}
	}
	res := s.db.WithContext(ctx).Exec(`UPDATE branches SET first_response_minutes = ?, next_response_minutes = ?, resolution_minutes = ?
	WHERE id = ?`, t.FirstResponseMinutes, t.NextResponseMinutes, t.ResolutionMinutes, branchID)
	if res.Error != nil {
		return fmt.Errorf("set SLA targets of branch %d: %w", branchID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("branch %d: %w", branchID, ErrNotFound)
	}
	return nil
}

// slaThread is what starting a clock needs to know of a thread and its
// branch.
type slaThread struct {
	BranchID     int64
	AssigneeID   *int64
	WorkingHours string
	TimeZone     string
	SLATargets   `gorm:"embedded"`
}

// slaOnMessage starts or stops the clocks a message causes (AddMessage,
// same transaction).
func (s *Store) slaOnMessage(ctx context.Context, m hub.Message) error {
	switch {
	case m.Direction == hub.DirectionIn:
		return s.startSLAClocks(ctx, m.ThreadID, m.CreatedAt)
	case m.Direction == hub.DirectionOut && (m.TemplateKey == "" || m.Author != ""):
		return s.stopSLAClocks(ctx, m.ThreadID, m.CreatedAt, SLAFirst, SLANext)
	}
	return nil
}

// slaOnResolve stops every running clock of a resolved thread.
func (s *Store) slaOnResolve(ctx context.Context, threadID int64) error {
	return s.stopSLAClocks(ctx, threadID, now(), SLAFirst, SLANext, SLAResolution)
}

// startSLAClocks starts the response and resolution clocks a customer
// message at `at` needs, unless they run already.
func (s *Store) startSLAClocks(ctx context.Context, threadID int64, at time.Time) error {
	db := s.db.WithContext(ctx)
	var kinds []struct {
		Kind    string
		Running bool
	}
	err := db.Raw(`SELECT kind, stopped_at IS NULL AS running FROM sla_clocks WHERE thread_id = ?
	  AND (stopped_at IS NULL OR kind = ?)`, threadID, SLAFirst).Scan(&kinds).Error
	if err != nil {
		return fmt.Errorf("SLA clocks of thread %d: %w", threadID, err)
	}
	var responding, resolving, answeredBefore bool
	for _, k := range kinds {
		switch {
		case k.Running && k.Kind == SLAResolution:
			resolving = true
		case k.Running:
			responding = true
		case k.Kind == SLAFirst:
			answeredBefore = true
		}
	}
	if responding && resolving {
		return nil
	}
	if !responding && !answeredBefore {
		// No first clock ever ran (no first-response target, or a thread
		// older than the clocks): a person's earlier reply still makes
		// this a next wait.
		if answeredBefore, err = s.personAnswered(ctx, threadID); err != nil {
			return err
		}
	}
	var t slaThread
	err = db.Raw(`SELECT t.branch_id, t.assignee_id, b.working_hours, b.time_zone,
	  b.first_response_minutes, b.next_response_minutes, b.resolution_minutes
	FROM threads t JOIN branches b ON b.id = t.branch_id WHERE t.id = ?`, threadID).Scan(&t).Error
	if err != nil {
		return fmt.Errorf("SLA targets of thread %d: %w", threadID, err)
	}
	type clock struct {
		kind    string
		minutes int
	}
	var start []clock
	switch {
	case responding:
	case answeredBefore:
		start = append(start, clock{SLANext, t.NextResponseMinutes})
	default:
		start = append(start, clock{SLAFirst, t.FirstResponseMinutes})
	}
	if !resolving {
		start = append(start, clock{SLAResolution, t.ResolutionMinutes})
	}
	started := false
	for _, c := range start {
		if c.minutes <= 0 {
			continue
		}
		due := slaDue(t, s.zone(t.TimeZone), at, time.Duration(c.minutes)*time.Minute)
		err := db.Exec(`INSERT INTO sla_clocks (thread_id, branch_id, kind, started_at, due_at, assignee_id) VALUES (?, ?, ?, ?, ?, ?)`,
			threadID, t.BranchID, c.kind, at.UTC(), due.UTC(), t.AssigneeID).Error
		if err != nil {
			return fmt.Errorf("start %s SLA clock of thread %d: %w", c.kind, threadID, err)
		}
		started = true
	}
	if !started {
		return nil
	}
	return s.refreshSLADue(ctx, threadID)
}

// personAnswered says whether a person has replied in the thread (what
// stops a response clock: an outgoing message that is not an automatic
// template).
func (s *Store) personAnswered(ctx context.Context, threadID int64) (bool, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Raw(`SELECT id FROM messages WHERE thread_id = ? AND direction = ?
	  AND (template_key = '' OR author <> '') LIMIT 1`, threadID, hub.DirectionOut).Scan(&ids).Error
	if err != nil {
		return false, fmt.Errorf("replies in thread %d: %w", threadID, err)
	}
	return len(ids) > 0, nil
}

// slaDue is at plus d in the branch's opening hours (read in loc, the
// branch's zone); hours that do not parse count wall-clock time, as the
// inbox badge does.
func slaDue(t slaThread, loc *time.Location, at time.Time, d time.Duration) time.Time {
	hours, err := hub.ParseHours(t.WorkingHours)
	if err != nil {
		return at.Add(d)
	}
	return hours.AddWorking(at, d, loc)
}

// stopSLAClocks stops the thread's running clocks of kinds at `at`; the
// thread's current advisor, when there is one, is who the clock counts for.
func (s *Store) stopSLAClocks(ctx context.Context, threadID int64, at time.Time, kinds ...string) error {
	res := s.db.WithContext(ctx).Exec(`UPDATE sla_clocks SET stopped_at = ?,
	  assignee_id = COALESCE((SELECT t.assignee_id FROM threads t WHERE t.id = sla_clocks.thread_id), assignee_id)
	WHERE thread_id = ? AND stopped_at IS NULL AND kind IN ?`, at.UTC(), threadID, kinds)
	if res.Error != nil {
		return fmt.Errorf("stop SLA clocks of thread %d: %w", threadID, res.Error)
	}
	if res.RowsAffected == 0 {
		return nil
	}
	return s.refreshSLADue(ctx, threadID)
}

// refreshSLADue copies the earliest running clock's due time and kind to
// the thread row, where the inbox list reads it.
func (s *Store) refreshSLADue(ctx context.Context, threadID int64) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE threads SET
	  sla_due_at = (SELECT MIN(c.due_at) FROM sla_clocks c WHERE c.thread_id = threads.id AND c.stopped_at IS NULL),
	  sla_kind = COALESCE((SELECT c.kind FROM sla_clocks c WHERE c.thread_id = threads.id AND c.stopped_at IS NULL
	                       ORDER BY c.due_at, c.id LIMIT 1), '')
	WHERE id = ?`, threadID).Error
	if err != nil {
		return fmt.Errorf("SLA due time of thread %d: %w", threadID, err)
	}
	return nil
}

// moveSLAClocks hands a merged lead's clocks to the thread it was merged
// into, so the waits its customer had keep counting (and stay in reports).
func (s *Store) moveSLAClocks(ctx context.Context, fromThread, toThread int64) error {
	res := s.db.WithContext(ctx).Exec("UPDATE sla_clocks SET thread_id = ? WHERE thread_id = ?", toThread, fromThread)
	if res.Error != nil {
		return fmt.Errorf("move SLA clocks of thread %d: %w", fromThread, res.Error)
	}
	if res.RowsAffected == 0 {
		return nil
	}
	return s.refreshSLADue(ctx, toThread)
}

// SLAClock is one measured wait of a thread.
type SLAClock struct {
	ID         int64
	ThreadID   int64
	BranchID   int64
	Kind       string
	StartedAt  time.Time
	DueAt      time.Time
	StoppedAt  *time.Time // nil while it runs
	AssigneeID *int64
}

// ThreadSLAClocks lists a thread's clocks in the order they started.
func (s *Store) ThreadSLAClocks(ctx context.Context, threadID int64) ([]SLAClock, error) {
	var out []SLAClock
	err := s.db.WithContext(ctx).Raw(`SELECT id, thread_id, branch_id, kind, started_at, due_at, stopped_at, assignee_id
	FROM sla_clocks WHERE thread_id = ? ORDER BY id`, threadID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("SLA clocks of thread %d: %w", threadID, err)
	}
	return out, nil
}
