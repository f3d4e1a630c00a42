package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"naryad/hub"
)

// The courtesy-car fleet of a branch (issue 20): listing, adding, editing
// and retiring cars. Every change validates and returns a *hub.InvalidField
// the admin page translates; nothing is stored then. State changes are in
// loaner_state.go, the branch's loan settings in loaner_settings.go.

// Limits of a car's fields.
const (
	maxPlateLen, maxModelLen, maxCarNoteLen = 16, 80, 500
)

// vinPattern is a VIN: 17 characters, digits and Latin capitals but I, O
// and Q (ISO 3779).
var vinPattern = regexp.MustCompile(`^[A-HJ-NPR-Z0-9]{17}$`)

// plateLookalikes are the Cyrillic letters Russian plates use, written as
// the Latin letters they look like: staff type either.
var plateLookalikes = strings.NewReplacer("А", "A", "В", "B", "Е", "E", "К", "K", "М", "M", "Н", "H",
	"О", "O", "Р", "P", "С", "C", "Т", "T", "У", "Y", "Х", "X")

// normalizePlate returns the plate as shown (upper case, single spaces)
// and its key (no spaces or dashes, look-alikes Latin), or a problem.
func normalizePlate(plate string) (shown, key string, problem string) {
	shown = strings.Join(strings.Fields(strings.ToUpper(plate)), " ")
	switch {
	case shown == "":
		return "", "", hub.ProblemRequired
	case utf8.RuneCountInString(shown) > maxPlateLen:
		return "", "", hub.ProblemTooLong
	}
	for _, r := range shown {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ' && r != '-' {
			return "", "", hub.ProblemFormat
		}
	}
	key = plateLookalikes.Replace(strings.NewReplacer(" ", "", "-", "").Replace(shown))
	return shown, key, ""
}

// validCar checks and tidies the fields an admin types.
func validCar(car *hub.CourtesyCar) error {
	shown, key, problem := normalizePlate(car.Plate)
	if problem != "" {
		return &hub.InvalidField{Field: "plate", Problem: problem}
	}
	car.Plate, car.PlateKey = shown, key
	car.VIN = strings.ToUpper(strings.TrimSpace(car.VIN))
	car.Model, car.Note = strings.TrimSpace(car.Model), strings.TrimSpace(car.Note)
	switch {
	case car.VIN != "" && !vinPattern.MatchString(car.VIN):
		return &hub.InvalidField{Field: "vin", Problem: hub.ProblemFormat}
	case car.Model == "":
		return &hub.InvalidField{Field: "model", Problem: hub.ProblemRequired}
	case utf8.RuneCountInString(car.Model) > maxModelLen:
		return &hub.InvalidField{Field: "model", Problem: hub.ProblemTooLong}
	case !hub.IsCarFuel(car.Fuel):
		return &hub.InvalidField{Field: "fuel", Problem: hub.ProblemFormat}
	case utf8.RuneCountInString(car.Note) > maxCarNoteLen:
		return &hub.InvalidField{Field: "note", Problem: hub.ProblemTooLong}
	}
	return nil
}

// CourtesyCars lists a branch's cars by plate; retired ones only when
// withRetired.
func (s *Store) CourtesyCars(ctx context.Context, branchID int64, withRetired bool) ([]hub.CourtesyCar, error) {
	q := s.db.WithContext(ctx).Where("branch_id = ?", branchID)
	if !withRetired {
		q = q.Where("retired_at IS NULL")
	}
	var out []hub.CourtesyCar
	if err := q.Order("retired_at IS NOT NULL, plate_key, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("courtesy cars of branch %d: %w", branchID, err)
	}
	return out, nil
}

// CourtesyCar reads one car of a branch, retired or not.
func (s *Store) CourtesyCar(ctx context.Context, branchID, carID int64) (hub.CourtesyCar, error) {
	var rows []hub.CourtesyCar
	if err := s.db.WithContext(ctx).Where("id = ? AND branch_id = ?", carID, branchID).Find(&rows).Error; err != nil {
		return hub.CourtesyCar{}, fmt.Errorf("courtesy car %d: %w", carID, err)
	}
	if len(rows) == 0 {
		return hub.CourtesyCar{}, fmt.Errorf("courtesy car %d of branch %d: %w", carID, branchID, ErrNotFound)
	}
	return rows[0], nil
}

// plateTaken tells whether another car of the branch in use has the key.
func (s *Store) plateTaken(ctx context.Context, branchID, exceptID int64, key string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&hub.CourtesyCar{}).
		Where("branch_id = ? AND plate_key = ? AND retired_at IS NULL AND id <> ?", branchID, key, exceptID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("plate %q of branch %d: %w", key, branchID, err)
	}
	return n > 0, nil
}

// AddCourtesyCar adds an available car to car.BranchID's fleet and sets
// its ID. A plate another car of the branch in use has is refused
// (plate: taken), also when two admins add it at once (the unique index).
func (s *Store) AddCourtesyCar(ctx context.Context, car *hub.CourtesyCar) error {
	if err := validCar(car); err != nil {
		return err
	}
	if _, err := s.Branch(ctx, car.BranchID); err != nil {
		return err
	}
	if taken, err := s.plateTaken(ctx, car.BranchID, 0, car.PlateKey); err != nil || taken {
		return takenOr(err)
	}
	now := time.Now().UTC()
	car.ID, car.State, car.CreatedAt, car.UpdatedAt, car.RetiredAt = 0, hub.CarAvailable, now, now, nil
	if err := s.db.WithContext(ctx).Create(car).Error; err != nil {
		if isUniqueViolation(err) {
			return takenOr(nil)
		}
		return fmt.Errorf("add courtesy car %q to branch %d: %w", car.Plate, car.BranchID, err)
	}
	return nil
}

// takenOr is err, or the plate's "taken" problem when err is nil.
func takenOr(err error) error {
	if err != nil {
		return err
	}
	return &hub.InvalidField{Field: "plate", Problem: hub.ProblemTaken}
}

// EditCourtesyCar changes a car's plate, VIN, model, fuel and note (not
// its state). A retired car is not edited (ErrNotFound).
func (s *Store) EditCourtesyCar(ctx context.Context, car hub.CourtesyCar) error {
	if err := validCar(&car); err != nil {
		return err
	}
	if taken, err := s.plateTaken(ctx, car.BranchID, car.ID, car.PlateKey); err != nil || taken {
		return takenOr(err)
	}
	res := s.db.WithContext(ctx).Exec(`UPDATE courtesy_cars SET plate = ?, plate_key = ?, vin = ?, model = ?, fuel = ?, note = ?, updated_at = ?
		WHERE id = ? AND branch_id = ? AND retired_at IS NULL`,
		car.Plate, car.PlateKey, car.VIN, car.Model, car.Fuel, car.Note, time.Now().UTC(), car.ID, car.BranchID)
	if res.Error != nil {
		if isUniqueViolation(res.Error) {
			return takenOr(nil)
		}
		return fmt.Errorf("edit courtesy car %d: %w", car.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("edit courtesy car %d of branch %d: %w", car.ID, car.BranchID, ErrNotFound)
	}
	return nil
}

// RetireCourtesyCar takes a car out of the fleet for good; its plate may
// then be used by a new car. A car reserved or out is refused
// (*hub.CarMoveRefused): a customer is counting on it.
func (s *Store) RetireCourtesyCar(ctx context.Context, branchID, carID int64) error {
	car, err := s.CourtesyCar(ctx, branchID, carID)
	if err != nil {
		return err
	}
	if car.RetiredAt != nil {
		return fmt.Errorf("retire courtesy car %d: %w", carID, ErrNotFound)
	}
	if hub.CarBusy(car.State) {
		return &hub.CarMoveRefused{From: car.State, To: "retired"}
	}
	now := time.Now().UTC()
	// The state is part of the condition: a car reserved meanwhile stays.
	res := s.db.WithContext(ctx).Exec(`UPDATE courtesy_cars SET retired_at = ?, updated_at = ? WHERE id = ? AND state = ? AND retired_at IS NULL`,
		now, now, carID, car.State)
	if res.Error != nil {
		return fmt.Errorf("retire courtesy car %d: %w", carID, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrCarChanged
	}
	return nil
}
