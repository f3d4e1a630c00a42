package reminders

import (
	"context"
	"fmt"
	"slices"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// RuleMaintenance is the maintenance rule's name.
const RuleMaintenance = "maintenance"

// Maintenance reminds a vehicle's owner that its maintenance is due, a
// number of days before the date predicted from its service plan and
// odometer (vehicles.service_due_on, kept current by the DMS ingest with
// PredictServiceDue).
//
// Each lead is its own occasion ("2027-03-01/14d") and owns the days from
// it down to the next shorter lead: with leads 14 and 3, the 14-day
// reminder is due 14 to 4 days before the date, the 3-day one 3 days before
// to the day itself. So a scan that was missed (the hub down for two days)
// sends the reminder the customer would have had, late, rather than
// nothing, and never both at once: at 12 days out the customer hears "due
// on 1 March", at 2 days out only the 3-day reminder goes. A reminder of a
// lead that went out in the last lead days counts for the vehicle even if
// the date has moved since (a new odometer reading), so a drifting
// prediction does not remind twice. After the date nothing more is sent:
// the DMS's next service data starts the next cycle.
//
// A work order for the vehicle opened on a later local day than its last
// service stops the reminders (the customer is back; a booking is being
// handled). Without a last service date, a work order opened since the
// first reminder of this due date was due stops them.
type Maintenance struct {
	// LeadDays are the days before the due date to remind on; 0 is the
	// day itself.
	LeadDays []int
}

// NewMaintenance reminds 14 and 3 days before.
func NewMaintenance() *Maintenance { return &Maintenance{LeadDays: []int{14, 3}} }

// Name is the rule's ledger name.
func (m *Maintenance) Name() string { return RuleMaintenance }

// Due lists the vehicles of the scan's branch owed a maintenance reminder.
func (m *Maintenance) Due(ctx context.Context, st *store.Store, scan Scan) ([]Reminder, error) {
	leads := descendingLeads(m.LeadDays)
	if len(leads) == 0 {
		return nil, nil
	}
	today, err := scanDay(scan)
	if err != nil {
		return nil, err
	}
	var dates []store.ServiceDueDate
	for d := 0; d <= leads[0]; d++ {
		lead := activeLead(leads, d)
		dates = append(dates, store.ServiceDueDate{
			DueOn:     today.AddDate(0, 0, d).Format(dateLayout),
			Lead:      leadName(lead),
			SentSince: today.AddDate(0, 0, -lead).Format(dateLayout),
		})
	}
	found, err := st.VehiclesDueService(ctx, scan.Branch.ID, RuleMaintenance, dates)
	if err != nil {
		return nil, fmt.Errorf("maintenance scan of branch %s: %w", scan.Branch.Code, err)
	}
	loc := scanLoc(scan)
	out := make([]Reminder, 0, len(found))
	for _, v := range found {
		due, err := time.ParseInLocation(dateLayout, v.ServiceDueOn, loc)
		if err != nil {
			return nil, fmt.Errorf("maintenance scan: vehicle %d: due date %q: %w", v.VehicleID, v.ServiceDueOn, err)
		}
		if stoppedByOrder(v, due.AddDate(0, 0, -leads[0]), loc) {
			continue
		}
		lead := activeLead(leads, daysBetween(today, due))
		car := hub.Vehicle{Make: v.Make, Model: v.Model, Plate: v.Plate}
		out = append(out, Reminder{
			Rule:       RuleMaintenance,
			Audience:   ToCustomer,
			CustomerID: v.CustomerID,
			Subject:    store.VehicleSubject(v.VehicleID),
			VehicleID:  v.VehicleID,
			Occasion:   v.ServiceDueOn + "/" + v.Lead,
			DueAt:      becameDue(due.AddDate(0, 0, -lead), scan.Now),
			Template:   templates.KeyReminderMaintenance,
			Data:       templates.Data{Vehicle: car.Title(), Plate: v.Plate, DueAt: due, Location: loc},
		})
	}
	return out, nil
}

// stoppedByOrder tells whether the owner came back since the last service:
// a work order opened on a later local day than the last service (the one
// that recorded it may open that same day), or, with no service date known,
// since the reminders for this due date began.
func stoppedByOrder(v store.ServiceDueVehicle, remindersFrom time.Time, loc *time.Location) bool {
	if v.LatestOrderAt == nil {
		return false
	}
	if v.LastServiceAt == nil {
		return !v.LatestOrderAt.Before(remindersFrom)
	}
	return v.LatestOrderAt.In(loc).Format(dateLayout) > v.LastServiceAt.In(loc).Format(dateLayout)
}

// descendingLeads is leads without negatives or repeats, longest first.
func descendingLeads(leads []int) []int {
	out := slices.DeleteFunc(slices.Clone(leads), func(d int) bool { return d < 0 })
	slices.Sort(out)
	out = slices.Compact(out)
	slices.Reverse(out)
	return out
}

// activeLead is the lead whose days include daysLeft: the shortest lead not
// shorter than it (leads longest first, daysLeft within the longest).
func activeLead(leads []int, daysLeft int) int {
	lead := leads[0]
	for _, l := range leads {
		if l >= daysLeft {
			lead = l
		}
	}
	return lead
}

func leadName(days int) string { return fmt.Sprintf("%dd", days) }

// scanDay is the scan's local date at midnight, in its zone.
func scanDay(scan Scan) (time.Time, error) {
	day, err := time.ParseInLocation(dateLayout, scan.Today, scanLoc(scan))
	if err != nil {
		return time.Time{}, fmt.Errorf("scan of branch %s: today %q: %w", scan.Branch.Code, scan.Today, err)
	}
	return day, nil
}

func scanLoc(scan Scan) *time.Location {
	if scan.Loc == nil {
		return time.UTC
	}
	return scan.Loc
}

// daysBetween counts calendar days from a to b (both local midnights); a
// daylight-saving day of 23 or 25 hours is still one day.
func daysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return int(time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC).Sub(time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// becameDue is when an occasion became due: the start of its first local
// day, or now when that is still ahead.
func becameDue(start, now time.Time) time.Time {
	if start.After(now) {
		return now.UTC()
	}
	return start.UTC()
}
