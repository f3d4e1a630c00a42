package customer_test

import (
	"context"
	"strings"
	"testing"

	"naryad/app/apptest"
)

// A Polish customer of a Russian branch reads the report in Polish: the
// checklist's Polish item names (the items were stored in the branch's
// Russian), the shared state headings and urgency word, and "1,5 mm".
func TestAPolishCustomerOfARussianBranchReadsPolishItemNames(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		a := secPushOrder(t, h, "OSM-PL", estOrder("pl", "+48501234567",
			estLine("1", "part", "Klocki", "6800", true)))
		r := repInspect(t, h, a)
		repTieLine(t, h, a.line(t, h, "1").ID, r.items[0].Code) // the line shows its item's urgency
		repSend(t, h, r.insp.ID)
		checklist, err := h.Store.Checklist(context.Background(), r.insp.BranchID)
		if err != nil {
			t.Fatal(err)
		}
		var polish string
		for _, c := range checklist {
			if c.Code == r.items[0].Code {
				polish = c.NamePl
			}
		}
		if polish == "" || polish == r.items[0].Name {
			t.Fatalf("item %q has no Polish name of its own (%q, stored %q)", r.items[0].Code, polish, r.items[0].Name)
		}

		v := secOpen(t, send, a.Path)
		text := estText(secBody(t, secGet(t, send, a.Path, v.cookie)))
		for _, want := range []string{"Wyniki przeglądu", polish, "Wymaga naprawy teraz", "Wkrótce wymaga uwagi", "Pilne", "1,5 mm"} {
			if !strings.Contains(text, want) {
				t.Errorf("the Polish report lacks %q", want)
			}
		}
		if strings.Contains(text, r.items[0].Name) {
			t.Errorf("the Polish report shows the Russian name %q", r.items[0].Name)
		}
	})
}
