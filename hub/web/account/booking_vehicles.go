package account

import (
	"context"
	"fmt"
	"strings"
)

// garageCar is a car the visitor may book for: a vehicle whose DMS
// customer has one of the visitor's verified numbers.
type garageCar struct {
	ID                 int64
	Make, Model, Plate string
	Phone              string // the visitor's number the car is tied by
}

// Title is how the customer recognises the car.
func (g garageCar) Title() string {
	return strings.Join(strings.Fields(strings.Join([]string{g.Make, g.Model, g.Plate}, " ")), " ")
}

// garageCars lists the vehicles of the customers on the visitor's verified
// numbers, across every branch and DMS node.
//
// This is a stand-in until the garage part's store query lands (the
// garage owns "which cars are the visitor's"); it is kept here, small,
// so swapping it is one function.
func (h *Handler) garageCars(ctx context.Context, phones []string) ([]garageCar, error) {
	if len(phones) == 0 {
		return nil, nil
	}
	var cars []garageCar
	err := h.store.Gorm(ctx).Raw(`SELECT v.id, v.make, v.model, v.plate, MIN(p.e164) AS phone
		FROM vehicles v JOIN customer_phones p ON p.customer_id = v.customer_id
		WHERE p.e164 IN ? GROUP BY v.id, v.make, v.model, v.plate ORDER BY v.id`, phones).Scan(&cars).Error
	if err != nil {
		return nil, fmt.Errorf("cars of the visitor's phones: %w", err)
	}
	return cars, nil
}
