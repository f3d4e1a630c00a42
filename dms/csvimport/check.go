package csvimport

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"naryad/dms"
	"naryad/hub"
)

// Problem is what is wrong with one line of the file, about one column.
type Problem struct {
	Line   int
	Column string // the column it is about, so one fault is reported once
	Text   string // starts with the column's name
}

// Problems is every problem of a file; the file is then not imported.
type Problems []Problem

func (ps Problems) Error() string {
	sorted := slices.SortedStableFunc(slices.Values(ps), func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	lines := make([]string, len(sorted))
	for i, p := range sorted {
		lines[i] = fmt.Sprintf("line %d: %s", p.Line, p.Text)
	}
	return "csv: nothing was imported:\n  " + strings.Join(lines, "\n  ")
}

// columnOf maps the exchange's field paths to the file's columns.
var columnOf = map[string]string{
	"customer.external_id": "customer_id", "customer.name": "customer_name", "customer.phones": "phone",
	"customer.email": "email", "customer.locale": "locale", "customer.branch": "branch",
	"expiring_item.external_id": "item_id", "expiring_item.customer_external_id": "customer_id",
	"expiring_item.kind": "kind", "expiring_item.title": "title", "expiring_item.expires_on": "expires_on",
	"expiring_item.branch": "branch",
}

// Check runs every row through the exchange's own validation, storing
// nothing: phones in the country of the row's branch, branch codes the node
// may use, lengths and characters. A problem about a column that found
// (Parse's problems) already reported on that line is left out, so a bad
// date is not reported a second time as a missing one.
func Check(ctx context.Context, in *dms.Ingester, node hub.DMSNode, rows []Row, found Problems) (Problems, error) {
	events, err := Events(rows, time.Now())
	if err != nil {
		return nil, err
	}
	checked, err := in.Validate(ctx, node, events)
	if err != nil {
		return nil, err
	}
	reported := map[Problem]bool{}
	for _, p := range found {
		reported[Problem{Line: p.Line, Column: p.Column}] = true
	}
	out := slices.Clone(found)
	for i, problems := range checked {
		line := rows[i/2].Line // two events per row: customer, item
		for _, p := range problems {
			column := columnOf[p.Path]
			if i := strings.IndexByte(p.Path, '['); column == "" && i > 0 {
				column = columnOf[p.Path[:i]] // customer.phones[0]
			}
			key := Problem{Line: line, Column: column}
			if reported[key] {
				continue
			}
			reported[key] = true
			name := column
			if name == "" {
				name = p.Path
			}
			out = append(out, Problem{Line: line, Column: column, Text: name + ": " + p.Text})
		}
	}
	return out, nil
}
