package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"naryad/hub"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// CreateBranch stores a new branch; its code must be unused.
func (s *Store) CreateBranch(ctx context.Context, b *hub.Branch) error {
	b.CreatedAt = now()
	if err := s.db.WithContext(ctx).Create(b).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) || isUniqueViolation(err) {
			return fmt.Errorf("create branch %q: code already taken", b.Code)
		}
		return fmt.Errorf("create branch %q: %w", b.Code, err)
	}
	return nil
}

// BranchByCode finds a branch by its code.
func (s *Store) BranchByCode(ctx context.Context, code string) (hub.Branch, error) {
	var b hub.Branch
	err := s.db.WithContext(ctx).Where("code = ?", code).Take(&b).Error
	return b, notFound(err, "branch %q", code)
}

// Branch finds a branch by id.
func (s *Store) Branch(ctx context.Context, id int64) (hub.Branch, error) {
	var b hub.Branch
	err := s.db.WithContext(ctx).Take(&b, id).Error
	return b, notFound(err, "branch %d", id)
}

// Branches lists every branch by code.
func (s *Store) Branches(ctx context.Context) ([]hub.Branch, error) {
	var out []hub.Branch
	if err := s.db.WithContext(ctx).Order("code").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list branches: %w", err)
	}
	return out, nil
}

// notFound turns gorm's record-not-found into ErrNotFound with context, and
// wraps any other error.
func notFound(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	what := fmt.Sprintf(format, args...)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("load %s: %w", what, err)
}
