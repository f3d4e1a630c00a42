package store

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"naryad/hub"
)

// NPS on /reports, from the 0–10 scores customers replied to the feedback
// question (feedback_scores), counted in the period the score was given:
// promoters score 9–10, passives 7–8, detractors 0–6, and the score is
// % promoters − % detractors (−100…100).
//
// A comment is what the customer wrote next: a score reply is only the
// number (hub/reply ParseScore refuses anything longer), so the comment is
// the customer's first message in the same thread after the score's
// message and within CommentWindow of it. Nothing written then: no comment.

// CommentWindow is how long after a score the customer's next message
// still counts as its comment.
const CommentWindow = 24 * time.Hour

// NPSRow is the scores of one branch, one region or all branches.
type NPSRow struct {
	BranchCode string // set on branch rows
	Region     string // set on branch and region rows
	Count      int
	Promoters  int
	Passives   int
	Detractors int
}

// Score is the NPS, rounded half away from zero; 0 with no scores.
func (r NPSRow) Score() int {
	if r.Count == 0 {
		return 0
	}
	return int(math.Round(float64(r.Promoters-r.Detractors) * 100 / float64(r.Count)))
}

func (r *NPSRow) add(score int) {
	r.Count++
	switch {
	case score >= 9:
		r.Promoters++
	case score >= 7:
		r.Passives++
	default:
		r.Detractors++
	}
}

// NPSComment is one score with what the customer wrote after it.
type NPSComment struct {
	BranchCode      string
	WorkOrderNumber string
	Customer        string // the customer's name, '' when unknown
	Score           int
	Comment         string // '' when they wrote nothing
	At              time.Time
}

// NPS is the period's NPS per branch, per region and in total, and every
// score with its comment, newest first.
type NPS struct {
	Branches []NPSRow
	Regions  []NPSRow
	Total    NPSRow
	Comments []NPSComment
}

// NPSReport computes the NPS of q's branches over its period.
func (s *Store) NPSReport(ctx context.Context, q ReportQuery) (NPS, error) {
	if len(q.BranchIDs) == 0 {
		return NPS{}, nil
	}
	branches, err := s.reportBranches(ctx, q.BranchIDs)
	if err != nil {
		return NPS{}, err
	}
	var scores []struct {
		BranchID        int64
		ThreadID        int64
		MessageID       int64
		Score           int
		CreatedAt       time.Time
		WorkOrderNumber string
		Customer        string
		MessageAt       time.Time
	}
	err = s.db.WithContext(ctx).Raw(`SELECT f.branch_id, f.thread_id, f.message_id, f.score, f.created_at,
	  w.number AS work_order_number, COALESCE(c.name, '') AS customer, m.created_at AS message_at
	FROM feedback_scores f
	JOIN work_orders w ON w.id = f.work_order_id
	JOIN messages m ON m.id = f.message_id
	LEFT JOIN customers c ON c.id = w.customer_id
	WHERE f.branch_id IN ? AND f.created_at >= ? AND f.created_at < ?
	ORDER BY f.created_at DESC, f.id DESC`, q.BranchIDs, q.From.UTC(), q.To.UTC()).Scan(&scores).Error
	if err != nil {
		return NPS{}, fmt.Errorf("nps scores: %w", err)
	}
	var after []struct {
		ThreadID  int64
		ID        int64
		Body      string
		CreatedAt time.Time
	}
	if len(scores) > 0 {
		threads := make([]int64, 0, len(scores))
		for _, x := range scores {
			threads = append(threads, x.ThreadID)
		}
		err = s.db.WithContext(ctx).Raw(`SELECT thread_id, id, body, created_at FROM messages
		WHERE thread_id IN ? AND direction = ? AND created_at >= ? AND created_at < ?
		ORDER BY thread_id, created_at, id`,
			threads, hub.DirectionIn, q.From.Add(-CommentWindow).UTC(), q.To.Add(CommentWindow).UTC()).Scan(&after).Error
		if err != nil {
			return NPS{}, fmt.Errorf("nps comments: %w", err)
		}
	}
	var out NPS
	byBranch := map[int64]*NPSRow{}
	for _, b := range branches {
		out.Branches = append(out.Branches, NPSRow{BranchCode: b.Code, Region: b.Region})
	}
	for i, b := range branches {
		byBranch[b.ID] = &out.Branches[i]
	}
	regionOf := map[int64]string{}
	for _, b := range branches {
		regionOf[b.ID] = b.Region
		if !slices.ContainsFunc(out.Regions, func(r NPSRow) bool { return r.Region == b.Region }) {
			out.Regions = append(out.Regions, NPSRow{Region: b.Region})
		}
	}
	slices.SortFunc(out.Regions, func(a, b NPSRow) int { return cmp.Compare(a.Region, b.Region) })
	for _, x := range scores {
		byBranch[x.BranchID].add(x.Score)
		out.Regions[slices.IndexFunc(out.Regions, func(r NPSRow) bool { return r.Region == regionOf[x.BranchID] })].add(x.Score)
		out.Total.add(x.Score)
		c := NPSComment{BranchCode: byBranch[x.BranchID].BranchCode, WorkOrderNumber: x.WorkOrderNumber, Customer: x.Customer, Score: x.Score, At: x.CreatedAt}
		for _, m := range after {
			if m.ThreadID == x.ThreadID && m.ID != x.MessageID && !m.CreatedAt.Before(x.MessageAt) &&
				m.CreatedAt.Sub(x.MessageAt) <= CommentWindow && (m.CreatedAt.After(x.MessageAt) || m.ID > x.MessageID) {
				c.Comment = m.Body
				break
			}
		}
		out.Comments = append(out.Comments, c)
	}
	return out, nil
}
