package dms_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// companyEvent builds a customer event with the given extra fields.
func companyEvent(id, extID string, fields map[string]any) map[string]any {
	c := map[string]any{"external_id": extID, "name": "ООО Автопарк", "branch": "MSK1"}
	for k, v := range fields {
		c[k] = v
	}
	return map[string]any{"id": id, "type": "customer", "occurred_at": "2026-11-23T10:00:00", "customer": c}
}

// phoneRoles reads a customer's numbers as "number/role".
func phoneRoles(t *testing.T, h *apptest.Hub, extID string) (kind string, roles string) {
	t.Helper()
	ctx := context.Background()
	id, err := h.Store.CustomerRef(ctx, h.Node.ID, extID)
	if err != nil {
		t.Fatal(err)
	}
	c, err := h.Store.Customer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := h.Store.CustomerPhoneRoles(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.E164+"/"+r.Role)
	}
	return c.Kind, strings.Join(out, ",")
}

func TestCompanyWithManagerPhoneIsStoredAndRolesFollowTheLatestList(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		first := companyEvent("c1", "K-1", map[string]any{"kind": "ЮрЛицо", "phones": []any{
			map[string]any{"number": "8 916 123-45-67", "role": "manager"},
			"+79031112233",
			79035556677,
		}})
		expectResults(t, h, batch(first), "applied")
		if kind, roles := phoneRoles(t, h, "K-1"); kind != hub.CustomerCompany || roles != "+79161234567/manager,+79031112233/,+79035556677/" {
			t.Fatalf("after first: kind %q, phones %s", kind, roles)
		}

		// The manager changes: the old one becomes a plain number, a driver is
		// promoted, one number goes; the kind left out stays company.
		second := companyEvent("c2", "K-1", map[string]any{"phones": []any{
			"+79161234567",
			map[string]any{"number": "+79031112233", "role": "MANAGER"},
		}})
		expectResults(t, h, batch(second), "applied")
		if kind, roles := phoneRoles(t, h, "K-1"); kind != hub.CustomerCompany || roles != "+79161234567/,+79031112233/manager" {
			t.Fatalf("after second: kind %q, phones %s", kind, roles)
		}

		// A replay of the first event changes nothing.
		expectResults(t, h, batch(first), "duplicate")
		if _, roles := phoneRoles(t, h, "K-1"); roles != "+79161234567/,+79031112233/manager" {
			t.Fatalf("after replay: phones %s", roles)
		}

		// Told it is a person again, it is one.
		expectResults(t, h, batch(companyEvent("c3", "K-1", map[string]any{"kind": "person", "phones": []any{"+79161234567"}})), "applied")
		if kind, roles := phoneRoles(t, h, "K-1"); kind != hub.CustomerPerson || roles != "+79161234567/" {
			t.Fatalf("after third: kind %q, phones %s", kind, roles)
		}
	})
}

func TestPlainCustomersArePersonsAndWorkOrdersCarryTheKind(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		expectResults(t, h, batch(workOrder("e1", "АА-1", 1, "Принят")), "applied")
		if kind, roles := phoneRoles(t, h, "C-АА-1"); kind != hub.CustomerPerson || roles != "+79161234567/" {
			t.Fatalf("plain customer: kind %q, phones %s", kind, roles)
		}
		e := workOrder("e2", "АА-2", 1, "Принят")
		c := e["work_order"].(map[string]any)["customer"].(map[string]any)
		c["kind"] = "company"
		c["phones"] = []any{map[string]any{"number": "+79031112233"}, map[string]any{"number": "+79161234567", "role": "manager"}}
		expectResults(t, h, batch(e), "applied")
		if kind, roles := phoneRoles(t, h, "C-АА-2"); kind != hub.CustomerCompany || roles != "+79031112233/,+79161234567/manager" {
			t.Fatalf("company in a work order: kind %q, phones %s", kind, roles)
		}
		// The first phone, an object, still receives the work order's SMS.
		w, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-2")
		if err != nil {
			t.Fatal(err)
		}
		th, err := h.Store.ThreadByWorkOrder(ctx, w.ID)
		if err != nil || th.Phone != "+79031112233" {
			t.Fatalf("thread phone %q, %v", th.Phone, err)
		}
	})
}

func TestBadKindsAndRolesAreRejectedWithTheField(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		cases := []struct {
			fields map[string]any
			want   string
		}{
			{map[string]any{"kind": "ИП"}, `customer.kind: unknown customer kind "ИП" (want person or company)`},
			{map[string]any{"phones": []any{map[string]any{"number": "+79161234567", "role": "boss"}}}, `customer.phones[0].role: unknown phone role "boss"`},
			{map[string]any{"phones": []any{map[string]any{"role": "manager"}}}, `customer.phones[0].number: required`},
			{map[string]any{"phones": []any{map[string]any{"number": true}}}, `customer.phones[0].number: expected a string or a number, got a boolean`},
			{map[string]any{"phones": []any{[]any{"+79161234567"}}}, `customer.phones[0]: expected a string, a number or an object`},
			{map[string]any{"phones": []any{map[string]any{"number": "12", "role": "manager"}}}, `customer.phones[0]: not a valid phone number: "12"`},
			{map[string]any{"kind": "person", "phones": []any{map[string]any{"number": "+79161234567", "role": "manager"}}}, `customer.phones: a phone with role manager needs "kind": "company"`},
		}
		var events []map[string]any
		var want []string
		for i, c := range cases {
			events = append(events, companyEvent(fmt.Sprintf("b%d", i), fmt.Sprintf("K-%d", i), c.fields))
			want = append(want, "rejected")
		}
		results := expectResults(t, h, batch(events...), want...)
		for i, c := range cases {
			if got, _ := results[i]["error"].(string); !strings.Contains(got, c.want) {
				t.Errorf("case %d error = %q, want it to contain %q", i, got, c.want)
			}
		}
		var n int64
		h.Store.Gorm(context.Background()).Table("customers").Count(&n)
		if n != 0 {
			t.Errorf("rejected customers left %d rows", n)
		}
	})
}
