package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"naryad/hub"
)

// StatusKey folds a DMS status name the way mappings are looked up:
// trimmed, lower case, ё as е, inner spaces collapsed.
func StatusKey(raw string) string {
	s := strings.ToLower(strings.Join(strings.Fields(raw), " "))
	return strings.ReplaceAll(s, "ё", "е")
}

// CanonicalStatus maps a raw DMS status name for a branch: the branch's own
// mapping wins over the installation-wide one. ok is false for a name nobody
// mapped.
func (s *Store) CanonicalStatus(ctx context.Context, branchID int64, raw string) (canonical string, ok bool, err error) {
	var rows []struct {
		BranchID  *int64
		Canonical string
	}
	err = s.db.WithContext(ctx).Raw(
		`SELECT branch_id, canonical FROM status_mappings
		 WHERE raw_key = ? AND (branch_id = ? OR branch_id IS NULL)`,
		StatusKey(raw), branchID).Scan(&rows).Error
	if err != nil {
		return "", false, fmt.Errorf("map status %q: %w", raw, err)
	}
	for _, r := range rows {
		if r.BranchID != nil {
			return r.Canonical, true, nil
		}
	}
	if len(rows) > 0 {
		return rows[0].Canonical, true, nil
	}
	return "", false, nil
}

// SetStatusMapping maps a raw name to a canonical status for one branch, or
// for every branch when branchID is nil.
func (s *Store) SetStatusMapping(ctx context.Context, branchID *int64, raw, canonical string) error {
	if !hub.IsCanonicalStatus(canonical) {
		return fmt.Errorf("map status %q: %q is not one of %s", raw, canonical, strings.Join(hub.CanonicalStatuses, ", "))
	}
	key := StatusKey(raw)
	if key == "" {
		return errors.New("map status: empty name")
	}
	return s.Tx(ctx, func(tx *Store) error {
		del := tx.db.WithContext(ctx).Where("raw_key = ?", key)
		if branchID == nil {
			del = del.Where("branch_id IS NULL")
		} else {
			del = del.Where("branch_id = ?", *branchID)
		}
		if err := del.Delete(&statusMapping{}).Error; err != nil {
			return fmt.Errorf("map status %q: %w", raw, err)
		}
		row := statusMapping{BranchID: branchID, RawKey: key, RawName: strings.TrimSpace(raw), Canonical: canonical}
		if err := tx.db.WithContext(ctx).Create(&row).Error; err != nil {
			return fmt.Errorf("map status %q: %w", raw, err)
		}
		return nil
	})
}

type statusMapping struct {
	ID        int64
	BranchID  *int64
	RawKey    string
	RawName   string
	Canonical string
}

// StatusMappingRow is one mapping as listed for people.
type StatusMappingRow struct {
	BranchCode string // empty: every branch
	RawName    string
	Canonical  string
}

// StatusMappings lists every mapping, common ones first.
func (s *Store) StatusMappings(ctx context.Context) ([]StatusMappingRow, error) {
	var out []StatusMappingRow
	err := s.db.WithContext(ctx).Raw(
		`SELECT COALESCE(b.code, '') AS branch_code, m.raw_name, m.canonical
		 FROM status_mappings m LEFT JOIN branches b ON b.id = m.branch_id
		 ORDER BY COALESCE(b.code, ''), m.raw_key`).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list status mappings: %w", err)
	}
	return out, nil
}
