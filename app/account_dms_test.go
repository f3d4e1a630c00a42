package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"naryad/hub"
)

// accDMS is one DMS node as 1C talks to the hub: over HTTP, with its own
// bearer token.
type accDMS struct {
	base, token string
	node        hub.DMSNode
}

// accHTTP bounds every request a test DMS makes.
var accHTTP = &http.Client{Timeout: 10 * time.Second}

// do sends a request with the node's token and decodes the JSON answer.
func (d accDMS) do(t *testing.T, method, path string, body []byte) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, d.base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+d.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := accHTTP.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: status %d, not JSON: %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// pushEvent posts one event and fails the test unless it is applied.
func (d accDMS) pushEvent(t *testing.T, event map[string]any) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"events": []any{event}})
	if err != nil {
		t.Fatal(err)
	}
	status, reply := d.do(t, http.MethodPost, "/api/dms/v1/events", body)
	if status != http.StatusOK {
		t.Fatalf("%s: push %v: status %d %v", d.node.Name, event["id"], status, reply)
	}
	results, _ := reply["results"].([]any)
	if len(results) != 1 || results[0].(map[string]any)["result"] != "applied" {
		t.Fatalf("%s: push %v: %v", d.node.Name, event["id"], reply)
	}
}

// pushWorkOrder pushes a work order of branch for the customer with the
// node's external id customerID, on the shared phone, with the vehicle.
func (d accDMS) pushWorkOrder(t *testing.T, eventID, number, branch, customerID string, vehicle map[string]any) {
	t.Helper()
	d.pushEvent(t, map[string]any{"id": eventID, "type": "work_order", "occurred_at": time.Now().Format(time.RFC3339),
		"work_order": map[string]any{
			"number": number, "version": 1, "branch": branch, "status": "В работе", "currency": "RUB",
			"customer": map[string]any{"external_id": customerID, "name": "Иван Петров", "phones": []any{accPhone}, "locale": "ru"},
			"vehicle":  vehicle,
			"lines": []any{
				map[string]any{"id": "1", "kind": "labor", "name": "Замена масла", "qty": 1, "unit_price": "1500"},
			},
		}})
}

// changes reads the node's whole feed and returns the data of the
// changes of that type, oldest first.
func (d accDMS) changes(t *testing.T, typ string) []map[string]any {
	t.Helper()
	status, page := d.do(t, http.MethodGet, "/api/dms/v1/changes?after=0&limit=1000", nil)
	if status != http.StatusOK {
		t.Fatalf("%s: changes: %d %v", d.node.Name, status, page)
	}
	var out []map[string]any
	for _, c := range page["changes"].([]any) {
		if ch := c.(map[string]any); ch["type"] == typ {
			out = append(out, ch["data"].(map[string]any))
		}
	}
	return out
}

// serviceRequest is the newest service_request of the booking in the
// node's feed, which must be in state.
func (d accDMS) serviceRequest(t *testing.T, bookingID int64, state string) map[string]any {
	t.Helper()
	var last map[string]any
	for _, c := range d.changes(t, hub.ChangeServiceRequest) {
		if c["booking_id"] == float64(bookingID) {
			last = c
		}
	}
	if last == nil || last["state"] != state {
		t.Fatalf("%s: the newest service_request of booking %d = %v, want state %s", d.node.Name, bookingID, last, state)
	}
	return last
}
