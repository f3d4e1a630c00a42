package app

import (
	"context"

	"naryad/reminders"
)

// ScanReminders runs the reminders' scan of every branch now, as the
// scheduler does every 5 minutes, and sums what it did: a test's "the
// next reminder" without waiting for the clock.
func (s *Server) ScanReminders(ctx context.Context) (reminders.Result, error) {
	var sum reminders.Result
	branches, err := s.store.Branches(ctx)
	if err != nil {
		return sum, err
	}
	for _, b := range branches {
		r, err := s.reminderRun.Scan(ctx, b)
		if err != nil {
			return sum, err
		}
		sum.Sent += r.Sent
		sum.Tasks += r.Tasks
		sum.Noted += r.Noted
		sum.Held += r.Held
		sum.OptedOut += r.OptedOut
		sum.Duplicates += r.Duplicates
	}
	return sum, nil
}
