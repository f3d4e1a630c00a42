// Package apptest runs a whole hub in process for tests: a fresh store,
// a branch, a DMS token, and requests through the real fiber app.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"naryad/app"
	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// Hub is a hub under test.
type Hub struct {
	Server  *app.Server
	Store   *store.Store
	Config  *cli.Config
	Branch  hub.Branch
	Node    hub.DMSNode
	Token   string
	Backend storetest.Backend
}

// Each runs fn against a fresh hub on every test backend; options adjust
// the configuration as in Start.
func Each(t *testing.T, fn func(t *testing.T, h *Hub), options ...func(*cli.Config)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		fn(t, Start(t, b, options...))
	})
}

// Start builds a hub on the backend with branch MSK1 (Europe/Moscow, ru)
// and a DMS token for every branch; options adjust the configuration.
func Start(t testing.TB, b storetest.Backend, options ...func(*cli.Config)) *Hub {
	t.Helper()
	return StartWith(t, b, app.Deps{}, options...)
}

// StartWith is Start with the hub's outside-world doors replaced, e.g. a
// fake WhatsApp.
func StartWith(t testing.TB, b storetest.Backend, deps app.Deps, options ...func(*cli.Config)) *Hub {
	t.Helper()
	cfg := cli.Defaults()
	cfg.DataDir = b.DataDir
	cfg.DatabaseURL = b.DatabaseURL
	cfg.PublicURL = "https://hub.example.test"
	cfg.Secret = "test-secret-0123456789-0123456789-0123456789"
	for _, o := range options {
		o(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	s, err := app.NewWith(ctx, &cfg, log, deps)
	if err != nil {
		t.Fatalf("start hub: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	h := &Hub{Server: s, Store: s.Store(), Config: &cfg, Backend: b}
	h.Branch = hub.Branch{Code: "MSK1", Name: "Сервис на Ленинском", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru", Phone: "+74951234567"}
	if err := h.Store.CreateBranch(ctx, &h.Branch); err != nil {
		t.Fatal(err)
	}
	h.Token, h.Node, err = h.Store.CreateNodeWithToken(ctx, "1c-test", "")
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// Do sends a request through the hub's HTTP stack.
func (h *Hub) Do(t testing.TB, req *http.Request) *http.Response {
	t.Helper()
	resp, err := h.Server.App().Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return resp
}

// PostEvents pushes a raw body to the exchange with a bearer token and
// decodes the JSON answer.
func (h *Hub) PostEvents(t testing.TB, token string, body []byte) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/dms/v1/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return decode(t, h.Do(t, req))
}

// Get sends a GET with the hub's DMS token and decodes the JSON answer.
func (h *Hub) Get(t testing.TB, path string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+h.Token)
	return decode(t, h.Do(t, req))
}

func decode(t testing.TB, resp *http.Response) (int, map[string]any) {
	t.Helper()
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if len(raw) > 0 && json.Unmarshal(raw, &out) != nil {
		t.Fatalf("status %d, body is not JSON: %s", resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// Results extracts the per-event results of an events reply.
func Results(t testing.TB, body map[string]any) []map[string]any {
	t.Helper()
	list, ok := body["results"].([]any)
	if !ok {
		t.Fatalf("reply has no results: %v", body)
	}
	out := make([]map[string]any, len(list))
	for i, r := range list {
		out[i] = r.(map[string]any)
	}
	return out
}

// Listen serves the hub on a real loopback socket and returns its base URL,
// for what the in-memory transport cannot show (body limits, streaming).
func (h *Hub) Listen(t testing.TB) string {
	t.Helper()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := app.NewListener(raw) // its Close drops connections that sent nothing, which Shutdown waits for
	web := h.Server.App()
	go func() { _ = web.Listener(ln) }()
	t.Cleanup(func() { _ = web.Shutdown() })
	return "http://" + raw.Addr().String()
}

// PushWorkOrder applies one work_order event as the DMS would send it and
// fails the test unless it is applied. fields override the defaults (a
// customer with a phone, two lines of which one needs approval).
func (h *Hub) PushWorkOrder(t testing.TB, eventID, number string, version int, status string, fields map[string]any) {
	t.Helper()
	wo := map[string]any{
		"number": number, "version": version, "branch": h.Branch.Code, "status": status, "currency": "RUB",
		"customer": map[string]any{"external_id": "C-" + number, "name": "Иван Петров", "phones": []any{"+79161234567"}, "locale": "ru"},
		"vehicle":  map[string]any{"external_id": "V-" + number, "plate": "А123ВС77", "make": "Škoda", "model": "Octavia"},
		"lines": []any{
			map[string]any{"id": "1", "kind": "labor", "name": "Замена масла", "qty": 1, "unit_price": "1500"},
			map[string]any{"id": "2", "kind": "part", "name": "Тормозные колодки", "qty": 1, "unit_price": "6800", "needs_approval": true},
		},
	}
	for k, v := range fields {
		wo[k] = v
	}
	body, err := json.Marshal(map[string]any{"events": []any{map[string]any{
		"id": eventID, "type": "work_order", "occurred_at": time.Now().In(h.Branch.Location()).Format("2006-01-02T15:04:05"), "work_order": wo,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	status2, reply := h.PostEvents(t, h.Token, body)
	if status2 != http.StatusOK {
		t.Fatalf("push %s: status %d %v", eventID, status2, reply)
	}
	if r := Results(t, reply)[0]; r["result"] != "applied" {
		t.Fatalf("push %s: %v", eventID, r)
	}
}

// Thread is the thread of the DMS node's work order with that number.
func (h *Hub) Thread(t testing.TB, number string) hub.Thread {
	t.Helper()
	ctx := context.Background()
	w, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	th, err := h.Store.ThreadByWorkOrder(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

// CustomerPath is the path of the customer page of a work order's thread
// ("/c/<token>"), as the SMS link carries it.
func (h *Hub) CustomerPath(t testing.TB, number string) string {
	t.Helper()
	l, err := h.Store.ActiveMagicLink(context.Background(), h.Thread(t, number).ID)
	if err != nil {
		t.Fatal(err)
	}
	return "/c/" + h.Server.Links().Token(l.Salt)
}

// Run starts the whole hub — HTTP, outbox, live updates — on a free
// loopback port, as `naryad serve` would, and returns its base URL. It
// stops with the test.
func (h *Hub) Run(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.Config.Addr = ln.Addr().String()
	ln.Close() // Run listens itself; the port stays free long enough on loopback
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Server.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("hub did not stop within 30 s")
		}
	})
	base := "http://" + h.Config.Addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("hub at %s not ready: %v", base, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Another starts a second hub instance on the same database and data
// directory, as a second process behind a load balancer would be; it
// shares the first one's branch, DMS node and token.
func (h *Hub) Another(t testing.TB) *Hub {
	t.Helper()
	cfg := *h.Config
	s, err := app.New(context.Background(), &cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("start second hub: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return &Hub{Server: s, Store: s.Store(), Config: &cfg, Branch: h.Branch, Node: h.Node, Token: h.Token, Backend: h.Backend}
}
