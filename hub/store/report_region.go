package store

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// A branch's region (branches.region) groups branches on /reports; ''
// means none. It is kept out of hub.Branch on purpose: only the reports
// and the admin's branches page read or write it.

// MaxRegionLength is the longest region name, in characters.
const MaxRegionLength = 60

// reportBranch is a branch as the reports group it.
type reportBranch struct {
	ID     int64
	Code   string
	Region string
}

// reportBranches loads the branches of ids, ordered by code.
func (s *Store) reportBranches(ctx context.Context, ids []int64) ([]reportBranch, error) {
	var out []reportBranch
	if err := s.db.WithContext(ctx).Raw(`SELECT id, code, region FROM branches WHERE id IN ? ORDER BY code`, ids).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("report branches: %w", err)
	}
	return out, nil
}

// BranchRegions is the region of every branch, by branch id.
func (s *Store) BranchRegions(ctx context.Context) (map[int64]string, error) {
	var rows []reportBranch
	if err := s.db.WithContext(ctx).Raw(`SELECT id, code, region FROM branches`).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("branch regions: %w", err)
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Region
	}
	return out, nil
}

// SetBranchRegion sets the region of branch id, trimmed; ErrNotFound for
// no such branch. The caller checks the length (MaxRegionLength).
func (s *Store) SetBranchRegion(ctx context.Context, id int64, region string) error {
	region = strings.TrimSpace(region)
	if utf8.RuneCountInString(region) > MaxRegionLength {
		return fmt.Errorf("set region of branch %d: longer than %d characters", id, MaxRegionLength)
	}
	res := s.db.WithContext(ctx).Exec(`UPDATE branches SET region = ? WHERE id = ?`, region, id)
	if res.Error != nil {
		return fmt.Errorf("set region of branch %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("set region of branch %d: %w", id, ErrNotFound)
	}
	return nil
}
