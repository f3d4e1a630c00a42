package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/migrations"
)

// health asks /healthz and decodes its answer.
func health(t *testing.T, h *apptest.Hub) (int, map[string]string) {
	t.Helper()
	resp := h.Do(t, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body map[string]string
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("healthz %d: not JSON: %s", resp.StatusCode, raw)
	}
	return resp.StatusCode, body
}

// healthBecomes polls /healthz until it answers status (a passing check is
// believed for a few seconds) and returns the reason given.
func healthBecomes(t *testing.T, h *apptest.Hub, status int) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, body := health(t, h)
		if got == status {
			return body["reason"]
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz still %d %v, want %d", got, body, status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// /healthz fails when writes fail, not only when the database is gone: a
// full disk used to leave it at 200 while every write failed.
func TestHealthFailsWhenWritesFail(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		// The media directory cannot be written (a file where it should be).
		media := filepath.Join(h.Config.DataDir, "media")
		if err := os.RemoveAll(media); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(media, []byte("in the way"), 0o600); err != nil {
			t.Fatal(err)
		}
		status, body := health(t, h)
		if status != http.StatusServiceUnavailable || body["status"] != "unavailable" || !strings.Contains(body["reason"], "media") {
			t.Fatalf("healthz with an unwritable media directory: %d %v", status, body)
		}
		if err := os.Remove(media); err != nil {
			t.Fatal(err)
		}
		healthBecomes(t, h, http.StatusOK)

		// The database refuses writes.
		db, err := h.Store.SQL()
		if err != nil {
			t.Fatal(err)
		}
		refuse := []string{`CREATE TRIGGER refuse_writes BEFORE INSERT ON health_probe BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
			`CREATE TRIGGER refuse_updates BEFORE UPDATE ON health_probe BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`}
		if h.Store.Dialect() == migrations.Postgres {
			refuse = []string{`CREATE FUNCTION refuse_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$`,
				`CREATE TRIGGER refuse_writes BEFORE INSERT OR UPDATE ON health_probe FOR EACH ROW EXECUTE FUNCTION refuse_writes()`}
		}
		for _, q := range refuse {
			if _, err := db.ExecContext(context.Background(), q); err != nil {
				t.Fatal(err)
			}
		}
		if reason := healthBecomes(t, h, http.StatusServiceUnavailable); !strings.Contains(reason, "database") {
			t.Fatalf("reason %q does not name the database", reason)
		}
	})
}
