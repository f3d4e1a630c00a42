package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// The online-payment share on /reports, per branch, over the work orders
// handed over in a period:
//
//   - HandedOver: work orders whose handed_over_at falls in [from, to) and
//     that are still delivered (not reopened or cancelled since), as the
//     feedback rule counts them;
//   - PaidOnline: those of them with a succeeded payment of their amount
//     due (kind work_order) that is not refunded in full;
//   - Paid: the money those work orders took online, per currency: every
//     succeeded payment of theirs (the amount due and an advisor's
//     requests alike), what the provider reported paid less what was
//     refunded.
//
// Work orders, not payments, are the unit: a work order paid online in
// March and handed over in April counts in April, beside the ones paid at
// the counter, so the share compares like with like.

// OnlineShare is one branch's online-payment figures of a period.
type OnlineShare struct {
	BranchID   int64
	BranchCode string
	HandedOver int
	PaidOnline int
	Paid       []CurrencyAmount // by currency code; none when nothing was paid online
}

// CurrencyAmount is a sum of money in one currency, in minor units.
type CurrencyAmount struct {
	Currency string
	Minor    int64
}

// SharePermille is PaidOnline of HandedOver in tenths of a percent
// (rounded down), so the page writes "42.8 %" without floating point; 0
// when nothing was handed over.
func (o OnlineShare) SharePermille() int {
	if o.HandedOver == 0 {
		return 0
	}
	return o.PaidOnline * 1000 / o.HandedOver
}

// OnlinePaymentShare computes the share for each of branchIDs (ordered by
// branch code; a branch with nothing handed over has a row of zeros).
func (s *Store) OnlinePaymentShare(ctx context.Context, branchIDs []int64, from, to time.Time) ([]OnlineShare, error) {
	if len(branchIDs) == 0 {
		return nil, nil
	}
	var branches []struct {
		ID   int64
		Code string
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT id, code FROM branches WHERE id IN ? ORDER BY code`, branchIDs).Scan(&branches).Error; err != nil {
		return nil, fmt.Errorf("online payment share: branches: %w", err)
	}
	var counts []struct {
		BranchID   int64
		HandedOver int
		PaidOnline int
	}
	err := s.db.WithContext(ctx).Raw(`SELECT w.branch_id, COUNT(*) AS handed_over,
	  SUM(CASE WHEN EXISTS (SELECT 1 FROM payments p WHERE p.work_order_id = w.id AND p.kind = ? AND p.status = ?
	    AND p.paid_minor > p.refunded_minor) THEN 1 ELSE 0 END) AS paid_online
	FROM work_orders w
	WHERE w.branch_id IN ? AND w.handed_over_at >= ? AND w.handed_over_at < ? AND w.status = ?
	GROUP BY w.branch_id`,
		hub.PaymentForWorkOrder, hub.PaymentSucceeded, branchIDs, from.UTC(), to.UTC(), hub.StatusDelivered).Scan(&counts).Error
	if err != nil {
		return nil, fmt.Errorf("online payment share: work orders: %w", err)
	}
	var sums []struct {
		BranchID int64
		Currency string
		Minor    int64
	}
	err = s.db.WithContext(ctx).Raw(`SELECT w.branch_id, p.currency, CAST(SUM(p.paid_minor - p.refunded_minor) AS BIGINT) AS minor
	FROM payments p JOIN work_orders w ON w.id = p.work_order_id
	WHERE w.branch_id IN ? AND w.handed_over_at >= ? AND w.handed_over_at < ? AND w.status = ? AND p.status = ?
	GROUP BY w.branch_id, p.currency
	ORDER BY p.currency`,
		branchIDs, from.UTC(), to.UTC(), hub.StatusDelivered, hub.PaymentSucceeded).Scan(&sums).Error
	if err != nil {
		return nil, fmt.Errorf("online payment share: sums: %w", err)
	}
	out := make([]OnlineShare, 0, len(branches))
	for _, b := range branches {
		row := OnlineShare{BranchID: b.ID, BranchCode: b.Code}
		for _, c := range counts {
			if c.BranchID == b.ID {
				row.HandedOver, row.PaidOnline = c.HandedOver, c.PaidOnline
			}
		}
		for _, x := range sums {
			if x.BranchID == b.ID && x.Minor != 0 {
				row.Paid = append(row.Paid, CurrencyAmount{Currency: x.Currency, Minor: x.Minor})
			}
		}
		out = append(out, row)
	}
	return out, nil
}
