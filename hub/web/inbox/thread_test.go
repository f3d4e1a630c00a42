package inbox_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

const password = "s3cret-pass-word"

// world is a hub with two branches, A (MSK1) and B (SPB1), a work-order
// thread in each, advisors anna and boris at A and oleg at B, and in B's
// thread a customer photo and a failed message.
type world struct {
	h                 *apptest.Hub
	media             *hub.Media
	a, b              hub.Thread
	anna, boris, oleg store.User
	bPhoto            hub.Attachment
	bFailed           hub.Message
}

// newWorld signs users in through the hub's own HTTP app, as wired by the
// server.
func newWorld(t *testing.T, h *apptest.Hub) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{h: h, media: hub.NewMedia(filepath.Join(h.Config.DataDir, "media"))}

	spb := hub.Branch{Code: "SPB1", Name: "Питер", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
	if err := h.Store.CreateBranch(ctx, &spb); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.SetStatusMapping(ctx, nil, "В работе", hub.StatusInProgress); err != nil {
		t.Fatal(err)
	}
	h.PushWorkOrder(t, "e1", "ЗН-1", 1, "В работе", nil)
	h.PushWorkOrder(t, "e2", "ЗН-2", 1, "В работе", map[string]any{"branch": "SPB1"})
	w.a, w.b = h.Thread(t, "ЗН-1"), h.Thread(t, "ЗН-2")

	w.anna = addUser(t, h, "anna", "Анна", h.Branch.ID)
	w.boris = addUser(t, h, "boris", "Борис", h.Branch.ID)
	w.oleg = addUser(t, h, "oleg", "Олег", spb.ID)

	sum, err := w.media.Put([]byte("\xff\xd8 a photo"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := h.Store.AddCustomerMessage(ctx, w.b, "Вот фото", hub.ChannelSMS,
		[]store.InboundFile{{SHA256: sum, Name: "scratch.jpg", ContentType: "image/jpeg", SizeBytes: 10}})
	if err != nil {
		t.Fatal(err)
	}
	files, err := h.Store.Attachments(ctx, m.ID)
	if err != nil || len(files) != 1 {
		t.Fatalf("attachments %v %v", files, err)
	}
	w.bPhoto = files[0]
	w.bFailed = failedMessage(t, h, w.b, "Машина готова")
	return w
}

func reload(t *testing.T, h *apptest.Hub, th hub.Thread) hub.Thread {
	t.Helper()
	th, err := h.Store.Thread(context.Background(), th.ID)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

func addUser(t *testing.T, h *apptest.Hub, login, name string, branch int64) store.User {
	t.Helper()
	u, err := staff.AddUser(context.Background(), h.Store, staff.NewUser{
		Login: login, Name: name, Role: store.RoleAdvisor, Password: password, BranchIDs: []int64{branch},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// failedMessage queues a message with nobody to send to: it fails at once.
func failedMessage(t *testing.T, h *apptest.Hub, th hub.Thread, body string) hub.Message {
	t.Helper()
	m, err := h.Store.QueueMessage(context.Background(), store.Outgoing{ThreadID: th.ID, Channel: th.Channel, Body: body, Author: "Анна"})
	if err != nil || m.Delivery != hub.DeliveryFailed {
		t.Fatalf("failed message: %+v %v", m, err)
	}
	return m
}

// browser is one signed-in staff user.
type browser = apptest.Client

func (w *world) signIn(t *testing.T, login string) *browser {
	t.Helper()
	return w.h.NewClient(t).SignIn(login, password)
}

// post sends a form with the session's CSRF token and fields as pairs.
func post(b *browser, path string, fields ...string) (*http.Response, string) {
	form := url.Values{}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	return b.Post(path, form)
}

// posts are every POST route of a thread, with a valid form each.
func posts(th hub.Thread, messageID int64, colleague int64) map[string][]string {
	base := fmt.Sprintf("/inbox/threads/%d", th.ID)
	return map[string][]string{
		base + "/messages": {"text", "reply-marker"},
		base + "/notes":    {"text", "note-marker"},
		base + "/assign":   {"user", strconv.FormatInt(colleague, 10)},
		base + "/resolve":  nil,
		base + "/reopen":   nil,
		fmt.Sprintf("%s/messages/%d/resend", base, messageID): nil,
	}
}

// snapshot is what any action could have written.
type snapshot struct {
	messages, outbox, audit, reads int64
	thread                         hub.Thread
}

func take(t *testing.T, h *apptest.Hub, th hub.Thread) snapshot {
	t.Helper()
	db := h.Store.Gorm(context.Background())
	var s snapshot
	for _, c := range []struct {
		table string
		n     *int64
	}{{"messages", &s.messages}, {"outbox", &s.outbox}, {"audit_log", &s.audit}, {"thread_reads", &s.reads}} {
		if err := db.Table(c.table).Count(c.n).Error; err != nil {
			t.Fatal(err)
		}
	}
	// Sign-ins are audited too; only thread actions count here.
	if err := db.Table("audit_log").Where("action IN ?", []string{store.AuditAssign, store.AuditResolve, store.AuditReopen}).Count(&s.audit).Error; err != nil {
		t.Fatal(err)
	}
	s.thread = reload(t, h, th)
	s.thread.LastActivityAt = s.thread.LastActivityAt.UTC()
	s.thread.CreatedAt = s.thread.CreatedAt.UTC()
	return s
}

func sameSnapshot(a, b snapshot) bool {
	return a.messages == b.messages && a.outbox == b.outbox && a.audit == b.audit && a.reads == b.reads &&
		a.thread.State == b.thread.State && fmt.Sprint(a.thread.AssigneeID) == fmt.Sprint(b.thread.AssigneeID) &&
		a.thread.LastActivityAt.Equal(b.thread.LastActivityAt)
}

func TestAnotherBranchsThreadIsNotFoundOnEveryRoute(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		anna := w.signIn(t, "anna")
		bBase := fmt.Sprintf("/inbox/threads/%d", w.b.ID)
		aBase := fmt.Sprintf("/inbox/threads/%d", w.a.ID)
		before := take(t, h, w.b)

		gets := []string{bBase, fmt.Sprintf("%s/files/%d", bBase, w.bPhoto.ID),
			fmt.Sprintf("%s/files/%d", aBase, w.bPhoto.ID), // B's file under A's thread
			"/inbox/threads/999999", "/inbox/threads/junk"}
		for _, path := range gets {
			if resp, _ := anna.Do(http.MethodGet, path, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
			}
		}
		routes := posts(w.b, w.bFailed.ID, w.oleg.ID)
		routes[fmt.Sprintf("%s/messages/%d/resend", aBase, w.bFailed.ID)] = nil // B's message under A's thread
		for path, fields := range routes {
			if resp, _ := post(anna, path, fields...); resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", path, resp.StatusCode)
			}
		}
		if after := take(t, h, w.b); !sameSnapshot(before, after) {
			t.Fatalf("something was stored:\nbefore %+v\nafter  %+v", before, after)
		}
		if m, _ := h.Store.Message(context.Background(), w.bFailed.ID); m.Delivery != hub.DeliveryFailed {
			t.Fatalf("B's failed message was requeued: %s", m.Delivery)
		}

		// B's own advisor sees the thread, the photo and the failure.
		oleg := w.signIn(t, "oleg")
		resp, page := oleg.Do(http.MethodGet, bBase, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("own thread: %d", resp.StatusCode)
		}
		photoURL := fmt.Sprintf("%s/files/%d", bBase, w.bPhoto.ID)
		for _, want := range []string{`<img src="` + photoURL + `"`, "Машина готова", "no phone number for this customer",
			fmt.Sprintf(`action="%s/messages/%d/resend"`, bBase, w.bFailed.ID)} {
			if !strings.Contains(page, want) {
				t.Errorf("thread page lacks %q", want)
			}
		}
		resp, body := oleg.Do(http.MethodGet, photoURL, nil)
		if resp.StatusCode != http.StatusOK || body != "\xff\xd8 a photo" || resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("own photo: %d %q %s", resp.StatusCode, body, resp.Header.Get("Content-Type"))
		}
	})
}

func TestThreadFormsNeedCSRF(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		failed := failedMessage(t, h, w.a, "Готово")
		anna := w.signIn(t, "anna")
		before := take(t, h, w.a)
		for path, fields := range posts(w.a, failed.ID, w.boris.ID) {
			for name, csrf := range map[string]string{"missing": "", "wrong": "x" + anna.CSRF} {
				form := url.Values{}
				if csrf != "" {
					form.Set("csrf", csrf)
				}
				for i := 0; i+1 < len(fields); i += 2 {
					form.Set(fields[i], fields[i+1])
				}
				if resp, _ := anna.Do(http.MethodPost, path, form); resp.StatusCode != http.StatusForbidden {
					t.Errorf("POST %s, %s csrf: %d, want 403", path, name, resp.StatusCode)
				}
			}
		}
		if after := take(t, h, w.a); !sameSnapshot(before, after) {
			t.Fatalf("something was stored:\nbefore %+v\nafter  %+v", before, after)
		}
	})
}

func TestReplyNoteAndResend(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newWorld(t, h)
		if _, err := h.Store.AddCustomerMessage(ctx, w.a, "Когда будет готово?", hub.ChannelSMS, nil); err != nil {
			t.Fatal(err)
		}
		anna := w.signIn(t, "anna")
		base := fmt.Sprintf("/inbox/threads/%d", w.a.ID)

		resp, page := anna.Do(http.MethodGet, base, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("thread page: %d\n%s", resp.StatusCode, page)
		}
		for _, want := range []string{"Когда будет готово?", "ЗН-1", "In progress", "Škoda Octavia А123ВС77",
			"Замена масла", "Тормозные колодки", "awaiting decision", "labour"} {
			if !strings.Contains(page, want) {
				t.Errorf("thread page lacks %q", want)
			}
		}
		rows, err := h.Store.InboxThreads(ctx, store.InboxQuery{UserID: w.anna.ID, BranchIDs: []int64{h.Branch.ID}})
		if err != nil || len(rows) != 1 || rows[0].Unread != 0 {
			t.Fatalf("opening the thread did not mark it read: %+v %v", rows, err)
		}

		// A reply goes to the outbox as the advisor's, and stops the clock.
		resp, _ = post(anna, base+"/messages", "text", "  Сегодня к 18:00  ")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base {
			t.Fatalf("reply: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		msgs, err := h.Store.Messages(ctx, w.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		reply := msgs[len(msgs)-1]
		item, err := h.Store.OutboxByMessage(ctx, reply.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The reply carries the customer's page link, so an SMS customer can answer.
		wantBody := "Сегодня к 18:00\n" + h.Config.PublicURL + h.CustomerPath(t, "ЗН-1")
		if reply.Direction != hub.DirectionOut || reply.Author != "Анна" || reply.Body != hub.MaskLinks(wantBody) ||
			item.Recipient != w.a.Phone || item.Body != wantBody || item.State != hub.OutboxPending {
			t.Fatalf("reply %+v, outbox %+v", reply, item)
		}
		rows, _ = h.Store.InboxThreads(ctx, store.InboxQuery{UserID: w.anna.ID, BranchIDs: []int64{h.Branch.ID}})
		if rows[0].AwaitingSince != nil {
			t.Fatal("the reply did not stop the first-response clock")
		}
		if resp, _ := post(anna, base+"/messages", "text", "   "); resp.Header.Get("Location") != base+"?err=empty" {
			t.Fatalf("empty reply: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}

		// A note stays with the staff: no outbox row, not on the customer's page.
		before := take(t, h, w.a)
		post(anna, base+"/notes", "text", "Клиент просил не звонить")
		msgs, _ = h.Store.Messages(ctx, w.a.ID)
		note := msgs[len(msgs)-1]
		if note.Direction != hub.DirectionNote || note.Body != "Клиент просил не звонить" {
			t.Fatalf("note %+v", note)
		}
		if _, err := h.Store.OutboxByMessage(ctx, note.ID); err == nil {
			t.Fatal("the note reached the outbox")
		}
		if after := take(t, h, w.a); after.outbox != before.outbox || after.messages != before.messages+1 {
			t.Fatalf("note: outbox %d → %d", before.outbox, after.outbox)
		}
		custResp := h.Do(t, httptest.NewRequest(http.MethodGet, h.CustomerPath(t, "ЗН-1"), nil))
		custPage, _ := io.ReadAll(custResp.Body)
		custResp.Body.Close()
		if custResp.StatusCode != http.StatusOK || !strings.Contains(string(custPage), "Сегодня к 18:00") {
			t.Fatalf("customer page: %d, reply shown: %v", custResp.StatusCode, strings.Contains(string(custPage), "Сегодня к 18:00"))
		}
		if strings.Contains(string(custPage), "Клиент просил не звонить") {
			t.Fatal("the note is on the customer's page")
		}
		_, page = anna.Do(http.MethodGet, base, nil)
		if !strings.Contains(page, `class="msg note internal"`) {
			t.Fatal("the note is not shown as internal")
		}

		// Resend requeues a failed message of this thread, once.
		failed := failedMessage(t, h, w.a, "Машина готова")
		path := fmt.Sprintf("%s/messages/%d/resend", base, failed.ID)
		if resp, _ := post(anna, path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base {
			t.Fatalf("resend: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		m, _ := h.Store.Message(ctx, failed.ID)
		item, err = h.Store.OutboxByMessage(ctx, failed.ID)
		if err != nil || m.Delivery != hub.DeliveryQueued || item.State != hub.OutboxPending || item.Recipient != w.a.Phone {
			t.Fatalf("resent %+v, outbox %+v %v", m, item, err)
		}
		if resp, _ := post(anna, path); resp.Header.Get("Location") != base+"?err=not_failed" {
			t.Fatalf("second resend: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := post(anna, fmt.Sprintf("%s/messages/%d/resend", base, reply.ID)); resp.Header.Get("Location") != base+"?err=not_failed" {
			t.Fatalf("resend of a queued reply: %s", resp.Header.Get("Location"))
		}
	})
}

func TestAssignResolveReopenAreAudited(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		anna := w.signIn(t, "anna")
		base := fmt.Sprintf("/inbox/threads/%d", w.a.ID)
		steps := []struct {
			path, user, errKey string
			assignee           *int64
			state, action      string
		}{
			{"/assign", "me", "", &w.anna.ID, hub.ThreadOpen, store.AuditAssign},
			{"/assign", strconv.FormatInt(w.boris.ID, 10), "", &w.boris.ID, hub.ThreadOpen, store.AuditAssign},
			{"/assign", strconv.FormatInt(w.oleg.ID, 10), "bad_user", &w.boris.ID, hub.ThreadOpen, ""}, // another branch's advisor
			{"/assign", "nobody", "bad_user", &w.boris.ID, hub.ThreadOpen, ""},
			{"/resolve", "", "", &w.boris.ID, hub.ThreadResolved, store.AuditResolve},
			{"/resolve", "", "", &w.boris.ID, hub.ThreadResolved, ""}, // already resolved: nothing to audit
			{"/reopen", "", "", &w.boris.ID, hub.ThreadOpen, store.AuditReopen},
		}
		for i, s := range steps {
			audits := auditCount(t, h)
			resp, _ := post(anna, base+s.path, "user", s.user)
			want := base
			if s.errKey != "" {
				want += "?err=" + s.errKey
			}
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
				t.Fatalf("step %d %s: %d %s", i, s.path, resp.StatusCode, resp.Header.Get("Location"))
			}
			th := reload(t, h, w.a)
			if th.State != s.state || th.AssigneeID == nil || *th.AssigneeID != *s.assignee {
				t.Fatalf("step %d %s: state %s assignee %v", i, s.path, th.State, th.AssigneeID)
			}
			log, err := h.Store.AuditLog(context.Background(), 1)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case s.action == "" && auditCount(t, h) != audits:
				t.Fatalf("step %d %s: audited %+v", i, s.path, log[0])
			case s.action != "" && (auditCount(t, h) != audits+1 || log[0].Action != s.action ||
				log[0].UserID == nil || *log[0].UserID != w.anna.ID || log[0].Subject != fmt.Sprintf("thread %d", w.a.ID)):
				t.Fatalf("step %d %s: audit %+v", i, s.path, log)
			}
		}
	})
}

func auditCount(t *testing.T, h *apptest.Hub) int {
	t.Helper()
	log, err := h.Store.AuditLog(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(log)
}

func TestListShowsOnlyOwnBranchWithStatusNames(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		anna := w.signIn(t, "anna")
		_, page := anna.Do(http.MethodGet, "/inbox", nil)
		if !strings.Contains(page, "ЗН-1") || strings.Contains(page, "ЗН-2") {
			t.Fatalf("anna's list should hold ЗН-1 and not branch B's ЗН-2:\n%s", page)
		}
		if !strings.Contains(page, `<span class="status st-in_progress">In progress</span>`) && !strings.Contains(page, `<span class="status st-in_progress">В работе</span>`) {
			t.Errorf("the list does not name the status in words:\n%s", page)
		}
	})
}

func TestTemplatePickerFillsTheReplyWithTheWorkOrder(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		anna := w.signIn(t, "anna")
		base := "/inbox/threads/" + strconv.FormatInt(w.a.ID, 10)
		_, page := anna.Do(http.MethodGet, base+"?template=status.ready", nil)
		m := regexp.MustCompile(`(?s)<textarea id="reply"[^>]*>(.*?)</textarea>`).FindStringSubmatch(page)
		if m == nil || !strings.Contains(m[1], "ЗН-1") || !strings.Contains(m[1], "готов") {
			t.Fatalf("the reply box was not filled from status.ready:\n%v", m)
		}
		_, page = anna.Do(http.MethodGet, base+"?template=no.such.key", nil)
		if m := regexp.MustCompile(`(?s)<textarea id="reply"[^>]*>(.*?)</textarea>`).FindStringSubmatch(page); m == nil || m[1] != "" {
			t.Fatalf("an unknown template filled the reply box: %v", m)
		}
	})
}

func TestReplyWithAFileReachesTheCustomer(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		anna := w.signIn(t, "anna")
		base := "/inbox/threads/" + strconv.FormatInt(w.a.ID, 10)
		before := countAll(t, h)
		if resp := sendFile(t, anna, base+"/messages", anna.CSRF, "notes.txt", []byte("not a document"), ""); resp.Header.Get("Location") != base+"?err=file_type" {
			t.Fatalf("a text file: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if after := countAll(t, h); after != before {
			t.Fatalf("a refused file stored something: %+v → %+v", before, after)
		}
		invoice := []byte("%PDF-1.4\n% счёт\n")
		if resp := sendFile(t, anna, base+"/messages", anna.CSRF, "счёт.pdf", invoice, ""); resp.Header.Get("Location") != base {
			t.Fatalf("a PDF reply: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		m, files := lastMessage(t, h, w.a)
		if m.Direction != hub.DirectionOut || len(files) != 1 || files[0].ContentType != "application/pdf" || files[0].Name != "счёт.pdf" {
			t.Fatalf("reply %+v with files %+v", m, files)
		}
		if _, err := h.Store.OutboxByMessage(context.Background(), m.ID); err != nil {
			t.Fatalf("the reply was not queued: %v", err)
		}
		if page := customerPage(t, h, "ЗН-1"); !strings.Contains(page, "счёт.pdf") {
			t.Error("the customer page does not offer the document")
		}
	})
}
