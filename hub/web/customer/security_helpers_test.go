package customer_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// secSender sends one request to the hub and returns the answer unread.
type secSender func(t testing.TB, req *http.Request) *http.Response

// secInProcess sends through the fiber app in memory, as h.Do does, but gives
// up after a while instead of hanging on a stream that never ends.
func secInProcess(h *apptest.Hub) secSender {
	return func(t testing.TB, req *http.Request) *http.Response {
		t.Helper()
		resp, err := h.Server.App().Test(req, 60_000) // milliseconds
		if err != nil {
			t.Fatalf("%s %s: %v", req.Method, req.URL, err)
		}
		return resp
	}
}

// secOverSocket sends to a served hub from the loopback address from (e.g.
// "127.0.0.1"), one client per sender, never following redirects.
func secOverSocket(t testing.TB, base, from string) secSender {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	tr := &http.Transport{DialContext: dialer.DialContext, ResponseHeaderTimeout: 30 * time.Second}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return func(t testing.TB, req *http.Request) *http.Response {
		t.Helper()
		u, err := url.Parse(base + req.URL.RequestURI())
		if err != nil {
			t.Fatal(err)
		}
		req.URL, req.Host, req.RequestURI = u, u.Host, ""
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", req.Method, u, err)
		}
		return resp
	}
}

// secEachHub runs fn on a fresh hub per backend, with configuration options.
func secEachHub(t *testing.T, fn func(t *testing.T, h *apptest.Hub), options ...func(*cli.Config)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		fn(t, apptest.Start(t, b, options...))
	})
}

// secOrder is a pushed work order and its thread, as the tests need them.
type secOrder struct {
	Number string
	Path   string // /c/<token>
	WO     hub.WorkOrder
	Thread hub.Thread
}

func (o secOrder) token() string { return strings.TrimPrefix(o.Path, "/c/") }

// line finds the stored line with the DMS id.
func (o secOrder) line(t testing.TB, h *apptest.Hub, externalID string) hub.WorkOrderLine {
	t.Helper()
	lines, err := h.Store.Lines(context.Background(), o.WO.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.ExternalID == externalID {
			return l
		}
	}
	t.Fatalf("work order %s has no line %s", o.Number, externalID)
	return hub.WorkOrderLine{}
}

func secPushOrder(t testing.TB, h *apptest.Hub, number string, fields map[string]any) secOrder {
	t.Helper()
	h.PushWorkOrder(t, "wo-"+number, number, 1, "В работе", fields)
	ctx := context.Background()
	w, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	th, err := h.Store.ThreadByWorkOrder(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	return secOrder{Number: number, Path: h.CustomerPath(t, number), WO: w, Thread: th}
}

// secOtherCustomer makes a second work order belong to someone else, with
// its own line names, so a leak is visible.
func secOtherCustomer() map[string]any {
	return map[string]any{
		"customer": map[string]any{"external_id": "C-B", "name": "Мария Сидорова", "phones": []any{"+79165550002"}, "locale": "ru"},
		"vehicle":  map[string]any{"external_id": "V-B", "plate": "В456ОР99", "make": "Lada", "model": "Vesta"},
		"lines": []any{
			map[string]any{"id": "1", "kind": "part", "name": "Свечи зажигания Б", "qty": 1, "unit_price": "900", "needs_approval": true},
		},
	}
}

// secPushDocument sends a document event (a printed form from the DMS) for a
// work order and fails unless it is applied.
func secPushDocument(t testing.TB, h *apptest.Hub, eventID, number, name, contentType string, data []byte) {
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
	if status != http.StatusOK {
		t.Fatalf("push document: %d %v", status, reply)
	}
	if r := apptest.Results(t, reply)[0]; r["result"] != "applied" {
		t.Fatalf("push document: %v", r)
	}
}

// secAttachment finds a thread's attachment by file name.
func secAttachment(t testing.TB, h *apptest.Hub, th hub.Thread, name string) hub.Attachment {
	t.Helper()
	files := secThreadFiles(t, h, th)
	for _, a := range files {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("thread %d has no attachment %q (has %+v)", th.ID, name, files)
	return hub.Attachment{}
}

// secThreadFiles lists every file of a thread, staff-only ones included.
func secThreadFiles(t testing.TB, h *apptest.Hub, th hub.Thread) []hub.Attachment {
	t.Helper()
	var files []hub.Attachment
	err := h.Store.Gorm(context.Background()).Raw(
		`SELECT a.* FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.thread_id = ? ORDER BY a.id`, th.ID).Scan(&files).Error
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// secStaffFile adds a message of the direction (a staff note or a system
// entry) carrying a file, as the staff side would.
func secStaffFile(t testing.TB, h *apptest.Hub, th hub.Thread, direction, body, name string, data []byte) hub.Attachment {
	t.Helper()
	ctx := context.Background()
	hash, err := hub.NewMedia(filepath.Join(h.Config.DataDir, "media")).Put(data)
	if err != nil {
		t.Fatal(err)
	}
	m := hub.Message{ThreadID: th.ID, Direction: direction, Body: body, Author: "Ольга"}
	if err := h.Store.AddMessage(ctx, &m); err != nil {
		t.Fatal(err)
	}
	a := hub.Attachment{MessageID: m.ID, SHA256: hash, Name: name, ContentType: "image/jpeg", SizeBytes: int64(len(data))}
	if err := h.Store.AddAttachment(ctx, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// secVisitor is a browser on one customer page: its session cookie and the
// CSRF token of its forms.
type secVisitor struct {
	send   secSender
	path   string
	cookie string
	csrf   string
}

var secCSRFField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// secOpen visits the page for the first time and keeps the session.
func secOpen(t testing.TB, send secSender, path string) *secVisitor {
	t.Helper()
	resp := send(t, secRequest(t, http.MethodGet, path, "", nil, ""))
	body := secBody(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	v := &secVisitor{send: send, path: path}
	for _, c := range resp.Cookies() {
		if c.Name == "nrd_c" {
			v.cookie = c.Value
		}
	}
	if v.cookie == "" {
		t.Fatalf("GET %s set no session cookie (Set-Cookie %q)", path, resp.Header.Values("Set-Cookie"))
	}
	m := secCSRFField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("GET %s: no csrf field in the page", path)
	}
	v.csrf = m[1]
	return v
}

// secUpload is a file part of a multipart form.
type secUpload struct {
	name        string
	contentType string // what the browser claims
	data        []byte
}

// secRequest builds a request: the raw body when given, else the form
// urlencoded.
func secRequest(t testing.TB, method, path, cookie string, form url.Values, contentType string, body ...[]byte) *http.Request {
	t.Helper()
	var r io.Reader
	if len(body) > 0 {
		r = bytes.NewReader(body[0])
	} else if form != nil {
		r = strings.NewReader(form.Encode())
		contentType = "application/x-www-form-urlencoded"
	}
	req := httptest.NewRequest(method, path, r)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if cookie != "" {
		req.Header.Set("Cookie", "nrd_c="+cookie)
	}
	return req
}

// secMultipart encodes fields and an optional file as the page's message
// form does.
func secMultipart(t testing.TB, fields url.Values, file *secUpload) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if file != nil {
		hdr := textproto.MIMEHeader{}
		hdr.Set("Content-Disposition", `form-data; name="file"; filename="`+file.name+`"`)
		hdr.Set("Content-Type", file.contentType)
		part, err := w.CreatePart(hdr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(file.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

// secPostMessage sends the message form with this cookie and csrf.
func secPostMessage(t testing.TB, send secSender, path, cookie, csrf, text string, file *secUpload) *http.Response {
	t.Helper()
	fields := url.Values{"text": {text}}
	if csrf != "" {
		fields.Set("csrf", csrf)
	}
	body, ct := secMultipart(t, fields, file)
	return send(t, secRequest(t, http.MethodPost, path+"/messages", cookie, nil, ct, body))
}

// secPostForm sends an urlencoded form.
func secPostForm(t testing.TB, send secSender, path, cookie string, form url.Values) *http.Response {
	t.Helper()
	return send(t, secRequest(t, http.MethodPost, path, cookie, form, ""))
}

func secGet(t testing.TB, send secSender, path, cookie string) *http.Response {
	t.Helper()
	return send(t, secRequest(t, http.MethodGet, path, cookie, nil, ""))
}

// secBody reads an answer's body; an event stream, which never ends, is
// closed unread (secOpenStream reads streams).
func secBody(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return ""
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// secExpectRedirect checks a post-redirect-get answer.
func secExpectRedirect(t testing.TB, resp *http.Response, want string) {
	t.Helper()
	body := secBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Fatalf("answer %d Location %q, want 303 to %q (body %.200s)", resp.StatusCode, resp.Header.Get("Location"), want, body)
	}
}

// secTally counts what a request may store.
type secTally struct {
	Messages, Attachments, Changes, Decided, Events, MediaFiles int64
}

func secCount(t testing.TB, h *apptest.Hub) secTally {
	t.Helper()
	db := h.Store.Gorm(context.Background())
	var n secTally
	for table, dst := range map[string]*int64{"messages": &n.Messages, "attachments": &n.Attachments, "changes": &n.Changes} {
		if err := db.Table(table).Count(dst).Error; err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
	}
	// Delivery events come from the outbox on its own time when the hub
	// runs whole; only those a request writes are counted.
	if err := db.Table("thread_events").Where("kind <> ?", hub.EventDelivery).Count(&n.Events).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Table("work_order_lines").Where("decision <> ''").Count(&n.Decided).Error; err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(filepath.Join(h.Config.DataDir, "media"), func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			n.MediaFiles++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// secThreadMessages counts one thread's messages.
func secThreadMessages(t testing.TB, h *apptest.Hub, th hub.Thread) int {
	t.Helper()
	msgs, err := h.Store.Messages(context.Background(), th.ID)
	if err != nil {
		t.Fatal(err)
	}
	return len(msgs)
}

// secChange is one entry of the DMS feed.
type secChange struct {
	Seq             int64
	Type            string
	WorkOrderNumber string
	Data            map[string]any
}

// secFeed reads the whole DMS change feed.
func secFeed(t testing.TB, h *apptest.Hub) []secChange {
	t.Helper()
	status, page := h.Get(t, "/api/dms/v1/changes?after=0&limit=1000")
	if status != http.StatusOK {
		t.Fatalf("feed: %d %v", status, page)
	}
	list, _ := page["changes"].([]any)
	out := make([]secChange, 0, len(list))
	for _, raw := range list {
		m := raw.(map[string]any)
		c := secChange{Type: m["type"].(string)}
		c.Seq = int64(m["seq"].(float64))
		c.WorkOrderNumber, _ = m["work_order_number"].(string)
		c.Data, _ = m["data"].(map[string]any)
		out = append(out, c)
	}
	return out
}

// secRandomToken has the shape of a real token (43 base64url characters).
func secRandomToken(t testing.TB) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

var secTitleRe = regexp.MustCompile(`(?s)<title>(.*?)</title>`)

func secTitle(body string) string {
	if m := secTitleRe.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// secStream reads an event stream line by line in the background.
type secStream struct {
	lines chan string
	text  strings.Builder
}

func secOpenStream(t testing.TB, send secSender, path, cookie string, after int64) (*secStream, *http.Response) {
	t.Helper()
	resp := secGet(t, send, path+"/events?after="+strconv.FormatInt(after, 10), cookie)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("events: %d %s", resp.StatusCode, secBody(t, resp))
	}
	t.Cleanup(func() { resp.Body.Close() })
	s := &secStream{lines: make(chan string, 1024)}
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	return s, resp
}

// secStreamWait bounds a wait for stream frames that should come: generous,
// as a busy machine may take seconds, and a passing test never waits it out.
const secStreamWait = 60 * time.Second

// until reads until what has arrived contains marker, and returns all of it.
func (s *secStream) until(t testing.TB, marker string, timeout time.Duration) string {
	t.Helper()
	deadline := time.After(timeout)
	for !strings.Contains(s.text.String(), marker) {
		select {
		case line, ok := <-s.lines:
			if !ok {
				t.Fatalf("stream ended before %q; got:\n%s", marker, s.text.String())
			}
			s.text.WriteString(line + "\n")
		case <-deadline:
			t.Fatalf("no %q within %v; got:\n%s", marker, timeout, s.text.String())
		}
	}
	return s.text.String()
}

// Sample files: only their first bytes matter to the content check.
var (
	secPNG  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 64)...)
	secJPEG = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F'}, bytes.Repeat([]byte{9}, 64)...)
	secPDF  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	secHEIC = append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), bytes.Repeat([]byte{3}, 64)...)
)

// secSized is a PNG of exactly n bytes.
func secSized(n int) []byte {
	b := make([]byte, n)
	copy(b, secPNG)
	return b
}
