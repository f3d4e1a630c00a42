package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"naryad/hub"
)

// Lead conversion on /reports: chat → visit → order → revenue.
//
//   - Lead: a thread without a work order (an unknown number wrote in)
//     created in the period at one of the asked branches. A lead merged
//     into a work order's thread is deleted by the merge and no longer
//     counts (the merge audit keeps it).
//   - Visit: the earliest work order, at one of the asked branches, opened
//     at or after the lead began, for the lead's customer or for a
//     customer with the lead's phone number. It may open after the period:
//     the report shows what the period's leads became by now.
//   - Order: the visit's work order was committed to: a line approved by
//     the customer, or the DMS marked it paid, or it was handed over. A
//     visit that ended in an estimate only (nothing approved, not paid,
//     never handed over) is not an order.
//   - Revenue: the DMS total (work_orders.total_minor) of the orders, per
//     currency.
//   - Paid online: orders with a succeeded payment of their amount due not
//     refunded in full (as the online-payment share counts them).
//
// Each lead is grouped by its branch, its branch's region, its customer
// (the lead's customer's name, else the visit's, else the phone) and the
// make of the visit's vehicle ('' when no visit or no vehicle).

// LeadRow is one group's funnel.
type LeadRow struct {
	Key        string // the branch code, region, customer or make
	Leads      int
	Visits     int
	Orders     int
	PaidOnline int
	Revenue    []CurrencyAmount // by currency code
}

// OnlinePermille is PaidOnline of Orders in tenths of a percent (rounded
// down); 0 with no orders.
func (r LeadRow) OnlinePermille() int {
	if r.Orders == 0 {
		return 0
	}
	return r.PaidOnline * 1000 / r.Orders
}

// LeadConversion is the period's funnel grouped four ways, each ordered by
// key, and in total.
type LeadConversion struct {
	ByBranch, ByRegion, ByCustomer, ByMake []LeadRow
	Total                                  LeadRow
}

// leadFact is one lead and what it became.
type leadFact struct {
	branch, region, customer, make string
	visit, order, online           bool
	currency                       string
	total                          int64
}

// LeadConversionReport computes the funnel of q's leads.
func (s *Store) LeadConversionReport(ctx context.Context, q ReportQuery) (LeadConversion, error) {
	if len(q.BranchIDs) == 0 {
		return LeadConversion{}, nil
	}
	facts, err := s.leadFacts(ctx, q)
	if err != nil {
		return LeadConversion{}, err
	}
	var out LeadConversion
	out.ByBranch = groupLeads(facts, func(f leadFact) string { return f.branch })
	out.ByRegion = groupLeads(facts, func(f leadFact) string { return f.region })
	out.ByCustomer = groupLeads(facts, func(f leadFact) string { return f.customer })
	out.ByMake = groupLeads(facts, func(f leadFact) string { return f.make })
	if all := groupLeads(facts, func(leadFact) string { return "" }); len(all) == 1 {
		out.Total = all[0]
	}
	return out, nil
}

func (s *Store) leadFacts(ctx context.Context, q ReportQuery) ([]leadFact, error) {
	var leads []struct {
		BranchCode string
		Region     string
		Phone      string
		Customer   string
		VisitID    *int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT b.code AS branch_code, b.region, t.phone, COALESCE(c.name, '') AS customer,
	  (SELECT w.id FROM work_orders w
	   WHERE w.branch_id IN ? AND w.opened_at >= t.created_at AND w.customer_id IS NOT NULL
	     AND (w.customer_id = t.customer_id
	       OR (t.phone <> '' AND w.customer_id IN (SELECT p.customer_id FROM customer_phones p WHERE p.e164 = t.phone)))
	   ORDER BY w.opened_at, w.id LIMIT 1) AS visit_id
	FROM threads t
	JOIN branches b ON b.id = t.branch_id
	LEFT JOIN customers c ON c.id = t.customer_id
	WHERE t.work_order_id IS NULL AND t.branch_id IN ? AND t.created_at >= ? AND t.created_at < ?
	ORDER BY t.id`, q.BranchIDs, q.BranchIDs, q.From.UTC(), q.To.UTC()).Scan(&leads).Error
	if err != nil {
		return nil, fmt.Errorf("lead conversion: leads: %w", err)
	}
	var visitIDs []int64
	for _, l := range leads {
		if l.VisitID != nil {
			visitIDs = append(visitIDs, *l.VisitID)
		}
	}
	type visit struct {
		ID         int64
		Currency   string
		TotalMinor int64
		Customer   string
		Make       string
		Ordered    int
		Online     int
	}
	var visits []visit
	if len(visitIDs) > 0 {
		err = s.db.WithContext(ctx).Raw(`SELECT w.id, w.currency, w.total_minor, COALESCE(c.name, '') AS customer, COALESCE(v.make, '') AS make,
		  CASE WHEN w.paid OR w.handed_over_at IS NOT NULL
		    OR EXISTS (SELECT 1 FROM work_order_lines l WHERE l.work_order_id = w.id AND l.decision = ?) THEN 1 ELSE 0 END AS ordered,
		  CASE WHEN EXISTS (SELECT 1 FROM payments p WHERE p.work_order_id = w.id AND p.kind = ? AND p.status = ?
		    AND p.paid_minor > p.refunded_minor) THEN 1 ELSE 0 END AS online
		FROM work_orders w
		LEFT JOIN customers c ON c.id = w.customer_id
		LEFT JOIN vehicles v ON v.id = w.vehicle_id
		WHERE w.id IN ?`, hub.DecisionApproved, hub.PaymentForWorkOrder, hub.PaymentSucceeded, visitIDs).Scan(&visits).Error
		if err != nil {
			return nil, fmt.Errorf("lead conversion: visits: %w", err)
		}
	}
	facts := make([]leadFact, 0, len(leads))
	for _, l := range leads {
		f := leadFact{branch: l.BranchCode, region: l.Region, customer: cmp.Or(l.Customer, l.Phone)}
		if l.VisitID != nil {
			if i := slices.IndexFunc(visits, func(v visit) bool { return v.ID == *l.VisitID }); i >= 0 {
				v := visits[i]
				f.visit, f.order, f.online = true, v.Ordered == 1, v.Ordered == 1 && v.Online == 1
				f.make, f.currency, f.total = v.Make, v.Currency, v.TotalMinor
				f.customer = cmp.Or(l.Customer, v.Customer, l.Phone)
			}
		}
		facts = append(facts, f)
	}
	return facts, nil
}

// groupLeads adds the facts up by key, ordered by key.
func groupLeads(facts []leadFact, key func(leadFact) string) []LeadRow {
	var out []LeadRow
	for _, f := range facts {
		k := key(f)
		i := slices.IndexFunc(out, func(r LeadRow) bool { return r.Key == k })
		if i < 0 {
			out = append(out, LeadRow{Key: k})
			i = len(out) - 1
		}
		r := &out[i]
		r.Leads++
		if f.visit {
			r.Visits++
		}
		if !f.order {
			continue
		}
		r.Orders++
		if f.online {
			r.PaidOnline++
		}
		j := slices.IndexFunc(r.Revenue, func(a CurrencyAmount) bool { return a.Currency == f.currency })
		if j < 0 {
			r.Revenue = append(r.Revenue, CurrencyAmount{Currency: f.currency})
			j = len(r.Revenue) - 1
		}
		r.Revenue[j].Minor += f.total
	}
	for i := range out {
		slices.SortFunc(out[i].Revenue, func(a, b CurrencyAmount) int { return cmp.Compare(a.Currency, b.Currency) })
	}
	slices.SortFunc(out, func(a, b LeadRow) int { return cmp.Compare(a.Key, b.Key) })
	return out
}
