package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"naryad/hub"
)

// The report measures three waits, over the threads of the asked branches:
//
// A wait starts with a customer (inbound) message that has no earlier
// unanswered inbound message in its thread, and ends with the next
// outgoing message written by a person (author not empty) in that thread.
// Automatic notifications (no author), notes and system entries do not
// answer. A wait still unanswered is not counted; a wait is counted in the
// period its customer message was written in.
//
// First-response time: the thread's first wait (nothing was answered in
// the thread before it). Next-response time: every later wait of the
// thread, each answered by a person. Messages carry no user id, so a reply is
// attributed to its author name (messages.author as the inbox writes it:
// the user's name, or login when the name is empty), not matched to users,
// and to the thread's branch.
//
// Approval time: for each work-order line that needed approval and was
// decided in the period, decided_at minus the time the estimate was sent:
// the first outgoing message with template_key 'estimate.request' in the
// line's thread at or before the decision. A line without such a message is
// not counted. The estimate is sent automatically (no author), so the time
// is attributed to the thread's branch and to its assignee (name, or login),
// and to no advisor when the thread is unassigned.
//
// Rows are loaded in SQL bounded by the branches and the period and the
// waits computed in Go, the same on both databases.

// ReportQuery asks for the report of BranchIDs over [From, To).
type ReportQuery struct {
	BranchIDs []int64
	From, To  time.Time
}

// ReportRow is one branch's or one advisor's figures.
type ReportRow struct {
	BranchID       int64  // set on branch rows
	BranchCode     string // set on branch rows
	Region         string // set on branch and region rows; '' none
	Advisor        string // set on advisor rows
	ResponseCount  int    // first responses
	ResponseMedian time.Duration
	ResponseP90    time.Duration
	NextCount      int // next responses
	NextMedian     time.Duration
	NextP90        time.Duration
	ApprovalCount  int
	ApprovalMedian time.Duration
}

// Report is the period's figures per branch (by code), per region (the
// branches' regions, by name; branches without one make the row of the
// empty region) and per advisor (by name).
type Report struct {
	Branches []ReportRow
	Regions  []ReportRow
	Advisors []ReportRow
}

// reportSample is one measured wait.
type reportSample struct {
	branchID int64
	advisor  string
	d        time.Duration
	next     bool // a next response (not the thread's first)
}

// Report computes the first-response and approval times of q.
func (s *Store) Report(ctx context.Context, q ReportQuery) (Report, error) {
	if len(q.BranchIDs) == 0 {
		return Report{}, nil
	}
	responses, err := s.reportResponses(ctx, q)
	if err != nil {
		return Report{}, err
	}
	approvals, err := s.reportApprovals(ctx, q)
	if err != nil {
		return Report{}, err
	}
	codes, err := s.reportBranches(ctx, q.BranchIDs)
	if err != nil {
		return Report{}, err
	}
	var out Report
	var regions []string
	for _, b := range codes {
		row := ReportRow{BranchID: b.ID, BranchCode: b.Code, Region: b.Region}
		fill(&row, responses, approvals, func(x reportSample) bool { return x.branchID == b.ID })
		out.Branches = append(out.Branches, row)
		if !slices.Contains(regions, b.Region) {
			regions = append(regions, b.Region)
		}
	}
	slices.Sort(regions)
	for _, r := range regions {
		row := ReportRow{Region: r}
		fill(&row, responses, approvals, func(x reportSample) bool {
			i := slices.IndexFunc(codes, func(b reportBranch) bool { return b.ID == x.branchID })
			return i >= 0 && codes[i].Region == r
		})
		out.Regions = append(out.Regions, row)
	}
	var names []string
	for _, x := range slices.Concat(responses, approvals) {
		if x.advisor != "" && !slices.Contains(names, x.advisor) {
			names = append(names, x.advisor)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		row := ReportRow{Advisor: n}
		fill(&row, responses, approvals, func(x reportSample) bool { return x.advisor == n })
		out.Advisors = append(out.Advisors, row)
	}
	return out, nil
}

func fill(row *ReportRow, responses, approvals []reportSample, keep func(reportSample) bool) {
	var r, n, a []time.Duration
	for _, x := range responses {
		switch {
		case !keep(x):
		case x.next:
			n = append(n, x.d)
		default:
			r = append(r, x.d)
		}
	}
	for _, x := range approvals {
		if keep(x) {
			a = append(a, x.d)
		}
	}
	row.ResponseCount, row.ResponseMedian, row.ResponseP90 = len(r), Percentile(r, 50), Percentile(r, 90)
	row.NextCount, row.NextMedian, row.NextP90 = len(n), Percentile(n, 50), Percentile(n, 90)
	row.ApprovalCount, row.ApprovalMedian = len(a), Percentile(a, 50)
}

// Percentile is the p-th percentile of ds by linear interpolation between
// the closest ranks (p 50 is the median); 0 for no values.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	pos := p / 100 * float64(len(sorted)-1)
	lo := int(pos)
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(lo)
	return sorted[lo] + time.Duration(frac*float64(sorted[lo+1]-sorted[lo]))
}

// reportMessage is a message of a thread the report reads.
type reportMessage struct {
	ThreadID  int64
	BranchID  int64
	Direction string
	Author    string
	CreatedAt time.Time
}

// reportResponses measures the first responses to waits started in the
// period. It reads every inbound and outgoing message of the threads with
// an inbound message in the period, so a wait started earlier is seen.
func (s *Store) reportResponses(ctx context.Context, q ReportQuery) ([]reportSample, error) {
	var msgs []reportMessage
	err := s.db.WithContext(ctx).Raw(`SELECT m.thread_id, t.branch_id, m.direction, m.author, m.created_at
	FROM messages m JOIN threads t ON t.id = m.thread_id
	WHERE t.branch_id IN ? AND m.direction IN ? AND m.thread_id IN (
	  SELECT m2.thread_id FROM messages m2 JOIN threads t2 ON t2.id = m2.thread_id
	  WHERE t2.branch_id IN ? AND m2.direction = ? AND m2.created_at >= ? AND m2.created_at < ?)
	ORDER BY m.thread_id, m.created_at, m.id`,
		q.BranchIDs, []string{hub.DirectionIn, hub.DirectionOut},
		q.BranchIDs, hub.DirectionIn, q.From.UTC(), q.To.UTC()).Scan(&msgs).Error
	if err != nil {
		return nil, fmt.Errorf("report messages: %w", err)
	}
	var out []reportSample
	var waiting *reportMessage // the inbound message that started the open wait
	answered := false          // a wait of this thread was answered before
	for i := range msgs {
		m := &msgs[i]
		if i > 0 && msgs[i-1].ThreadID != m.ThreadID {
			waiting, answered = nil, false
		}
		switch {
		case m.Direction == hub.DirectionIn && waiting == nil:
			waiting = m
		case m.Direction == hub.DirectionOut && m.Author != "" && waiting != nil:
			if !waiting.CreatedAt.Before(q.From) && waiting.CreatedAt.Before(q.To) {
				out = append(out, reportSample{branchID: m.BranchID, advisor: m.Author, d: m.CreatedAt.Sub(waiting.CreatedAt), next: answered})
			}
			waiting, answered = nil, true
		}
	}
	return out, nil
}

// reportApprovals measures the approval of lines decided in the period.
func (s *Store) reportApprovals(ctx context.Context, q ReportQuery) ([]reportSample, error) {
	var lines []struct {
		ThreadID  int64
		BranchID  int64
		Assignee  string
		DecidedAt time.Time
	}
	err := s.db.WithContext(ctx).Raw(`SELECT t.id AS thread_id, t.branch_id, COALESCE(NULLIF(u.name, ''), u.login, '') AS assignee, l.decided_at
	FROM work_order_lines l
	JOIN threads t ON t.work_order_id = l.work_order_id
	LEFT JOIN users u ON u.id = t.assignee_id
	WHERE t.branch_id IN ? AND l.needs_approval AND l.decided_at >= ? AND l.decided_at < ?
	ORDER BY l.decided_at, l.id`, q.BranchIDs, q.From.UTC(), q.To.UTC()).Scan(&lines).Error
	if err != nil {
		return nil, fmt.Errorf("report lines: %w", err)
	}
	if len(lines) == 0 {
		return nil, nil
	}
	threads := make([]int64, 0, len(lines))
	for _, l := range lines {
		threads = append(threads, l.ThreadID)
	}
	var estimates []reportMessage
	err = s.db.WithContext(ctx).Raw(`SELECT thread_id, created_at FROM messages
	WHERE thread_id IN ? AND direction = ? AND template_key = ? AND created_at < ?
	ORDER BY thread_id, created_at, id`, threads, hub.DirectionOut, "estimate.request", q.To.UTC()).Scan(&estimates).Error
	if err != nil {
		return nil, fmt.Errorf("report estimates: %w", err)
	}
	var out []reportSample
	for _, l := range lines {
		i := slices.IndexFunc(estimates, func(m reportMessage) bool {
			return m.ThreadID == l.ThreadID && !m.CreatedAt.After(l.DecidedAt)
		})
		if i < 0 {
			continue
		}
		out = append(out, reportSample{branchID: l.BranchID, advisor: l.Assignee, d: l.DecidedAt.Sub(estimates[i].CreatedAt)})
	}
	return out, nil
}
