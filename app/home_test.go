package app_test

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"io"
	"net/http"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// noFollow is a client that shows redirects instead of following them.
var noFollow = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// The root is the first address the demo prints: it leads to the sign-in
// form, or to the inbox for someone signed in.
func TestRootLeadsToSignInOrInbox(t *testing.T) {
	h := apptest.Start(t, storetest.SQLite(t))
	base := h.Listen(t)
	resp, err := noFollow.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("GET / signed out: %d → %q, want 303 → /login", resp.StatusCode, resp.Header.Get("Location"))
	}

	const password = "root-pass-0123"
	if _, err := staff.AddUser(t.Context(), h.Store, staff.NewUser{Login: "root", Name: "Root", Role: store.RoleAdmin,
		Password: password, BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
		t.Fatal(err)
	}
	browser := h.NewClient(t).SignIn("root", password)
	if resp, _ := browser.Do(http.MethodGet, "/", nil); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/inbox" {
		t.Fatalf("GET / signed in: %d → %q, want 303 → /inbox", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// Browsers ask every site for /favicon.ico: the hub answers with an icon.
func TestFavicon(t *testing.T) {
	h := apptest.Start(t, storetest.SQLite(t))
	resp, err := noFollow.Get(h.Listen(t) + "/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/x-icon" {
		t.Fatalf("GET /favicon.ico: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// An ICO directory (reserved 0, type 1, count), then one entry per
	// image: each must be a PNG that decodes to the size it claims.
	var dir struct{ Reserved, Type, Count uint16 }
	if err := binary.Read(bytes.NewReader(body), binary.LittleEndian, &dir); err != nil || dir.Reserved != 0 || dir.Type != 1 || dir.Count == 0 {
		t.Fatalf("not an icon: %+v %v (% x…)", dir, err, body[:min(len(body), 16)])
	}
	for i := range int(dir.Count) {
		var e struct {
			W, H, Colors, Reserved uint8
			Planes, Bits           uint16
			Size, Offset           uint32
		}
		if err := binary.Read(bytes.NewReader(body[6+16*i:]), binary.LittleEndian, &e); err != nil {
			t.Fatal(err)
		}
		if int(e.Offset)+int(e.Size) > len(body) {
			t.Fatalf("image %d runs past the end of the file: %+v", i, e)
		}
		img, err := png.Decode(bytes.NewReader(body[e.Offset : e.Offset+e.Size]))
		if err != nil {
			t.Fatalf("image %d: %v", i, err)
		}
		if b := img.Bounds(); b.Dx() != int(e.W) || b.Dy() != int(e.H) {
			t.Errorf("image %d is %v, the directory says %dx%d", i, b, e.W, e.H)
		}
	}
}
