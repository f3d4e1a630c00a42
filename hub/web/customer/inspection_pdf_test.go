package customer_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// pdfInspect starts the work order's inspection with one red item with a
// note and a photo (its thumbnail in the hub's media), and returns it.
func pdfInspect(t *testing.T, h *apptest.Hub, o secOrder) hub.Inspection {
	t.Helper()
	ctx := context.Background()
	insp, err := h.Store.StartInspection(ctx, o.Thread, "Иван Петров")
	if err != nil {
		t.Fatal(err)
	}
	items, err := h.Store.InspectionItems(ctx, insp.ID)
	if err != nil {
		t.Fatal(err)
	}
	red, note := hub.ItemRed, "Колодки стёрты до металла"
	if _, err := h.Store.EditInspectionItem(ctx, insp.ID, items[0].ID, store.ItemEdit{State: &red, Note: &note, By: "Иван"}); err != nil {
		t.Fatal(err)
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewRGBA(image.Rect(0, 0, 64, 48)), nil); err != nil {
		t.Fatal(err)
	}
	sha, err := hub.NewMedia(filepath.Join(h.Config.DataDir, "media")).Put(jpg.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	m := hub.InspectionMedia{ItemID: items[0].ID, UploadKey: "k1", SHA256: sha, Name: "pads.jpg", ContentType: "image/jpeg",
		SizeBytes: int64(jpg.Len()), ThumbSHA256: sha, CreatedBy: "Иван"}
	if _, err := h.Store.AddInspectionMedia(ctx, insp.ID, &m); err != nil {
		t.Fatal(err)
	}
	return insp
}

// pdfSend sends the inspection as the advisor's button does.
func pdfSend(t *testing.T, h *apptest.Hub, insp hub.Inspection) {
	t.Helper()
	if _, err := h.Store.SendInspection(context.Background(), insp.ID, "Анна"); err != nil {
		t.Fatal(err)
	}
}

// The customer's PDF exists only once the inspection was sent, and only
// for their own work order; it is a PDF with pages.
func TestInspectionPDFOnlyWhenSentAndOnlyTheCustomers(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		a := secPushOrder(t, h, "ПДФ-1", estOrder("ru", "+79165550401", estLine("1", "part", "Колодки", "6800", true)))
		b := secPushOrder(t, h, "ПДФ-2", secOtherCustomer())
		v := secOpen(t, send, a.Path)
		other := secOpen(t, send, b.Path)
		get := func(v *secVisitor, path string) (int, []byte, http.Header) {
			resp := secGet(t, send, path, v.cookie)
			return resp.StatusCode, []byte(secBody(t, resp)), resp.Header
		}
		if status, _, _ := get(v, a.Path+"/inspection.pdf"); status != http.StatusNotFound {
			t.Fatalf("no inspection: %d", status)
		}
		insp := pdfInspect(t, h, a)
		if status, _, _ := get(v, a.Path+"/inspection.pdf"); status != http.StatusNotFound {
			t.Fatalf("unsent inspection: %d, want 404", status)
		}
		pdfSend(t, h, insp)
		status, body, header := get(v, a.Path+"/inspection.pdf")
		if status != http.StatusOK || !bytes.HasPrefix(body, []byte("%PDF-")) || !bytes.Contains(body, []byte("/Type /Page")) {
			t.Fatalf("sent inspection: %d %.60q", status, body)
		}
		if header.Get("Content-Type") != "application/pdf" || !strings.Contains(header.Get("Content-Disposition"), "inspection-") ||
			header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("headers %v", header)
		}
		if !bytes.Contains(body, []byte("/Subtype /Image")) {
			t.Error("the item's photo is not in the PDF")
		}
		if status, _, _ := get(other, b.Path+"/inspection.pdf"); status != http.StatusNotFound {
			t.Fatalf("another customer's page gives %d", status)
		}
		if status, _, _ := get(other, "/c/"+secRandomToken(t)+"/inspection.pdf"); status != http.StatusNotFound {
			t.Fatalf("an unknown token gives %d", status)
		}
	})
}

// Fifteen confirms at once keep one PDF: one staff note with the file and
// one inspection_report change, whose file the DMS can fetch. A work order
// whose inspection was not sent keeps none.
func TestConfirmedDecisionsKeepOneInspectionReport(t *testing.T) {
	const copies = 15
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		base := h.Run(t)
		send := secOverSocket(t, base, "127.0.0.1")
		a := secPushOrder(t, h, "ПДФ-15", estOrder("ru", "+79165550402",
			estLine("1", "labor", "Замена масла", "1500", false),
			estLine("2", "part", "Колодки тормозные", "6800", true)))
		pdfSend(t, h, pdfInspect(t, h, a))
		v := secOpen(t, send, a.Path)
		review := estReview(t, send, v, url.Values{estKey(a.line(t, h, "2")): {hub.DecisionApproved}})
		confirm := estForm(review).Encode()
		client := &http.Client{
			Transport:     &http.Transport{DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext, MaxIdleConnsPerHost: copies},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Timeout:       60 * time.Second,
		}
		gate := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([]error, copies)
		for i := range copies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, base+a.Path+"/estimate", strings.NewReader(confirm))
				if err != nil {
					errs[i] = err
					return
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Cookie", "nrd_c="+v.cookie)
				<-gate
				resp, err := client.Do(req)
				if err == nil {
					resp.Body.Close()
				}
				errs[i] = err
			}()
		}
		close(gate)
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var reports []secChange
		for _, c := range secFeed(t, h) {
			if c.Type == hub.ChangeInspectionReport {
				reports = append(reports, c)
			}
		}
		if len(reports) != 1 || reports[0].WorkOrderNumber != a.Number {
			t.Fatalf("inspection_report changes %+v, want one for %s", reports, a.Number)
		}
		file, _ := reports[0].Data["file"].(map[string]any)
		fileURL, _ := file["url"].(string)
		if reports[0].Data["version"] != float64(a.WO.Version) || !strings.HasPrefix(fileURL, "/api/dms/v1/files/") {
			t.Fatalf("change data %v", reports[0].Data)
		}
		req, _ := http.NewRequest(http.MethodGet, fileURL, nil)
		req.Header.Set("Authorization", "Bearer "+h.Token)
		resp := h.Do(t, req)
		pdf := secBody(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(pdf, "%PDF-") {
			t.Fatalf("the DMS fetches the report: %d %.40q", resp.StatusCode, pdf)
		}
		kept := 0
		for _, f := range secThreadFiles(t, h, a.Thread) {
			if f.DocKind == store.DocInspectionReport {
				kept++
			}
		}
		if kept != 1 {
			t.Fatalf("%d inspection reports in the thread, want 1", kept)
		}
		// The customer does not get the staff note's file among theirs.
		theirs, err := h.Store.CustomerAttachments(context.Background(), a.Thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range theirs {
			if f.DocKind == store.DocInspectionReport {
				t.Error("the kept report shows among the customer's files")
			}
		}

		// No sent inspection: the decision keeps no report.
		b := secPushOrder(t, h, "ПДФ-16", estOrder("ru", "+79165550403", estLine("1", "part", "Фильтр", "900", true)))
		pdfInspect(t, h, b)
		w := secOpen(t, send, b.Path)
		review = estReview(t, send, w, url.Values{estKey(b.line(t, h, "1")): {hub.DecisionDeclined}})
		secExpectRedirect(t, secPostForm(t, send, b.Path+"/estimate", w.cookie, estForm(review)), b.Path+"?ok=thanks")
		for _, c := range secFeed(t, h) {
			if c.Type == hub.ChangeInspectionReport && c.WorkOrderNumber == b.Number {
				t.Fatal("an unsent inspection's order got a report")
			}
		}
	})
}
