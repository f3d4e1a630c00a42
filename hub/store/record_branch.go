package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// Records no branch can be found for get no reminders: no branch's scan
// reaches them. They are counted where the operator looks (/admin/reminders,
// `naryad dms nodes`) rather than left to fail silently.

// Unplaced counts one DMS node's records that belong to no branch.
type Unplaced struct {
	NodeID   int64
	Vehicles int64 // vehicles.branch_id is NULL
	Items    int64 // expiring items whose homeBranchOfItem is NULL
}

// Count says how many of the node's records belong to no branch, in
// English for the admin page and `naryad dms nodes`: "2 vehicles and
// 1 expiring item".
func (u Unplaced) Count() string {
	var parts []string
	if u.Vehicles > 0 {
		parts = append(parts, countOf(u.Vehicles, "vehicle", "vehicles"))
	}
	if u.Items > 0 {
		parts = append(parts, countOf(u.Items, "expiring item", "expiring items"))
	}
	return strings.Join(parts, " and ")
}

// UnplacedFix is how to give such records a branch.
const UnplacedFix = "Fix: send their customer, vehicle or expiring_item events again with \"branch\" " +
	"(a column of `naryad items import`), or push a work order for the customer; " +
	"then run `naryad reminders refresh`. See docs/exchange.md."

func countOf(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// UnplacedRecords counts, per DMS node, the vehicles and expiring items
// that belong to no branch; nodes with none are left out.
func (s *Store) UnplacedRecords(ctx context.Context) ([]Unplaced, error) {
	var vehicles, items []struct{ NodeID, N int64 }
	db := s.db.WithContext(ctx)
	// branch_id IS NULL is a range of the vehicles_service_due index.
	err := db.Raw(`SELECT node_id, COUNT(*) AS n FROM vehicles WHERE branch_id IS NULL GROUP BY node_id`).Scan(&vehicles).Error
	if err != nil {
		return nil, fmt.Errorf("count vehicles without a branch: %w", err)
	}
	err = db.Raw(
		`SELECT e.node_id, COUNT(*) AS n FROM expiring_items e
		 JOIN customers c ON c.id = e.customer_id
		 JOIN dms_nodes n ON n.id = e.node_id
		 WHERE e.default_branch_id IS NULL AND c.default_branch_id IS NULL AND n.branch_id IS NULL
		   AND NOT EXISTS (SELECT 1 FROM work_orders w WHERE w.customer_id = e.customer_id)
		 GROUP BY e.node_id`).Scan(&items).Error
	if err != nil {
		return nil, fmt.Errorf("count expiring items without a branch: %w", err)
	}
	byNode := map[int64]*Unplaced{}
	get := func(node int64) *Unplaced {
		if byNode[node] == nil {
			byNode[node] = &Unplaced{NodeID: node}
		}
		return byNode[node]
	}
	for _, v := range vehicles {
		get(v.NodeID).Vehicles = v.N
	}
	for _, it := range items {
		get(it.NodeID).Items = it.N
	}
	out := make([]Unplaced, 0, len(byNode))
	for _, u := range byNode {
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b Unplaced) int { return cmp.Compare(a.NodeID, b.NodeID) })
	return out, nil
}

// UnplacedVehiclesOf lists the vehicles of these customers that belong to
// no branch: a customer who just got a branch (their own, or a work
// order's) may now place them. One query for a whole batch of customers.
func (s *Store) UnplacedVehiclesOf(ctx context.Context, customerIDs []int64) ([]int64, error) {
	var ids []int64
	for start := 0; start < len(customerIDs); start += 500 { // bounded parameter lists
		chunk := customerIDs[start:min(start+500, len(customerIDs))]
		var part []int64
		err := s.db.WithContext(ctx).Raw(`SELECT id FROM vehicles WHERE branch_id IS NULL AND customer_id IN ? ORDER BY id`, chunk).
			Scan(&part).Error
		if err != nil {
			return nil, fmt.Errorf("vehicles without a branch of %d customers: %w", len(chunk), err)
		}
		ids = append(ids, part...)
	}
	return ids, nil
}
