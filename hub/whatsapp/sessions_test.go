package whatsapp_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"go.mau.fi/whatsmeow/types"

	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// whatsmeow's session store runs its own migrations on both databases:
// beside the hub's tables on PostgreSQL, in its own file on SQLite.
func TestSessionsStoreDevicesOnBothBackends(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			storetest.Open(t, b) // the hub's own tables first: the two must live together
			s, err := whatsapp.OpenSessions(ctx, b.DatabaseURL, b.DataDir)
			if err != nil {
				t.Fatal(err)
			}
			d := s.NewDevice()
			if d.ID != nil {
				t.Fatalf("a new device has a JID: %v", d.ID)
			}
			jid := types.NewADJID("48500100200", 0, 7)
			d.ID = &jid
			watest.SignedByPhone(d) // as a linking leaves it
			if err := d.Save(ctx); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}

			s, err = whatsapp.OpenSessions(ctx, b.DatabaseURL, b.DataDir) // migrations again: nothing to do
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			defer s.Close()
			got, err := s.Device(ctx, jid.String())
			if err != nil || got == nil || got.ID.String() != jid.String() || got.RegistrationID != d.RegistrationID {
				t.Fatalf("device after reopening: %+v %v", got, err)
			}
			if b.Name == "sqlite" {
				if _, err := os.Stat(filepath.Join(b.DataDir, "whatsapp.db")); err != nil {
					t.Fatalf("no separate session file: %v", err)
				}
			} else {
				db, err := sql.Open("pgx", b.DatabaseURL)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				var n int
				if err := db.QueryRowContext(ctx, "SELECT count(*) FROM whatsmeow_device").Scan(&n); err != nil || n != 1 {
					t.Fatalf("whatsmeow_device in the hub's database: %d %v", n, err)
				}
			}

			if err := s.Delete(ctx, jid.String()); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Device(ctx, jid.String()); err != nil || got != nil {
				t.Fatalf("deleted device: %+v %v", got, err)
			}
			if err := s.Delete(ctx, jid.String()); err != nil {
				t.Fatalf("deleting a device gone already: %v", err)
			}
			if _, err := s.Device(ctx, "not a jid"); err == nil {
				t.Fatal("a malformed JID is not refused")
			}
		})
	}
}

// On SQLite whatsmeow refuses to run without foreign keys; the DSN turns
// them on, which this proves by whatsmeow having migrated at all.
func TestSessionsFileIsCreatedInTheDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	s, err := whatsapp.OpenSessions(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(filepath.Join(dir, "whatsapp.db")); err != nil {
		t.Fatal(err)
	}
}
