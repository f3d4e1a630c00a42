package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// sendHead opens a connection to the hub, sends a request's head and the
// first bytes of its body, and leaves the rest unsent.
func sendHead(t *testing.T, base, method, path string, header map[string]string, first []byte) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var head strings.Builder
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: hub.example.test\r\n", method, path)
	for k, v := range header {
		fmt.Fprintf(&head, "%s: %s\r\n", k, v)
	}
	head.WriteString("\r\n")
	if _, err := conn.Write(append([]byte(head.String()), first...)); err != nil {
		t.Fatal(err)
	}
	return conn, bufio.NewReader(conn)
}

// readAnswer reads the hub's answer; the deadline only bounds a failing
// test (a hub that reads the whole body never answers, as it never comes).
func readAnswer(t *testing.T, conn net.Conn, r *bufio.Reader) *http.Response {
	t.Helper()
	if err := conn.SetReadDeadline(time.Now().Add(15 * time.Second)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// An anonymous caller may not make the hub read, let alone hold, a large
// body: 20 such requests of 33 MiB each took it from 41 MB to 1.3 GB.
func TestAnonymousLargeBodiesAreRefusedUnread(t *testing.T) {
	h := apptest.Start(t, storetest.SQLite(t))
	base := h.Listen(t)
	const declared = 30 << 20 // under the old single limit of 33 MiB
	var unknownToken = strings.Repeat("A", 43)
	cases := []struct {
		name, path string
		header     map[string]string
	}{
		{"exchange without a token", "/api/dms/v1/events", nil},
		{"exchange with a wrong token", "/api/dms/v1/events", map[string]string{"Authorization": "Bearer nrd_guess"}},
		{"kiosk sync without a token", "/api/locker/v1/sync", nil},
		{"login form", "/login", nil},
		{"inbox reply without a session", "/inbox/threads/1/messages", nil},
		{"mechanic upload without a session", "/mechanic/orders/1/photos", nil},
		{"customer message to an unknown link", "/c/" + unknownToken + "/messages", nil},
		{"no such route", "/nowhere", nil},
	}
	for _, tc := range cases {
		for _, chunked := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/chunked=%v", tc.name, chunked), func(t *testing.T) {
				header := map[string]string{"Content-Type": "multipart/form-data; boundary=x"}
				for k, v := range tc.header {
					header[k] = v
				}
				var first []byte
				if chunked {
					// A quarter of a megabyte in chunks, then silence.
					header["Transfer-Encoding"] = "chunked"
					chunk := bytes.Repeat([]byte("a"), 16<<10)
					for len(first) < 256<<10 {
						first = append(first, fmt.Sprintf("%x\r\n%s\r\n", len(chunk), chunk)...)
					}
				} else {
					header["Content-Length"] = strconv.Itoa(declared)
					first = make([]byte, 16<<10)
				}
				conn, r := sendHead(t, base, http.MethodPost, tc.path, header, first)
				resp := readAnswer(t, conn, r)
				refused := resp.StatusCode == http.StatusRequestEntityTooLarge ||
					// the customer page turns it into its "file too large" page
					resp.StatusCode == http.StatusSeeOther && strings.HasSuffix(resp.Header.Get("Location"), "?err=file_too_big")
				if !refused || !resp.Close {
					t.Errorf("status %d (Location %q), close %v; want 413 and the connection closed", resp.StatusCode,
						resp.Header.Get("Location"), resp.Close)
				}
			})
		}
	}
}

// Callers the hub knows still send what their limits allow, over a socket
// as in production, with or without a Content-Length.
func TestAuthorisedUploadsOfTheAllowedSizeWork(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		base := h.Listen(t)
		h.PushWorkOrder(t, "wo-1", "АА-1", 1, "В работе", nil)
		pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 2<<20)...)
		for i, chunked := range []bool{false, true} {
			batch, err := json.Marshal(map[string]any{"events": []any{map[string]any{
				"id": fmt.Sprintf("doc-%d", i), "type": "document", "occurred_at": "2026-11-23T10:00:00",
				"document": map[string]any{"work_order_number": "АА-1", "name": fmt.Sprintf("Акт-%d.pdf", i),
					"data_base64": base64.StdEncoding.EncodeToString(pdf)},
			}}})
			if err != nil {
				t.Fatal(err)
			}
			var body io.Reader = bytes.NewReader(batch)
			if chunked {
				body = io.MultiReader(body) // no length: Go sends it chunked
			}
			req, err := http.NewRequest(http.MethodPost, base+"/api/dms/v1/events", body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+h.Token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), `"applied"`) {
				t.Fatalf("a %d-byte batch (chunked %v): %d %s", len(batch), chunked, resp.StatusCode, raw)
			}
		}

		// A signed-in advisor sends a 2 MiB photo.
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "anna", Name: "Анна", Role: store.RoleAdvisor,
			Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		anna := h.NewClient(t).SignIn("anna", "s3cret-pass-word")
		th := h.Thread(t, "АА-1")
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		_ = mw.WriteField("csrf", anna.CSRF)
		fw, _ := mw.CreateFormFile("file", "photo.jpg")
		_, _ = fw.Write(append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{7}, 2<<20)...))
		_ = mw.Close()
		req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/inbox/threads/%d/messages", th.ID), &form)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		for _, c := range anna.Cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		resp := h.Do(t, req)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/inbox/threads/%d", th.ID) {
			t.Fatalf("a 2 MiB reply photo: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		var n int64
		h.Store.Gorm(ctx).Raw(`SELECT COUNT(*) FROM attachments WHERE name = 'photo.jpg' AND size_bytes > ?`, 2<<20).Scan(&n)
		if n != 1 {
			t.Errorf("%d stored 2 MiB photos, want 1", n)
		}
	})
}
