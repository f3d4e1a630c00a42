package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"naryad/hub"
)

// ErrCarChanged is a courtesy car's state that changed between reading
// and writing it (another advisor, the loan flow); the caller reads it
// again rather than overwrite what the other did.
var ErrCarChanged = errors.New("the courtesy car changed meanwhile")

// SetCarState moves a car of a branch to state to and returns the state
// it left. Without override only hub.CarMoveAllowed moves are made (else
// *hub.CarMoveRefused); with override any state is taken — the caller
// audits who did it. The write is conditional on the state read, so two
// advisors moving the same car cannot both win (ErrCarChanged). A retired
// car has no state to change (ErrNotFound); a move to the state it is in
// changes nothing and is not an error.
func (s *Store) SetCarState(ctx context.Context, branchID, carID int64, to string, override bool) (from string, err error) {
	if !hub.IsCarState(to) {
		return "", &hub.InvalidField{Field: "state", Problem: hub.ProblemFormat}
	}
	car, err := s.CourtesyCar(ctx, branchID, carID)
	if err != nil {
		return "", err
	}
	if car.RetiredAt != nil {
		return "", fmt.Errorf("state of courtesy car %d: retired: %w", carID, ErrNotFound)
	}
	from = car.State
	if from == to {
		return from, nil
	}
	if !override && !hub.CarMoveAllowed(from, to) {
		return from, &hub.CarMoveRefused{From: from, To: to}
	}
	res := s.db.WithContext(ctx).Exec(`UPDATE courtesy_cars SET state = ?, updated_at = ? WHERE id = ? AND state = ? AND retired_at IS NULL`,
		to, time.Now().UTC(), carID, from)
	if res.Error != nil {
		return from, fmt.Errorf("courtesy car %d %s → %s: %w", carID, from, to, res.Error)
	}
	if res.RowsAffected == 0 {
		return from, ErrCarChanged
	}
	return from, nil
}
