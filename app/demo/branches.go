package demo

import (
	"context"
	"errors"
	"fmt"

	"naryad/hub"
	"naryad/hub/store"
)

// The demo's branches: one company, a service in Moscow and one in Warsaw,
// each with its own language, time zone and hours, so each customer reads
// their messages in their own language and times on their branch's clock.
var (
	moscowBranch = hub.Branch{Code: BranchCode, Name: "Автосервис «Наряд»", Country: "RU", TimeZone: "Europe/Moscow",
		Locale: "ru", Phone: "+74951234567", WorkingHours: "Пн–Пт 09:00–20:00, Сб 10:00–16:00"}
	warsawBranch = hub.Branch{Code: PolishBranchCode, Name: "Serwis Naryad Warszawa", Country: "PL", TimeZone: "Europe/Warsaw",
		Locale: "pl", Phone: "+48221234567", WorkingHours: "Pn–Pt 08:00–18:00, Sob 09:00–14:00"}
)

// ensureBranch returns the branch with b's code, creating it as b when
// there is none.
func ensureBranch(ctx context.Context, st *store.Store, b hub.Branch) (hub.Branch, error) {
	found, err := st.BranchByCode(ctx, b.Code)
	if !errors.Is(err, store.ErrNotFound) {
		return found, err
	}
	if err := hub.ValidateBranch(&b); err != nil {
		return b, err
	}
	if _, err := hub.ParseHours(b.WorkingHours); err != nil {
		return b, fmt.Errorf("demo branch %s: %w", b.Code, err)
	}
	return b, st.CreateBranch(ctx, &b)
}
