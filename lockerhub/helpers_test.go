package lockerhub_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/lockerwire"
)

// kiosk is a locker site of the test hub's branch, driven as its kiosk
// would: sync requests over the hub's HTTP stack with its token.
type kiosk struct {
	h     *apptest.Hub
	site  hub.LockerSite
	boxes []hub.LockerCompartment // board 0 locks 1–2, board 1 locks 1–2
	token string
}

func newKiosk(t *testing.T, h *apptest.Hub, name string) *kiosk {
	t.Helper()
	k := &kiosk{h: h, token: "kiosk-token-" + name}
	k.site = hub.LockerSite{BranchID: h.Branch.ID, Name: name, TokenHash: hub.HashToken(k.token)}
	k.boxes = []hub.LockerCompartment{{Board: 0, Lock: 1, Label: "1"}, {Board: 0, Lock: 2, Label: "2"}, {Board: 1, Lock: 1, Label: "17"}, {Board: 1, Lock: 2, Label: "18"}}
	if err := h.Store.CreateLockerSite(t.Context(), &k.site, k.boxes); err != nil {
		t.Fatal(err)
	}
	return k
}

// post sends a raw sync body with a token ("" sends none).
func (k *kiosk) post(t *testing.T, token string, body []byte) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, lockerwire.SyncPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp := k.h.Do(t, req)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, raw
}

// sync sends a request and fails the test unless the hub takes it.
func (k *kiosk) sync(t *testing.T, req lockerwire.SyncRequest) lockerwire.SyncResponse {
	t.Helper()
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	status, raw := k.post(t, k.token, body)
	if status != http.StatusOK {
		t.Fatalf("sync: status %d %s", status, raw)
	}
	var resp lockerwire.SyncResponse
	if err := json.Unmarshal(raw, &resp); err != nil {
		t.Fatalf("sync answer %s: %v", raw, err)
	}
	return resp
}

// refused sends a body and checks the hub answers status with a JSON error
// containing want.
func (k *kiosk) refused(t *testing.T, token string, body []byte, status int, want string) {
	t.Helper()
	got, raw := k.post(t, token, body)
	var reply struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(raw, &reply); err != nil {
		t.Fatalf("status %d, body is not JSON: %s", got, raw)
	}
	if got != status || !strings.Contains(reply.Error, want) {
		t.Fatalf("answer %d %q; want %d with an error saying %q", got, reply.Error, status, want)
	}
}

func event(id, kind string, box hub.LockerCompartment, workOrderID int64) lockerwire.Event {
	return lockerwire.Event{ID: id, Kind: kind, OccurredAt: time.Now().UTC(), CompartmentID: box.ID, WorkOrderID: workOrderID, Actor: "customer"}
}

// holding is the kiosk's snapshot with box holding a work order's keys in
// state and every other box free.
func (k *kiosk) holding(box hub.LockerCompartment, state string, workOrderID int64) []lockerwire.CompartmentState {
	out := make([]lockerwire.CompartmentState, len(k.boxes))
	for i, b := range k.boxes {
		out[i] = lockerwire.CompartmentState{ID: b.ID, State: lockerwire.StateFree, Since: time.Now().UTC(), DoorClosed: true}
		if b.ID == box.ID {
			out[i].State, out[i].WorkOrderID, out[i].Item = state, workOrderID, true
		}
	}
	return out
}

func order(t *testing.T, h *apptest.Hub, number string) hub.WorkOrder {
	t.Helper()
	w, err := h.Store.WorkOrderByNumber(t.Context(), h.Node.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// thread lists the messages of a work order's thread.
func thread(t *testing.T, h *apptest.Hub, number string) []hub.Message {
	t.Helper()
	th, err := h.Store.ThreadByWorkOrder(t.Context(), order(t, h, number).ID)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := h.Store.Messages(t.Context(), th.ID)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// sent lists the template keys of the messages to the customer, in order.
func sent(msgs []hub.Message) []string {
	var out []string
	for _, m := range msgs {
		if m.Direction == hub.DirectionOut {
			out = append(out, m.TemplateKey)
		}
	}
	return out
}

// notes lists the locker's lines for staff.
func notes(msgs []hub.Message) []string {
	var out []string
	for _, m := range msgs {
		if m.Direction == hub.DirectionSystem && m.Author == "locker" {
			out = append(out, m.Body)
		}
	}
	return out
}

// lockerCode finds the code in the Russian texts ("… 123456 (заказ-наряд …"),
// away from the digits of the link's token.
var lockerCode = regexp.MustCompile(` (\d{6}) \(`)

// codeOf returns the code in the last message with key.
func codeOf(t *testing.T, msgs []hub.Message, key string) string {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].TemplateKey == key {
			m := lockerCode.FindStringSubmatch(msgs[i].Body)
			if m == nil {
				t.Fatalf("%s carries no code: %q", key, msgs[i].Body)
			}
			return m[1]
		}
	}
	t.Fatalf("no %s message", key)
	return ""
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

func workOrderIn(t *testing.T, resp lockerwire.SyncResponse, id int64) lockerwire.WorkOrder {
	t.Helper()
	for _, w := range resp.WorkOrders {
		if w.ID == id {
			return w
		}
	}
	t.Fatalf("work order %d not in the answer: %+v", id, resp.WorkOrders)
	return lockerwire.WorkOrder{}
}
