package hub_test

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"naryad/hub"
)

// exchangeDoc is the contract as 1C integrators read it.
const exchangeDoc = "../docs/exchange.md"

// changeData makes an empty payload of each change type, to decode the
// documented examples into.
var changeData = map[string]func() hub.ChangeData{
	hub.ChangeCustomerMessage:  func() hub.ChangeData { return &hub.CustomerMessageData{} },
	hub.ChangeLineDecision:     func() hub.ChangeData { return &hub.LineDecisionData{} },
	hub.ChangeDeliveryFailed:   func() hub.ChangeData { return &hub.DeliveryFailedData{} },
	hub.ChangeLead:             func() hub.ChangeData { return &hub.LeadData{} },
	hub.ChangeLockerEvent:      func() hub.ChangeData { return &hub.LockerEventData{} },
	hub.ChangeFeedback:         func() hub.ChangeData { return &hub.FeedbackData{} },
	hub.ChangePayment:          func() hub.ChangeData { return &hub.PaymentData{} },
	hub.ChangeRefund:           func() hub.ChangeData { return &hub.RefundData{} },
	hub.ChangeInspection:       func() hub.ChangeData { return &hub.InspectionData{} },
	hub.ChangeInspectionReport: func() hub.ChangeData { return &hub.InspectionReportData{} },
	hub.ChangeServiceRequest:   func() hub.ChangeData { return &hub.ServiceRequestData{} },
	hub.ChangeLoan:             func() hub.ChangeData { return &hub.LoanData{} },
}

// Every change type the code declares is the one the documentation lists,
// with a payload type that says so.
func TestEveryChangeTypeIsDocumented(t *testing.T) {
	declared := declaredChangeTypes(t)
	listed := documentedChangeTypes(t, feedSection(t))
	if !slices.Equal(declared, listed) {
		t.Errorf("hub/changefeed.go declares change types %v; the table in %s lists %v", declared, exchangeDoc, listed)
	}
	var payloads []string
	for typ, newData := range changeData {
		payloads = append(payloads, typ)
		if got := newData().ChangeType(); got != typ {
			t.Errorf("the payload of %s says it belongs to %s", typ, got)
		}
	}
	slices.Sort(payloads)
	if !slices.Equal(declared, payloads) {
		t.Errorf("change types %v, payload types for %v: add the new type to changeData", declared, payloads)
	}
}

// Each documented example's data is exactly what its payload type reads
// and writes: a field the documentation shows that the type lacks, or a
// field the type always writes that the documentation does not show,
// fails here instead of surprising a DMS.
func TestChangeExamplesMatchTheirPayloadTypes(t *testing.T) {
	examples := documentedChanges(t, feedSection(t))
	seen := map[string]int{}
	for i, ex := range examples {
		seen[ex.Type]++
		newData, ok := changeData[ex.Type]
		if !ok {
			t.Errorf("example %d: change type %q has no payload type", i+1, ex.Type)
			continue
		}
		data := newData()
		dec := json.NewDecoder(bytes.NewReader(ex.Data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(data); err != nil {
			t.Errorf("example %d (%s): %v", i+1, ex.Type, err)
			continue
		}
		again, err := json.Marshal(data)
		if err != nil {
			t.Fatal(err)
		}
		var want, got any
		if err := json.Unmarshal(ex.Data, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(again, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Errorf("example %d (%s):\n documented %s\n encoded    %s", i+1, ex.Type, ex.Data, again)
		}
	}
	for typ := range changeData {
		if seen[typ] == 0 {
			t.Errorf("%s shows no example of a %s change", exchangeDoc, typ)
		}
	}
}

// feedSection is the "## The change feed" section of the exchange doc.
func feedSection(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(exchangeDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	start := strings.Index(doc, "\n## The change feed\n")
	if start < 0 {
		t.Fatalf("%s has no section \"The change feed\"", exchangeDoc)
	}
	section := doc[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	return section
}

// documentedChangeTypes lists, sorted, the types in the section's table
// of change types (the one headed "| type | when | `data` |").
func documentedChangeTypes(t *testing.T, section string) []string {
	t.Helper()
	_, table, ok := strings.Cut(section, "| type | when | `data` |\n")
	if !ok {
		t.Fatal("the change feed section has no table of change types")
	}
	var out []string
	for line := range strings.Lines(table) {
		if !strings.HasPrefix(line, "|") {
			break
		}
		cell, _, _ := strings.Cut(strings.TrimPrefix(line, "|"), "|")
		if typ := strings.Trim(strings.TrimSpace(cell), "`"); typ != "" && !strings.HasPrefix(typ, "---") {
			out = append(out, typ)
		}
	}
	slices.Sort(out)
	return out
}

// documentedChange is one change of an example in the documentation.
type documentedChange struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// documentedChanges reads every change in the section's JSON examples: a
// whole page ({"changes": [...]}) or a single change.
func documentedChanges(t *testing.T, section string) []documentedChange {
	t.Helper()
	var out []documentedChange
	for _, block := range strings.Split(section, "```json\n")[1:] {
		body, _, ok := strings.Cut(block, "```")
		if !ok {
			t.Fatal("a JSON example in the change feed section is not closed")
		}
		var page struct {
			Changes []documentedChange `json:"changes"`
			documentedChange
		}
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatalf("a JSON example in the change feed section does not parse: %v\n%s", err, body)
		}
		out = append(out, page.Changes...)
		if page.Type != "" {
			out = append(out, page.documentedChange)
		}
	}
	if len(out) == 0 {
		t.Fatal("the change feed section has no JSON examples")
	}
	return out
}

// declaredChangeTypes lists, sorted, the values of the Change* string
// constants in hub/changefeed.go: a type added there must be documented.
func declaredChangeTypes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "changefeed.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !strings.HasPrefix(name.Name, "Change") || !ok || lit.Kind != token.STRING {
					continue
				}
				value, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, value)
			}
		}
	}
	slices.Sort(out)
	return out
}
