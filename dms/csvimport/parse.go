// Package csvimport loads expiring items (warranties, insurance, service
// plans, subscriptions) from a CSV file, for businesses whose items are not
// in the DMS (seed 003: 5,000 GPS subscriptions). Each row becomes the same
// `customer` and `expiring_item` events the DMS would push, applied through
// the exchange's own ingest, so the rules, the validation and the
// idempotency are the exchange's: importing a file twice stores nothing
// twice, and a changed expiry date is an update.
package csvimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Row is one item of the file, its customer with it.
type Row struct {
	Line         int // in the file, for messages
	ItemID       string
	CustomerID   string
	CustomerName string
	Phone        string
	Email        string
	Locale       string
	Kind         string
	Title        string
	ExpiresOn    string // YYYY-MM-DD
	Branch       string // code of the branch whose reminders the item gets; "" lets the exchange choose
}

// Columns of the file; the header row names them, in any order. The
// optional ones may be missing.
var (
	required = []string{"item_id", "customer_id", "customer_name", "phone", "kind", "title", "expires_on"}
	optional = []string{"email", "locale", "branch"}
)

// MaxRows bounds one file: a typo in a path should not stream a database
// dump into the exchange.
const MaxRows = 100_000

// Parse reads the whole file and checks the shape of every row: each
// row's problems come back with the rows, so that Check can add what the
// exchange finds and every problem of the file is reported at once. err is
// for a file that cannot be read as a list of items at all. Comma and
// semicolon separators (Excel in Russian and Polish locales writes
// semicolons) and a UTF-8 BOM are accepted; dates may be YYYY-MM-DD or
// DD.MM.YYYY.
func Parse(r io.Reader) (rows []Row, problems Problems, err error) {
	raw, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("read csv: %w", err)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.Comma = separator(raw)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	// Read one record at a time to know its line in the file: the reader
	// skips blank lines, so a record's index is not its line.
	var records [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		records, lines = append(records, rec), append(lines, line)
	}
	if len(records) == 0 {
		return nil, nil, errors.New("csv: the file is empty; the first row must name the columns: " + strings.Join(required, ", "))
	}
	col, err := header(records[0])
	if err != nil {
		return nil, nil, err
	}
	if len(records)-1 > MaxRows {
		return nil, nil, fmt.Errorf("csv: %d rows; at most %d in one file", len(records)-1, MaxRows)
	}
	seen := map[string]int{}
	for i, rec := range records[1:] {
		line := lines[i+1]
		if blank(rec) {
			continue
		}
		get := func(name string) string {
			k, ok := col[name]
			if !ok || k >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[k])
		}
		row := Row{Line: line, ItemID: get("item_id"), CustomerID: get("customer_id"), CustomerName: get("customer_name"),
			Phone: get("phone"), Email: get("email"), Locale: get("locale"), Kind: get("kind"), Title: get("title"),
			Branch: get("branch")}
		for _, name := range required {
			if get(name) == "" {
				problems = append(problems, Problem{line, name, name + " is empty"})
			}
		}
		if v := get("expires_on"); v != "" {
			d, ok := parseDate(v)
			if !ok {
				problems = append(problems, Problem{line, "expires_on", fmt.Sprintf("expires_on %q is not a date such as 2027-03-31 or 31.03.2027", v)})
			}
			row.ExpiresOn = d
		}
		if first, dup := seen[row.ItemID]; dup && row.ItemID != "" {
			problems = append(problems, Problem{line, "item_id", fmt.Sprintf("item_id %q is already on line %d", row.ItemID, first)})
		}
		seen[row.ItemID] = line
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, nil, errors.New("csv: no rows under the header")
	}
	return rows, problems, nil
}

// separator picks ';' when the header line has more of them than commas.
func separator(raw []byte) rune {
	first, _, _ := bytes.Cut(raw, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		return ';'
	}
	return ','
}

// header maps column names to positions and insists on the required ones.
func header(names []string) (map[string]int, error) {
	col := map[string]int{}
	for i, n := range names {
		col[strings.ToLower(strings.TrimSpace(n))] = i
	}
	var missing []string
	for _, n := range required {
		if _, ok := col[n]; !ok {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("csv: the header lacks %s (columns: %s; optional: %s)",
			strings.Join(missing, ", "), strings.Join(required, ", "), strings.Join(optional, ", "))
	}
	return col, nil
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// parseDate accepts ISO dates and the dotted dates 1C and Excel print.
func parseDate(s string) (string, bool) {
	for _, layout := range []string{"2006-01-02", "02.01.2006", "2.1.2006"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d.Format("2006-01-02"), true
		}
	}
	return "", false
}
