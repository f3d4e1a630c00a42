package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// SignInCode is one one-time code sent to a phone. Only its hash is kept
// (an HMAC under the server secret, made by the caller): the store never
// sees the code.
type SignInCode struct {
	ID        int64
	E164      string `gorm:"column:e164"`
	CodeHash  string
	IP        string
	Channel   string
	CreatedAt time.Time
	ExpiresAt time.Time
	Tries     int
	UsedAt    *time.Time
}

// TableName pins the table name.
func (SignInCode) TableName() string { return "signin_codes" }

// MaxSignInTries is how many wrong entries kill a code.
const MaxSignInTries = 5

// SignInLimits bound how many codes are sent: per phone in a short window
// and in a day, per IP in an hour. Zero fields have no limit.
type SignInLimits struct {
	PhoneWindow    time.Duration
	PerPhoneWindow int
	PerPhoneDay    int
	PerIPHour      int
}

// ErrSignInLimit: a limit is reached; no code was stored.
var ErrSignInLimit = errors.New("too many sign-in codes")

// signInLockKey serialises the issuing of codes ("NRDSIGN"), so parallel
// requests cannot all pass the count before any of them inserts.
const signInLockKey int64 = 0x4e_5244_5349_474e

// IssueSignInCode stores a new code for code.E164 unless a limit is
// reached (ErrSignInLimit). The rows themselves are the counters, so the
// limits hold across instances; the count and the insert run under one
// lock (PostgreSQL) or in one write transaction (SQLite).
func (s *Store) IssueSignInCode(ctx context.Context, code *SignInCode, lim SignInLimits, at time.Time) error {
	at = at.UTC().Truncate(time.Microsecond)
	err := s.Tx(ctx, func(tx *Store) error {
		if err := tx.xactLock(ctx, signInLockKey); err != nil {
			return err
		}
		count := func(column, value string, since time.Time) (int64, error) {
			var n int64
			err := tx.db.WithContext(ctx).Model(&SignInCode{}).
				Where(column+" = ? AND created_at > ?", value, since).Count(&n).Error
			return n, err
		}
		checks := []struct {
			column, value string
			since         time.Time
			max           int
		}{
			{"e164", code.E164, at.Add(-lim.PhoneWindow), lim.PerPhoneWindow},
			{"e164", code.E164, at.Add(-24 * time.Hour), lim.PerPhoneDay},
			{"ip", code.IP, at.Add(-time.Hour), lim.PerIPHour},
		}
		for _, c := range checks {
			if c.max <= 0 || (c.column == "ip" && c.value == "") {
				continue
			}
			n, err := count(c.column, c.value, c.since)
			if err != nil {
				return err
			}
			if n >= int64(c.max) {
				return ErrSignInLimit
			}
		}
		code.CreatedAt, code.Tries, code.UsedAt = at, 0, nil
		if code.Channel == "" {
			code.Channel = "sms"
		}
		return tx.db.WithContext(ctx).Create(code).Error
	})
	if errors.Is(err, ErrSignInLimit) {
		return err
	}
	if err != nil {
		return fmt.Errorf("issue sign-in code: %w", err)
	}
	return nil
}

// What an entered code turned out to be.
type CodeCheck int

const (
	CodeRight   CodeCheck = iota // signs in
	CodeWrong                    // counted a try; Left more remain
	CodeLocked                   // too many wrong entries: request a new code
	CodeExpired                  // too old: request a new code
	CodeNone                     // no live code for the phone (never sent, or used)
)

// CodeResult is the answer to an entered code.
type CodeResult struct {
	Check CodeCheck
	Left  int // tries left after a wrong entry
}

// codeReuse is how long the right code still signs in after its first
// use: a double-submitted form or two tabs racing both land signed in,
// while the code cannot be replayed later.
const codeReuse = time.Minute

// CheckSignInCode judges codeHash against the phone's latest code (a new
// code replaces the ones before it). Every comparison happens inside an
// UPDATE's WHERE with tries < 5, so however many entries race, at most 5
// wrong ones are ever counted (before or after the code's use) and none is
// judged against a dead code.
func (s *Store) CheckSignInCode(ctx context.Context, e164, codeHash string, at time.Time) (CodeResult, error) {
	at = at.UTC().Truncate(time.Microsecond)
	db := s.db.WithContext(ctx)
	var latest SignInCode
	err := db.Where("e164 = ?", e164).Order("id DESC").Take(&latest).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return CodeResult{Check: CodeNone}, nil
	}
	if err != nil {
		return CodeResult{}, fmt.Errorf("check sign-in code: %w", err)
	}
	right := db.Model(&SignInCode{}).
		Where("id = ? AND code_hash = ? AND tries < ? AND expires_at > ? AND (used_at IS NULL OR used_at > ?)",
			latest.ID, codeHash, MaxSignInTries, at, at.Add(-codeReuse)).
		Update("used_at", gorm.Expr("COALESCE(used_at, ?)", at))
	if right.Error != nil {
		return CodeResult{}, fmt.Errorf("check sign-in code: %w", right.Error)
	}
	if right.RowsAffected == 1 {
		return CodeResult{Check: CodeRight}, nil
	}
	// A wrong entry counts whether or not the code was used: the right
	// code still signs in for codeReuse after its use, and guesses in that
	// minute must use up the same 5 tries.
	wrong := db.Model(&SignInCode{}).
		Where("id = ? AND code_hash <> ? AND tries < ? AND expires_at > ?",
			latest.ID, codeHash, MaxSignInTries, at).
		Update("tries", gorm.Expr("tries + 1"))
	if wrong.Error != nil {
		return CodeResult{}, fmt.Errorf("count sign-in try: %w", wrong.Error)
	}
	var now SignInCode
	if err := db.Take(&now, latest.ID).Error; err != nil {
		return CodeResult{}, fmt.Errorf("check sign-in code: %w", err)
	}
	switch {
	case now.UsedAt != nil:
		return CodeResult{Check: CodeNone}, nil
	case !now.ExpiresAt.After(at):
		return CodeResult{Check: CodeExpired}, nil
	case now.Tries >= MaxSignInTries:
		return CodeResult{Check: CodeLocked}, nil
	}
	return CodeResult{Check: CodeWrong, Left: MaxSignInTries - now.Tries}, nil
}
