package app_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// evilFile is one file the DMS (or an old row) may hold, and how the hub
// must keep it: typed by its content, never by the sender's word.
type evilFile struct {
	name, declared string
	data           []byte
	stored         string // the type kept in attachments
	inline         bool   // shown by the browser rather than downloaded
}

var evilFiles = []evilFile{
	// The attack: a script typed text/javascript, loaded from the hub's
	// own origin by an SVG's <script href>.
	{"payload.js", "text/javascript", []byte("fetch(location.href).then(r => r.text()).then(alert)\n"), "application/octet-stream", false},
	{"picture.svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script href="/c/x/files/1"/></svg>`), "application/octet-stream", false},
	{"page.html", "text/html", []byte("<html><script>alert(document.cookie)</script></html>"), "application/octet-stream", false},
	{"photo.png", "text/html", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...), "image/png", true},
	{"Счёт.pdf", "application/pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"), "application/pdf", false},
}

// Every route that serves a stored file sends it sandboxed, unsniffable and,
// unless it is a picture, as a download; a DMS document is typed by its
// content.
func TestStoredFilesNeverRunOnTheHubsOrigin(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		h.PushWorkOrder(t, "wo-1", "АА-1", 1, "В работе", nil)
		th := h.Thread(t, "АА-1")
		for i, f := range evilFiles {
			pushDocument(t, h, fmt.Sprintf("doc-%d", i), "АА-1", f.name, f.declared, f.data)
		}
		// A row stored before documents were sniffed keeps its old type:
		// the answer must not trust it either.
		old := evilFile{"old.svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "image/svg+xml", false}
		sum, err := hub.NewMedia(filepath.Join(h.Config.DataDir, "media")).Put(old.data)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Store.AddCustomerMessage(ctx, th, "", hub.ChannelSMS, []store.InboundFile{
			{SHA256: sum, Name: old.name, ContentType: old.declared, SizeBytes: int64(len(old.data))}}); err != nil {
			t.Fatal(err)
		}
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "anna", Name: "Анна", Role: store.RoleAdvisor,
			Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		advisor := h.NewClient(t).SignIn("anna", "s3cret-pass-word")
		customer := h.CustomerPath(t, "АА-1")

		var rows []hub.Attachment
		if err := h.Store.Gorm(ctx).Raw(`SELECT a.* FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.thread_id = ?`, th.ID).
			Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		stored := map[string]hub.Attachment{}
		for _, a := range rows {
			stored[a.Name] = a
		}
		for _, f := range append(evilFiles, old) {
			a, ok := stored[f.name]
			if !ok {
				t.Fatalf("%s was not stored (have %v)", f.name, rows)
			}
			if a.ContentType != f.stored {
				t.Errorf("%s (declared %s) stored as %q, want %q", f.name, f.declared, a.ContentType, f.stored)
			}
			served := f.stored
			if served == "image/svg+xml" {
				served = "application/octet-stream"
			}
			routes := map[string]func() *http.Response{
				"customer": func() *http.Response {
					return h.Do(t, httptest.NewRequest(http.MethodGet, fmt.Sprintf("%s/files/%d", customer, a.ID), nil))
				},
				"inbox": func() *http.Response {
					resp, body := advisor.Do(http.MethodGet, fmt.Sprintf("/inbox/threads/%d/files/%d", th.ID, a.ID), nil)
					resp.Body = io.NopCloser(strings.NewReader(body))
					return resp
				},
				"dms": func() *http.Response {
					req := httptest.NewRequest(http.MethodGet, "/api/dms/v1/files/"+a.SHA256, nil)
					req.Header.Set("Authorization", "Bearer "+h.Token)
					return h.Do(t, req)
				},
			}
			for route, get := range routes {
				t.Run(route+"/"+f.name, func(t *testing.T) {
					resp := get()
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || string(body) != string(f.data) {
						t.Fatalf("status %d, %d bytes", resp.StatusCode, len(body))
					}
					checkFileHeaders(t, resp, served, f.inline)
				})
			}
		}
	})
}

// checkFileHeaders: the answer of a stored file.
func checkFileHeaders(t *testing.T, resp *http.Response, contentType string, inline bool) {
	t.Helper()
	if got := resp.Header.Get("Content-Type"); got != contentType {
		t.Errorf("Content-Type %q, want %q", got, contentType)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "allow-") {
		t.Errorf("Content-Security-Policy %q, want a sandbox that allows nothing", csp)
	}
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options %q, want nosniff", got)
	}
	disposition := resp.Header.Get("Content-Disposition")
	if wantInline := strings.HasPrefix(disposition, "inline;"); wantInline != inline || !strings.Contains(disposition, "filename*=UTF-8''") {
		t.Errorf("Content-Disposition %q, want inline %v", disposition, inline)
	}
}

// pushDocument sends a document event as the DMS would.
func pushDocument(t *testing.T, h *apptest.Hub, eventID, number, name, contentType string, data []byte) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"events": []any{map[string]any{
		"id": eventID, "type": "document", "occurred_at": time.Now().Format("2006-01-02T15:04:05"),
		"document": map[string]any{"work_order_number": number, "name": name, "content_type": contentType,
			"data_base64": base64.StdEncoding.EncodeToString(data)},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	status, reply := h.PostEvents(t, h.Token, body)
	if status != http.StatusOK || apptest.Results(t, reply)[0]["result"] != "applied" {
		t.Fatalf("push document %s: %d %v", name, status, reply)
	}
}
