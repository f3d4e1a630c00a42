package kiosk

import (
	"context"
	"fmt"
	"time"

	"naryad/lockerwire"
)

// wrongEntry counts a wrong code or PIN. The count is the kiosk's, not the
// session's (going home does not reset it), and kept in kiosk.db, so a
// restart does not lift a lockout either.
func (e *Engine) wrongEntry(ctx context.Context, sess session) error {
	e.mu.Lock()
	wrong := e.wrong + 1
	e.mu.Unlock()
	if wrong < e.opts.MaxWrongEntries {
		if err := e.store.saveLockout(ctx, wrong, nil); err != nil {
			return err
		}
		e.mu.Lock()
		e.wrong = wrong
		e.mu.Unlock()
		e.showFor(sess.gen, Screen{Kind: ScreenEntry, Mode: sess.mode, Problem: ProblemWrongCode,
			AttemptsLeft: e.opts.MaxWrongEntries - wrong}, nil)
		return nil
	}
	at := e.now()
	until := at.Add(e.opts.LockoutFor)
	err := e.store.tx(ctx, func(tx *store) error {
		if err := tx.saveLockout(ctx, 0, &until); err != nil {
			return err
		}
		_, err := tx.addEvent(ctx, lockerwire.Event{Kind: lockerwire.EventPINLockout, OccurredAt: at, Actor: actorKiosk,
			Detail: fmt.Sprintf("%d wrong entries in a row (%s); locked until %s", wrong, sess.mode, until.Format(time.RFC3339))})
		return err
	})
	if err != nil {
		return fmt.Errorf("lock entry: %w", err)
	}
	e.log.Warn("kiosk: entry locked", "wrong_entries", wrong, "until", until)
	kick(e.syncNow)
	e.mu.Lock()
	e.wrong, e.lockedUntil = 0, until
	e.mu.Unlock()
	e.showFor(sess.gen, Screen{Kind: ScreenLockedOut, Mode: sess.mode, LockedUntil: until}, nil)
	return nil
}

// rightEntry resets the count after a code that matched.
func (e *Engine) rightEntry(ctx context.Context) error {
	e.mu.Lock()
	wrong := e.wrong
	e.mu.Unlock()
	if wrong == 0 {
		return nil
	}
	if err := e.store.saveLockout(ctx, 0, nil); err != nil {
		return err
	}
	e.mu.Lock()
	e.wrong = 0
	e.mu.Unlock()
	return nil
}

// locked tells whether entry is locked now.
func (e *Engine) locked() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.isLockedOut()
}

func (e *Engine) lockedUntilNow() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lockedUntil
}
