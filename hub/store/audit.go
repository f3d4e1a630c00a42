package store

import (
	"context"
	"fmt"
	"time"
)

// Audit actions.
const (
	AuditLogin        = "login"         // a staff user signed in
	AuditLoginFailed  = "login_failed"  // wrong password, unknown or locked login
	AuditLoginLocked  = "login_locked"  // too many failures: the login is locked for a while
	AuditLogout       = "logout"        // a staff user signed out
	AuditUserAdd      = "user_add"      // an admin created an account
	AuditAssign       = "assign"        // a thread was assigned (the inbox writes these)
	AuditAdminChanged = "admin_changed" // any other administrative change
	AuditProfile      = "profile"       // a user changed their own name or language
)

// AuditEntry is one row of the audit log. UserID is who acted (nil for the
// command line or an unknown login); Subject is what was acted on.
type AuditEntry struct {
	ID      int64
	At      time.Time
	UserID  *int64
	Action  string
	Subject string
	Detail  string
	IP      string `gorm:"column:ip"`
}

// TableName: the log is one table, "audit_log".
func (AuditEntry) TableName() string { return "audit_log" }

// Audit appends an entry; At defaults to now.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.ID = 0
	if err := s.db.WithContext(ctx).Create(&e).Error; err != nil {
		return fmt.Errorf("audit %s %q: %w", e.Action, e.Subject, err)
	}
	return nil
}

// AuditLog lists the newest entries first, at most limit of them.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	if err := s.db.WithContext(ctx).Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	return out, nil
}
