package reminders_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/lockerwire"
	"naryad/reminders"
)

func runPreview(t *testing.T, b storetest.Backend, args ...string) (string, error) {
	t.Helper()
	cmd := reminders.PreviewCommand()
	env := map[string]string{"NARYAD_DATA_DIR": b.DataDir, "NARYAD_DATABASE_URL": b.DatabaseURL}
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := cli.Bind(fs, func(k string) string { return env[k] })
	run := cmd.Setup(fs, cfg)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run(t.Context(), cli.IO{Stdout: &out, Stderr: io.Discard, Stdin: strings.NewReader("")})
	return out.String(), err
}

// `naryad reminders preview --json` prints exactly an array of
// {rule, customer_phone, subject, due_at, message}, [] when nothing is
// due, and writes nothing.
func TestPreviewCommandJSON(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		ctx := t.Context()
		r := newRig(t, s, "Europe/Moscow")
		cust, phone := r.customer("en")
		w, _ := r.order(cust, phone)
		site := hub.LockerSite{BranchID: r.branch.ID, Name: "Main", TokenHash: "site-" + r.branch.Code}
		comps := []hub.LockerCompartment{{Board: 0, Lock: 1, Label: "1"}}
		if err := s.CreateLockerSite(ctx, &site, comps); err != nil {
			t.Fatal(err)
		}
		ready := time.Date(2026, 5, 10, 5, 0, 0, 0, time.UTC) // 08:00 in Moscow
		if err := s.Gorm(ctx).Exec("UPDATE locker_compartments SET state = ?, work_order_id = ?, state_since = ? WHERE id = ?",
			lockerwire.StateReady, w.ID, ready, comps[0].ID).Error; err != nil {
			t.Fatal(err)
		}

		out, err := runPreview(t, b, "--date", "2026-05-11", "--branch", r.branch.Code, "--json")
		if err != nil {
			t.Fatal(err)
		}
		var items []map[string]any
		if err := json.Unmarshal([]byte(out), &items); err != nil || len(items) != 1 {
			t.Fatalf("output %q: %v", out, err)
		}
		var fields []string
		for k := range items[0] {
			fields = append(fields, k)
		}
		slices.Sort(fields)
		if want := []string{"customer_phone", "due_at", "message", "rule", "subject"}; !slices.Equal(fields, want) {
			t.Fatalf("fields %v, want %v", fields, want)
		}
		// At 10:00 Moscow on 11 May the keys have waited 26 h (due from 24 h).
		it := items[0]
		if it["rule"] != reminders.RuleKeys || it["customer_phone"] != phone || it["due_at"] != "2026-05-11T05:00:00Z" ||
			!strings.Contains(it["message"].(string), w.Number) {
			t.Fatalf("item %v", it)
		}
		if n := len(r.sent(cust)); n != 0 {
			t.Fatalf("preview sent %d messages", n)
		}

		if out, err := runPreview(t, b, "--date", "2026-05-10", "--json"); err != nil || strings.TrimSpace(out) != "[]" {
			t.Fatalf("nothing due: %q %v, want []", out, err)
		}
		if out, err := runPreview(t, b, "--date", "2026-05-11"); err != nil || !strings.Contains(out, "keys") || !strings.Contains(out, phone) {
			t.Fatalf("table: %q %v", out, err)
		}
		if _, err := runPreview(t, b, "--date", "11.05.2026", "--json"); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
			t.Fatalf("bad date: %v", err)
		}
		if _, err := runPreview(t, b, "--date", "2026-05-11", "--branch", "NOPE"); err == nil {
			t.Fatal("unknown branch accepted")
		}
	})
}
