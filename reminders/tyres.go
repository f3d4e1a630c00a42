package reminders

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// RuleTyres is the seasonal tyre rule's name.
const RuleTyres = "tyres"

// Tyre seasons as the DMS ingest stores them (it maps "лето", "zimowe"
// and the like onto these).
const (
	SeasonSummer = "summer"
	SeasonWinter = "winter"
)

// Tyres reminds owners to change tyres before the branch's regional change
// date (branches.tyre_spring_on / tyre_autumn_on, "MM-DD"): in the
// LeadDays before it, up to the date itself, customers whose vehicle is on
// (or has in storage) the other season's tyres — summer before the autumn
// date, winter before the spring one. Once per vehicle and season-year
// (occasion "2026-autumn"), so the first scan of the window sends it and a
// scan missed in it is caught up by the next. An owner with a work order
// for the vehicle in the last NoOrderDays is left alone: they were just in.
type Tyres struct {
	LeadDays    int
	NoOrderDays int
}

// NewTyres reminds from 14 days before each change date, skipping vehicles
// in a workshop in the last 30 days.
func NewTyres() *Tyres { return &Tyres{LeadDays: 14, NoOrderDays: 30} }

// Name is the rule's ledger name.
func (r *Tyres) Name() string { return RuleTyres }

// tyreChange is one of the two yearly changes.
type tyreChange struct {
	name     string // "spring" | "autumn", the occasion's suffix
	monthDay string // "MM-DD"
	from, to string // the tyres to change from, and to
}

// Due lists the vehicles of the scan's branch owed a tyre-change reminder.
func (r *Tyres) Due(ctx context.Context, st *store.Store, scan Scan) ([]Reminder, error) {
	settings, err := st.BranchReminderSettings(ctx, scan.Branch.ID)
	if err != nil {
		return nil, fmt.Errorf("tyres scan of branch %s: %w", scan.Branch.Code, err)
	}
	today, err := scanDay(scan)
	if err != nil {
		return nil, err
	}
	var out []Reminder
	for _, c := range []tyreChange{
		{name: "spring", monthDay: settings.TyreSpringOn, from: SeasonWinter, to: SeasonSummer},
		{name: "autumn", monthDay: settings.TyreAutumnOn, from: SeasonSummer, to: SeasonWinter},
	} {
		date, ok, err := r.changeAhead(c.monthDay, today)
		if err != nil {
			return nil, fmt.Errorf("tyres scan of branch %s: %s change date: %w", scan.Branch.Code, c.name, err)
		}
		if !ok {
			continue
		}
		occasion := strconv.Itoa(date.Year()) + "-" + c.name
		found, err := st.VehiclesOnTyres(ctx, store.TyreScan{
			BranchID: scan.Branch.ID, Season: c.from, Rule: RuleTyres, Occasion: occasion,
			NoOrderSince: scan.Now.AddDate(0, 0, -r.NoOrderDays),
		})
		if err != nil {
			return nil, fmt.Errorf("tyres scan of branch %s: %w", scan.Branch.Code, err)
		}
		dueAt := becameDue(date.AddDate(0, 0, -r.LeadDays), scan.Now)
		for _, v := range found {
			car := hub.Vehicle{Make: v.Make, Model: v.Model, Plate: v.Plate}
			out = append(out, Reminder{
				Rule:       RuleTyres,
				Audience:   ToCustomer,
				CustomerID: v.CustomerID,
				Subject:    store.VehicleSubject(v.VehicleID),
				VehicleID:  v.VehicleID,
				Occasion:   occasion,
				DueAt:      dueAt,
				Template:   templates.KeyReminderTyres,
				Data:       templates.Data{Vehicle: car.Title(), Plate: v.Plate, Season: c.to, Location: scanLoc(scan)},
			})
		}
	}
	return out, nil
}

// changeAhead finds the change date ("MM-DD") whose reminder window holds
// today: this year's, or next year's for a window that starts in December.
func (r *Tyres) changeAhead(monthDay string, today time.Time) (time.Time, bool, error) {
	md, err := time.Parse("01-02", monthDay)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("not MM-DD: %q", monthDay)
	}
	for _, year := range []int{today.Year(), today.Year() + 1} {
		date := time.Date(year, md.Month(), md.Day(), 0, 0, 0, 0, today.Location())
		if !today.Before(date.AddDate(0, 0, -r.LeadDays)) && !today.After(date) {
			return date, true, nil
		}
	}
	return time.Time{}, false, nil
}
