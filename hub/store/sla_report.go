package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SLAReportRow is one branch's or one advisor's figures for one kind of
// clock: the clocks due in the period, how many were met (stopped at or
// before their due time), breached (stopped later, or still running past
// it) and how many are still running and not yet due.
type SLAReportRow struct {
	BranchID   int64  // set on branch rows
	BranchCode string // set on branch rows
	AdvisorID  int64  // set on advisor rows
	Advisor    string // set on advisor rows: name, or login
	Kind       string // SLAFirst, SLANext, SLAResolution
	Due        int
	Met        int
	Breached   int
	Running    int
}

// MetPercent is Met out of the decided clocks (met + breached), 0..100;
// ok is false when none is decided yet.
func (r SLAReportRow) MetPercent() (pct float64, ok bool) {
	if r.Met+r.Breached == 0 {
		return 0, false
	}
	return 100 * float64(r.Met) / float64(r.Met+r.Breached), true
}

// SLAReport is the SLA part of the report: per branch (by code) and per
// advisor (by name), one row per kind that had a clock due.
type SLAReport struct {
	Branches []SLAReportRow
	Advisors []SLAReportRow
}

// SLAReport counts the clocks of q.BranchIDs due in [q.From, q.To). A clock
// counts for its thread's branch and for the advisor it was held against:
// the thread's assignee when it stopped (or when it started, while it
// runs); a clock nobody was assigned to counts for the branch only.
//
// now decides what a running clock is: breached once now is past its due
// time (as on the breach list and the inbox badge), running before. The
// caller passes its clock, so a page and its tests agree on it.
func (s *Store) SLAReport(ctx context.Context, q ReportQuery, now time.Time) (SLAReport, error) {
	if len(q.BranchIDs) == 0 {
		return SLAReport{}, nil
	}
	var clocks []struct {
		BranchID   int64
		BranchCode string
		AssigneeID *int64
		Advisor    string
		Kind       string
		DueAt      time.Time
		StoppedAt  *time.Time
	}
	err := s.db.WithContext(ctx).Raw(`SELECT c.branch_id, b.code AS branch_code, c.assignee_id,
	  COALESCE(NULLIF(u.name, ''), u.login, '') AS advisor, c.kind, c.due_at, c.stopped_at
	FROM sla_clocks c JOIN branches b ON b.id = c.branch_id LEFT JOIN users u ON u.id = c.assignee_id
	WHERE c.branch_id IN ? AND c.due_at >= ? AND c.due_at < ?`, q.BranchIDs, q.From.UTC(), q.To.UTC()).Scan(&clocks).Error
	if err != nil {
		return SLAReport{}, fmt.Errorf("SLA report: %w", err)
	}
	type key struct {
		branch, advisor int64
		kind            string
	}
	rows := map[key]*SLAReportRow{}
	add := func(k key, base SLAReportRow, met, breached bool) {
		r := rows[k]
		if r == nil {
			r = &base
			rows[k] = r
		}
		r.Due++
		switch {
		case met:
			r.Met++
		case breached:
			r.Breached++
		default:
			r.Running++
		}
	}
	for _, c := range clocks {
		met := c.StoppedAt != nil && !c.StoppedAt.After(c.DueAt)
		breached := (c.StoppedAt != nil && c.StoppedAt.After(c.DueAt)) || (c.StoppedAt == nil && now.After(c.DueAt))
		add(key{branch: c.BranchID, kind: c.Kind}, SLAReportRow{BranchID: c.BranchID, BranchCode: c.BranchCode, Kind: c.Kind}, met, breached)
		if c.AssigneeID != nil {
			add(key{advisor: *c.AssigneeID, kind: c.Kind}, SLAReportRow{AdvisorID: *c.AssigneeID, Advisor: c.Advisor, Kind: c.Kind}, met, breached)
		}
	}
	var out SLAReport
	for k, r := range rows {
		if k.advisor != 0 {
			out.Advisors = append(out.Advisors, *r)
		} else {
			out.Branches = append(out.Branches, *r)
		}
	}
	kindOrder := func(a, b SLAReportRow) int { return slices.Index(SLAKinds, a.Kind) - slices.Index(SLAKinds, b.Kind) }
	slices.SortFunc(out.Branches, func(a, b SLAReportRow) int {
		if c := strings.Compare(a.BranchCode, b.BranchCode); c != 0 {
			return c
		}
		return kindOrder(a, b)
	})
	slices.SortFunc(out.Advisors, func(a, b SLAReportRow) int {
		if c := strings.Compare(a.Advisor, b.Advisor); c != 0 {
			return c
		}
		if a.AdvisorID != b.AdvisorID {
			return int(a.AdvisorID - b.AdvisorID)
		}
		return kindOrder(a, b)
	})
	return out, nil
}
