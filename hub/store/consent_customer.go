package store

import (
	"context"
	"fmt"
	"time"
)

// RefuseForCustomer records the refusal of purpose on every phone of a
// customer (an e-mail's unsubscribe link names the customer, not a
// phone), so it stops that purpose on every channel. It reports how many
// phones changed their answer; a repeat changes none.
func (s *Store) RefuseForCustomer(ctx context.Context, customerID int64, purpose, source string, at time.Time) (int, error) {
	phones, err := s.CustomerPhones(ctx, customerID)
	if err != nil {
		return 0, fmt.Errorf("refuse %s for customer %d: %w", purpose, customerID, err)
	}
	changed := 0
	for _, p := range phones {
		ok, err := s.SetConsent(ctx, p, purpose, false, source, at)
		if err != nil {
			return changed, fmt.Errorf("refuse %s for customer %d: %w", purpose, customerID, err)
		}
		if ok {
			changed++
		}
	}
	return changed, nil
}
