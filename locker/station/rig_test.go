//go:build linux || darwin

package station_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/admincmd"
	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/locker/kerong/sim"
	"naryad/locker/kiosk"
	"naryad/locker/station"
)

// lockerSite is a key locker set up on a test hub.
type lockerSite struct {
	ID    int64
	Name  string
	Token string
}

// addLockerSite sets a locker up as an operator does, with `naryad locker
// site add`, and keeps the kiosk token it prints once.
func addLockerSite(t *testing.T, h *apptest.Hub, name string, boards int) lockerSite {
	t.Helper()
	out := runAdmin(t, h, admincmd.LockerSiteAddCommand(), "--branch", h.Branch.Code, "--name", name, "--boards", strconv.Itoa(boards))
	m := regexp.MustCompile(`--token (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("locker site add printed no token:\n%s", out)
	}
	site, err := h.Store.LockerSiteByTokenHash(t.Context(), hub.HashToken(m[1]))
	if err != nil {
		t.Fatalf("the printed token finds no site: %v", err)
	}
	return lockerSite{ID: site.ID, Name: name, Token: m[1]}
}

// addStaffPIN adds an advisor of the hub's branch and gives them a kiosk
// PIN with `naryad locker pin set`.
func addStaffPIN(t *testing.T, h *apptest.Hub, login, pin string) {
	t.Helper()
	u := store.User{Login: login, Name: "Ольга", Role: store.RoleAdvisor, PasswordHash: "x"}
	if err := h.Store.CreateUser(t.Context(), &u, []int64{h.Branch.ID}); err != nil {
		t.Fatal(err)
	}
	runAdmin(t, h, admincmd.LockerPINSetCommand(), "--login", login, "--pin", pin)
}

// runAdmin runs an admin command against the hub's database, as `naryad`
// run beside the hub would, and returns what it printed.
func runAdmin(t *testing.T, h *apptest.Hub, cmd cli.Command, args ...string) string {
	t.Helper()
	// The hub's environment, as an operator runs commands beside it: the
	// same server secret seals what the hub must open (payment secrets).
	env := map[string]string{"NARYAD_DATA_DIR": h.Config.DataDir, "NARYAD_DATABASE_URL": h.Config.DatabaseURL,
		"NARYAD_SECRET": h.Config.Secret, "NARYAD_PUBLIC_URL": h.Config.PublicURL}
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := cli.Bind(fs, func(k string) string { return env[k] })
	run := cmd.Setup(fs, cfg)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("%s: %v", cmd.Name, err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("%s: %v", cmd.Name, err)
	}
	var out bytes.Buffer
	err := run(t.Context(), cli.IO{Stdout: &out, Stderr: io.Discard, Stdin: strings.NewReader(""), Log: testLogger()})
	if err != nil {
		t.Fatalf("%s: %v", cmd.Name, err)
	}
	return out.String()
}

// simulateBoards runs n simulated lock boards on a pseudo-terminal and
// returns them with the device link a station opens, as it would open
// /dev/ttyUSB0: the real Kerong driver talks to them over the line.
func simulateBoards(t *testing.T, n int) (*sim.Sim, string) {
	t.Helper()
	boards := sim.New(n, sim.Options{})
	link := filepath.Join(t.TempDir(), "locker-tty")
	p, err := sim.ListenPTY(context.Background(), boards, link)
	if err != nil {
		t.Fatalf("boards on a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() {
		p.Close()
		p.Wait()
	})
	return boards, link
}

// Engine timings short enough for tests: a door closing is seen within
// tens of milliseconds and the kiosk syncs several times a second.
var fastEngine = kiosk.Options{PollEvery: 10 * time.Millisecond, IdleEvery: 25 * time.Millisecond, SyncEvery: 100 * time.Millisecond}

// startStation runs a kiosk station on the boards at link, syncing with the
// hub at hubURL over HTTP, until the test ends; page is the base URL of its
// touch-screen page.
func startStation(t *testing.T, link, hubURL, token string) (st *station.Station, page string) {
	t.Helper()
	st, err := station.New(t.Context(), station.Options{
		Port: link, Hub: kiosk.NewHTTPHub(hubURL, token, nil), DataDir: t.TempDir(),
		Logger: testLogger(), Engine: fastEngine,
	})
	if err != nil {
		t.Fatalf("station: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Not t.Context(): it ends before the cleanups run, and the station
	// must stop in them, before the boards' pseudo-terminal goes.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("station: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("station did not stop within 15 s")
		}
	})
	return st, "http://" + ln.Addr().String()
}

// freeAddr is a loopback address nothing listens on (yet).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitUntil polls ok until it holds, failing after limit with what.
func waitUntil(t *testing.T, limit time.Duration, what func() string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s: %s", limit, what())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testLogger discards the kiosk's and commands' logs unless
// STATION_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("STATION_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}
