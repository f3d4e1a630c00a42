package customer_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/store"
)

// Markup and template syntax in a DMS line name and in a mechanic's item
// name and note (10 000 characters of it) are shown as text on the page;
// the PDF of the same report is made (no 500).
func TestMarkupInNamesAndNotesIsText(t *testing.T) {
	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)> }}{{.CSRF}} {{template "x"}} <a href="javascript:alert(3)">x</a>`
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		a := secPushOrder(t, h, "ИНЪ-1", estOrder("ru", "+79165550931",
			estLine("1", "part", evil, "6800", true)))
		ctx := context.Background()
		insp := pdfInspect(t, h, a)
		items, err := h.Store.InspectionItems(ctx, insp.ID)
		if err != nil {
			t.Fatal(err)
		}
		note := strings.Repeat(evil+"\n", 10000/len(evil))
		if _, err := h.Store.EditInspectionItem(ctx, insp.ID, items[0].ID, store.ItemEdit{Note: &note, By: "Иван"}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Store.AddFreeItem(ctx, insp.ID, evil, "", "Иван"); err != nil {
			t.Log("free item refused:", err)
		}
		repTieLine(t, h, a.line(t, h, "1").ID, items[0].Code)
		pdfSend(t, h, insp)
		v := secOpen(t, send, a.Path)
		resp := secGet(t, send, a.Path, v.cookie)
		body := secBody(t, resp)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("page: %d", resp.StatusCode)
		}
		for _, bad := range []string{"<script>alert", "<img src=x", `href="javascript:`} {
			if strings.Contains(body, bad) {
				t.Errorf("the page holds %q", bad)
			}
		}
		if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(body, "}}{{.CSRF}}") {
			t.Errorf("the text is lost (or its template syntax ran)")
		}
		resp = secGet(t, send, a.Path+"/inspection.pdf", v.cookie)
		if pdf := secBody(t, resp); resp.StatusCode != http.StatusOK || !bytes.HasPrefix([]byte(pdf), []byte("%PDF-")) {
			t.Fatalf("pdf: %d", resp.StatusCode)
		}
	})
}
