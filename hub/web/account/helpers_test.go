package account

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/store"
)

// testSecret signs the test handlers' CSRF tokens.
const testSecret = "account-test-secret-0123456789abcdef"

// newTestApp serves the account pages of st, as the hub does.
func newTestApp(t *testing.T, st *store.Store) (*fiber.App, *Handler) {
	t.Helper()
	h, err := New(st, Options{Secret: testSecret, RateLimit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	h.Register(app)
	return app, h
}

// signIn makes (or finds) the account of phone and returns a signed-in
// session cookie and the CSRF token its forms carry, as the sign-in by
// code ends.
func signIn(t *testing.T, h *Handler, phone string) (*http.Cookie, string) {
	t.Helper()
	ctx := context.Background()
	acc, err := h.store.AccountForVerifiedPhone(ctx, phone, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	token, err := h.store.CreateAccountSession(ctx, acc.ID, false, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, sess, err := h.store.AccountBySession(ctx, token, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: SessionCookie, Value: token}, h.mac("csrf", sess.TokenHash)
}
