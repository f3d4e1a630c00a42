package store

import (
	"context"
	"fmt"
	"slices"
)

// UserRow is one staff account as the admin pages list it.
type UserRow struct {
	ID          int64
	Login       string
	Name        string
	Role        string
	Disabled    bool
	Locale      string   // '' when the user chose none
	BranchCodes []string // ascending
}

// UsersWithBranches lists every staff account by login, with the codes of
// the branches it works at.
func (s *Store) UsersWithBranches(ctx context.Context) ([]UserRow, error) {
	var users []User
	if err := s.db.WithContext(ctx).Order("login").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	var links []struct {
		UserID int64
		Code   string
	}
	err := s.db.WithContext(ctx).Raw(
		`SELECT ub.user_id, b.code FROM user_branches ub JOIN branches b ON b.id = ub.branch_id `).Scan(&links).Error
	if err != nil {
		return nil, fmt.Errorf("list users: branches: %w", err)
	}
	codes := map[int64][]string{}
	for _, l := range links {
		codes[l.UserID] = append(codes[l.UserID], l.Code)
	}
	out := make([]UserRow, 0, len(users))
	for _, u := range users {
		slices.Sort(codes[u.ID]) // byte order on both databases
		out = append(out, UserRow{ID: u.ID, Login: u.Login, Name: u.Name, Role: u.Role, Locale: u.Locale,
			Disabled: u.DisabledAt != nil, BranchCodes: codes[u.ID]})
	}
	return out, nil
}
