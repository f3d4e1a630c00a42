package inbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// pngBytes is enough of a PNG for the content check.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR mechanic photo")

// sendFile posts the mechanic's (or the reply's) form as multipart; csrf ""
// leaves it out.
func sendFile(t *testing.T, b *browser, path, csrf, name string, content []byte, comment string) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf != "" {
		_ = mw.WriteField("csrf", csrf)
	}
	_ = mw.WriteField("comment", comment)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, _ := b.Send(req)
	return resp
}

func count(t *testing.T, h *apptest.Hub, table string) int64 {
	t.Helper()
	var n int64
	if err := h.Store.Gorm(context.Background()).Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

type counts struct{ messages, attachments, outbox int64 }

func countAll(t *testing.T, h *apptest.Hub) counts {
	t.Helper()
	return counts{count(t, h, "messages"), count(t, h, "attachments"), count(t, h, "outbox")}
}

func customerPage(t *testing.T, h *apptest.Hub, number string) string {
	t.Helper()
	resp := h.Do(t, httptest.NewRequest(http.MethodGet, h.CustomerPath(t, number), nil))
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("customer page: %d", resp.StatusCode)
	}
	return string(page)
}

func lastMessage(t *testing.T, h *apptest.Hub, th hub.Thread) (hub.Message, []hub.Attachment) {
	t.Helper()
	ctx := context.Background()
	msgs, err := h.Store.Messages(ctx, th.ID)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("messages: %v %v", msgs, err)
	}
	m := msgs[len(msgs)-1]
	files, err := h.Store.Attachments(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return m, files
}

func TestMechanicFindsOrdersOfOwnBranches(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		addMechanic(t, h)
		misha := w.signIn(t, "misha")
		aURL := fmt.Sprintf("/mechanic/orders/%d", w.a.ID)
		bURL := fmt.Sprintf("/mechanic/orders/%d", w.b.ID)
		// Both orders carry the plate А123ВС77; only branch A's may show.
		// The job card's QR code (its number exactly) opens the inspection.
		for _, q := range []string{"ЗН-1", "зн-1 "} {
			resp, _ := misha.Do(http.MethodGet, "/mechanic?q="+url.QueryEscape(q), nil)
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != aURL+"/inspection" {
				t.Errorf("q=%q: %d %s, want the inspection", q, resp.StatusCode, loc)
			}
		}
		for _, q := range []string{"зн", "а123вс", "А123ВС77", "a123bc"} {
			resp, page := misha.Do(http.MethodGet, "/mechanic?q="+url.QueryEscape(q), nil)
			if resp.StatusCode != http.StatusOK || !strings.Contains(page, aURL) || !strings.Contains(page, "ЗН-1") {
				t.Errorf("q=%q: %d, ЗН-1 not found", q, resp.StatusCode)
			}
			if strings.Contains(page, bURL) || strings.Contains(page, "ЗН-2") {
				t.Errorf("q=%q: branch B's order listed", q)
			}
		}
		if _, page := misha.Do(http.MethodGet, "/mechanic?q=ЗН-9", nil); strings.Contains(page, aURL) {
			t.Error("q=ЗН-9 found ЗН-1")
		}
		resp, page := misha.Do(http.MethodGet, aURL, nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "ЗН-1") || !strings.Contains(page, "А123ВС77") ||
			!strings.Contains(page, `enctype="multipart/form-data"`) {
			t.Fatalf("order page: %d\n%s", resp.StatusCode, page)
		}
		if resp, _ := misha.Do(http.MethodGet, bURL, nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("branch B's order page: %d, want 404", resp.StatusCode)
		}
	})
}

func addMechanic(t *testing.T, h *apptest.Hub) store.User {
	t.Helper()
	u, err := staff.AddUser(context.Background(), h.Store, staff.NewUser{
		Login: "misha", Name: "Миша", Role: store.RoleMechanic, Password: password, BranchIDs: []int64{h.Branch.ID},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestMechanicPhotoIsInternalUntilForwarded(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newWorld(t, h)
		addMechanic(t, h)
		misha := w.signIn(t, "misha")
		upload := fmt.Sprintf("/mechanic/orders/%d/photos", w.a.ID)
		const comment = "Колодки стёрты до металла"

		// Refused: no CSRF, a text file named .jpg, another branch's order.
		before := countAll(t, h)
		if resp := sendFile(t, misha, upload, "", "brakes.png", pngBytes, comment); resp.StatusCode != http.StatusForbidden {
			t.Errorf("upload without csrf: %d, want 403", resp.StatusCode)
		}
		resp := sendFile(t, misha, upload, misha.CSRF, "brakes.jpg", []byte("just some text, not a photo"), comment)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "?err=file_type") {
			t.Errorf("text as .jpg: %d %s", resp.StatusCode, loc)
		}
		bUpload := fmt.Sprintf("/mechanic/orders/%d/photos", w.b.ID)
		if resp := sendFile(t, misha, bUpload, misha.CSRF, "brakes.png", pngBytes, comment); resp.StatusCode != http.StatusNotFound {
			t.Errorf("upload to branch B: %d, want 404", resp.StatusCode)
		}
		if after := countAll(t, h); after != before {
			t.Fatalf("a refused upload stored something: %+v → %+v", before, after)
		}

		// Accepted: an internal message by the mechanic with the photo.
		resp = sendFile(t, misha, upload, misha.CSRF, "brakes.png", pngBytes, comment)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != fmt.Sprintf("/mechanic/orders/%d?ok=1", w.a.ID) {
			t.Fatalf("upload: %d %s", resp.StatusCode, loc)
		}
		note, files := lastMessage(t, h, w.a)
		if note.Direction != hub.DirectionNote || note.Author != "Миша" || note.Body != comment ||
			len(files) != 1 || files[0].ContentType != "image/png" || files[0].Name != "brakes.png" {
			t.Fatalf("stored %+v with %+v", note, files)
		}
		if _, err := h.Store.OutboxByMessage(ctx, note.ID); err == nil {
			t.Fatal("the mechanic's photo reached the outbox")
		}
		if page := customerPage(t, h, "ЗН-1"); strings.Contains(page, comment) {
			t.Fatal("the mechanic's note is on the customer's page")
		}

		base := fmt.Sprintf("/inbox/threads/%d", w.a.ID)
		forward := fmt.Sprintf("%s/messages/%d/forward", base, note.ID)
		anna := w.signIn(t, "anna")
		_, page := anna.Do(http.MethodGet, base, nil)
		for _, want := range []string{comment, fmt.Sprintf(`<img src="%s/files/%d"`, base, files[0].ID), `action="` + forward + `"`} {
			if !strings.Contains(page, want) {
				t.Errorf("advisor's thread page lacks %q", want)
			}
		}

		// Refused forwards: the mechanic, no CSRF, another branch's thread
		// (and a message of A under B's thread), a message that is not internal.
		before = countAll(t, h)
		if resp, _ := post(misha, forward); resp.StatusCode != http.StatusForbidden {
			t.Errorf("mechanic forwards: %d, want 403", resp.StatusCode)
		}
		if resp, _ := anna.Do(http.MethodPost, forward, url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("forward without csrf: %d, want 403", resp.StatusCode)
		}
		bForward := fmt.Sprintf("/inbox/threads/%d/messages/%d/forward", w.b.ID, note.ID)
		if resp, _ := post(anna, bForward); resp.StatusCode != http.StatusNotFound {
			t.Errorf("forward under B's thread: %d, want 404", resp.StatusCode)
		}
		oleg := w.signIn(t, "oleg")
		if resp, _ := post(oleg, bForward); resp.StatusCode != http.StatusNotFound {
			t.Errorf("B's advisor forwards A's message: %d, want 404", resp.StatusCode)
		}
		if resp, _ := post(oleg, forward); resp.StatusCode != http.StatusNotFound {
			t.Errorf("B's advisor forwards in A's thread: %d, want 404", resp.StatusCode)
		}
		inMsg, err := h.Store.AddCustomerMessage(ctx, w.a, "Что там?", hub.ChannelSMS, nil)
		if err != nil {
			t.Fatal(err)
		}
		before.messages++
		resp, _ = post(anna, fmt.Sprintf("%s/messages/%d/forward", base, inMsg.ID))
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != base+"?err=not_forwardable" {
			t.Errorf("forward of a customer message: %d %s", resp.StatusCode, loc)
		}
		if after := countAll(t, h); after != before {
			t.Fatalf("a refused forward stored something: %+v → %+v", before, after)
		}

		// The advisor forwards: queued to the customer with the same file.
		resp, _ = post(anna, forward)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base {
			t.Fatalf("forward: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		out, outFiles := lastMessage(t, h, w.a)
		item, err := h.Store.OutboxByMessage(ctx, out.ID)
		if err != nil || out.Direction != hub.DirectionOut || out.Author != "Анна" || !strings.HasPrefix(out.Body, comment) ||
			item.State != hub.OutboxPending || item.Recipient != w.a.Phone {
			t.Fatalf("forwarded %+v, outbox %+v %v", out, item, err)
		}
		if len(outFiles) != 1 || outFiles[0].SHA256 != files[0].SHA256 || outFiles[0].ID == files[0].ID {
			t.Fatalf("forwarded files %+v, original %+v", outFiles, files)
		}
		custPage := customerPage(t, h, "ЗН-1")
		if !strings.Contains(custPage, comment) || !strings.Contains(custPage, "brakes.png") {
			t.Fatal("the forwarded photo is not on the customer's page")
		}
	})
}

// The job card's QR code holds ЗН-1 exactly; 40 newer open ЗН-1x orders
// fill the prefix search's 30 rows, yet ЗН-1's inspection opens at once.
func TestMechanicShortcutFindsTheExactNumberAmongMany(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		addMechanic(t, h)
		for i := 10; i < 50; i++ {
			n := fmt.Sprintf("ЗН-1%d", i)
			h.PushWorkOrder(t, "e-"+n, n, 1, "В работе", nil)
		}
		misha := w.signIn(t, "misha")
		resp, _ := misha.Do(http.MethodGet, "/mechanic?q="+url.QueryEscape("ЗН-1"), nil)
		want := fmt.Sprintf("/mechanic/orders/%d/inspection", w.a.ID)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != want {
			t.Fatalf("q=ЗН-1: %d %q, want %s", resp.StatusCode, loc, want)
		}
		// A prefix still lists the orders.
		if resp, page := misha.Do(http.MethodGet, "/mechanic?q="+url.QueryEscape("ЗН-14"), nil); resp.StatusCode != http.StatusOK ||
			!strings.Contains(page, "ЗН-140") {
			t.Fatalf("q=ЗН-14: %d, no list", resp.StatusCode)
		}
	})
}
