package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The CSV export of a table (?format=csv&table=<name>). Excel is what
// managers open it with, and Russian and Polish Excel read a double-clicked
// .csv by the system's list separator, which is ";" there (the comma is
// their decimal mark), and by the ANSI code page unless the file starts
// with a UTF-8 byte-order mark. So: UTF-8 with a BOM, ";" between fields,
// CRLF line ends, numbers with the viewer's decimal mark, headers in the
// viewer's language. (A "sep=;" first line would also pick the separator,
// but Excel then ignores the BOM and garbles Cyrillic.) English exports
// use the same separator, so every file has one shape.

// writeCSV sends t as a CSV file named after the table and the period.
func writeCSV(c *fiber.Ctx, t *table, from, to string) error {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = ';', true
	records := [][]string{t.Head}
	for _, row := range append(append([][]cell{}, t.Rows...), t.Foot...) {
		rec := make([]string, len(row))
		for i, x := range row {
			rec[i] = inert(x.CSV)
		}
		records = append(records, rec)
	}
	if err := w.WriteAll(records); err != nil {
		return fmt.Errorf("write csv %s: %w", t.Name, err)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="naryad-%s-%s-%s.csv"`, t.Name, from, to))
	return c.Status(fiber.StatusOK).Send(b.Bytes())
}

// inert keeps a spreadsheet from reading a text as a formula: a value
// that starts like one (=, +, -, @, a tab or CR: a customer's comment, a
// name) and is not a number gets a leading apostrophe.
func inert(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64); err == nil {
		return s
	}
	return "'" + s
}
