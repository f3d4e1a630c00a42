package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"naryad/hub"
)

// OpenLoanOfCar is the loan that holds a courtesy car now (offered or
// out; one at most, index loans_open_car), ErrNotFound when none does.
// Such a car moves with its loan (ChangeLoan) and nothing else: a hand
// on the fleet page would leave a car available, cleaning or retired
// under a loan that still promises it.
func (s *Store) OpenLoanOfCar(ctx context.Context, branchID, carID int64) (hub.Loan, error) {
	var l hub.Loan
	err := s.db.WithContext(ctx).Where("branch_id = ? AND car_id = ? AND state IN ?", branchID, carID,
		[]string{hub.LoanOffered, hub.LoanOut}).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return l, fmt.Errorf("open loan of car %d: %w", carID, ErrNotFound)
	}
	if err != nil {
		return l, fmt.Errorf("open loan of car %d: %w", carID, err)
	}
	return l, nil
}
