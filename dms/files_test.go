package dms_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

func TestDMSFetchesCustomerFilesOfItsBranchesOnly(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		h.PushWorkOrder(t, "e1", "АА-1", 1, "Принят", nil)
		w, _ := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-1")
		th, _ := h.Store.ThreadByWorkOrder(ctx, w.ID)
		photo := []byte("\x89PNG\r\n\x1a\nnot really a picture")
		sum, err := hub.NewMedia(filepath.Join(h.Config.DataDir, "media")).Put(photo)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Store.AddCustomerMessage(ctx, th, "Вот фото", "web",
			[]store.InboundFile{{SHA256: sum, Name: "царапина.png", ContentType: "image/png", SizeBytes: int64(len(photo))}}); err != nil {
			t.Fatal(err)
		}
		get := func(token, path string) (int, []byte) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp := h.Do(t, req)
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, body
		}
		if status, body := get(h.Token, "/api/dms/v1/files/"+sum); status != 200 || string(body) != string(photo) {
			t.Fatalf("own branch: status %d, %d bytes", status, len(body))
		}
		other := hub.Branch{Code: "SPB1", Name: "СПб", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := h.Store.CreateBranch(ctx, &other); err != nil {
			t.Fatal(err)
		}
		spbToken, _, err := h.Store.CreateNodeWithToken(ctx, "1c-spb", "SPB1")
		if err != nil {
			t.Fatal(err)
		}
		if status, _ := get(spbToken, "/api/dms/v1/files/"+sum); status != 404 {
			t.Errorf("another branch's node: status %d, want 404", status)
		}
		if status, _ := get(h.Token, "/api/dms/v1/files/../../secret.key"); status != 400 && status != 404 {
			t.Errorf("a path instead of a hash: status %d", status)
		}
		if status, _ := get(h.Token, "/api/dms/v1/files/abc"); status != 400 {
			t.Errorf("short hash: status %d, want 400", status)
		}
	})
}
