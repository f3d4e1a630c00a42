package customer_test

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// An iPhone plays a video only from a server that answers byte ranges:
// Safari asks for "bytes=0-1" first and gives up on a 200 with the whole
// file. The report's video answers a range with 206 and those bytes, its
// type and headers kept; a whole request still gets the whole file.
func TestAReportVideoAnswersByteRanges(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		a := secPushOrder(t, h, "ВИД-1", estOrder("ru", "+79165550951", estLine("1", "part", "Колодки", "6800", true)))
		ctx := context.Background()
		insp := pdfInspect(t, h, a)
		items, err := h.Store.InspectionItems(ctx, insp.ID)
		if err != nil {
			t.Fatal(err)
		}
		video := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), bytes.Repeat([]byte{5}, 4000)...)
		sha, err := hub.NewMedia(filepath.Join(h.Config.DataDir, "media")).Put(video)
		if err != nil {
			t.Fatal(err)
		}
		m := hub.InspectionMedia{ItemID: items[0].ID, UploadKey: "v-1", SHA256: sha, Name: "clip.mp4",
			ContentType: "video/mp4", SizeBytes: int64(len(video)), CreatedBy: "Иван"}
		if _, err := h.Store.AddInspectionMedia(ctx, insp.ID, &m); err != nil {
			t.Fatal(err)
		}
		pdfSend(t, h, insp)
		v := secOpen(t, send, a.Path)
		path := a.Path + "/inspection/media/" + itoa(m.ID)
		req := secRequest(t, http.MethodGet, path, v.cookie, nil, "")
		req.Header.Set("Range", "bytes=0-1")
		resp := send(t, req)
		body := secBody(t, resp)
		if resp.StatusCode != http.StatusPartialContent || body != string(video[:2]) ||
			resp.Header.Get("Content-Range") != "bytes 0-1/"+itoa(int64(len(video))) {
			t.Errorf("range 0-1: %d, %d bytes, Content-Range %q; want 206 with two bytes", resp.StatusCode, len(body), resp.Header.Get("Content-Range"))
		}
		if resp.Header.Get("Content-Type") != "video/mp4" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("range headers %v", resp.Header)
		}
		req = secRequest(t, http.MethodGet, path, v.cookie, nil, "")
		req.Header.Set("Range", "bytes=100-")
		resp = send(t, req)
		if body := secBody(t, resp); resp.StatusCode != http.StatusPartialContent || body != string(video[100:]) {
			t.Errorf("range 100-: %d, %d bytes", resp.StatusCode, len(body))
		}
		for _, bad := range []string{"bytes=99999-", "bytes=5-2", "lines=0-1", "bytes=0-1,4-5"} {
			req = secRequest(t, http.MethodGet, path, v.cookie, nil, "")
			req.Header.Set("Range", bad)
			resp = send(t, req)
			secBody(t, resp)
			if resp.StatusCode != http.StatusRequestedRangeNotSatisfiable && resp.StatusCode != http.StatusOK {
				t.Errorf("range %q: %d, want 416 or the whole file", bad, resp.StatusCode)
			}
		}
		resp = secGet(t, send, path, v.cookie)
		if body := secBody(t, resp); resp.StatusCode != http.StatusOK || body != string(video) || resp.Header.Get("Content-Type") != "video/mp4" ||
			resp.Header.Get("Accept-Ranges") != "bytes" {
			t.Errorf("whole: %d, %d bytes, %q, Accept-Ranges %q", resp.StatusCode, len(body), resp.Header.Get("Content-Type"), resp.Header.Get("Accept-Ranges"))
		}
	})
}
