package whatsapp_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// syncBuffer is a Stdout written from Link's goroutine and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

// runWACommand parses args as `naryad <cmd.Name>` would and runs it
// against the backend, returning what it printed.
func runWACommand(t *testing.T, cmd cli.Command, b storetest.Backend, out io.Writer, args ...string) error {
	t.Helper()
	env := map[string]string{"NARYAD_DATA_DIR": b.DataDir, "NARYAD_DATABASE_URL": b.DatabaseURL}
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := cli.Bind(fs, func(k string) string { return env[k] })
	runner := cmd.Setup(fs, cfg)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return runner(context.Background(), cli.IO{Stdout: out, Stderr: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// `whatsapp link` creates the account, draws each QR code in the terminal
// and waits until a phone scans it.
func TestLinkCommand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		r.reg.Setup = func(f *watest.Fake) {
			watest.Pairable(f)
			f.QRCodes = []string{"2@ref-one,noise,identity,adv"}
		}
		link := whatsapp.LinkCommandWith(r.reg.NewClient)
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--account", "main"}, "--branch: required, account main is new"},
			{[]string{"--account", "main", "--branch", "NOPE"}, "--branch: branch \"NOPE\": not found"},
			{[]string{"--account", "my account", "--branch", "MSK1"}, "--account: account name: only letters"},
			{[]string{"--branch", "MSK1"}, "--account: account name: required"},
			{[]string{"--account", "main", "--branch", "MSK1", "--phone", "8 916 123"}, "--phone: phone \"8 916 123\" is not an international number"},
		} {
			err := runWACommand(t, link, b, io.Discard, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("link %q: %v, want %q", c.args, err, c.want)
			}
		}
		if accounts, _ := s.WAAccounts(context.Background()); len(accounts) != 0 || len(r.reg.All()) != 0 {
			t.Fatalf("refused commands stored %d accounts, made %d clients", len(accounts), len(r.reg.All()))
		}

		out := &syncBuffer{}
		done := make(chan error, 1)
		go func() { done <- runWACommand(t, link, b, out, "--account", "main", "--branch", "MSK1") }()
		watest.Eventually(t, "the QR code in the terminal", func() bool { return strings.Contains(out.String(), "Scan with WhatsApp") })
		if !strings.ContainsAny(out.String(), "█▀▄") {
			t.Fatalf("no QR code drawn:\n%s", out.String())
		}
		r.reg.All()[0].ScanQR()
		if err := waitErr(t, done); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "WhatsApp account main linked to +48500100200") {
			t.Fatalf("output:\n%s", out.String())
		}
		a, err := s.WAAccountByName(context.Background(), "main")
		if err != nil || a.BranchID != r.branch.ID || a.JID != linkJID || a.State != hub.WAConnecting {
			t.Fatalf("account %+v %v", a, err)
		}
		spb := hub.Branch{Code: "SPB1", Name: "Питер", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := s.CreateBranch(context.Background(), &spb); err != nil {
			t.Fatal(err)
		}
		err = runWACommand(t, link, b, io.Discard, "--account", "main", "--branch", "SPB1")
		if err == nil || !strings.Contains(err.Error(), "belongs to another branch") {
			t.Fatalf("relinking at another branch: %v", err)
		}
	})
}

// `whatsapp link --phone` prints the pairing code instead.
func TestLinkCommandByPhone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		r.reg.Setup = func(f *watest.Fake) {
			watest.Pairable(f)
			f.QRCodes = []string{"2@ref-one,noise,identity,adv"}
		}
		out := &syncBuffer{}
		done := make(chan error, 1)
		go func() {
			done <- runWACommand(t, whatsapp.LinkCommandWith(r.reg.NewClient), b, out,
				"--account", "main", "--branch", "MSK1", "--phone", "+48500100200")
		}()
		watest.Eventually(t, "the pairing code", func() bool { return strings.Contains(out.String(), "FAKE-CODE") })
		if strings.Contains(out.String(), "Scan with WhatsApp") {
			t.Fatalf("a QR code was shown too:\n%s", out.String())
		}
		if err := r.reg.All()[0].Pair(context.Background(), watest.PhoneJID("48500100200")); err != nil {
			t.Fatal(err)
		}
		if err := waitErr(t, done); err != nil {
			t.Fatal(err)
		}
	})
}

// `whatsapp list` shows every account's state plainly; `logout` unlinks.
func TestListAndLogoutCommands(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		ctx := context.Background()
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		var out bytes.Buffer
		if err := runWACommand(t, whatsapp.ListCommand(), b, &out); err != nil || !strings.Contains(out.String(), "no WhatsApp accounts") {
			t.Fatalf("empty list: %q %v", out.String(), err)
		}
		main := r.linked("main", "48500100200")
		spare := r.account("spare")
		until := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
		if _, err := s.SetWAAccountState(ctx, main.ID, hub.WABanned, "101: too many", &until); err != nil {
			t.Fatal(err)
		}
		out.Reset()
		if err := runWACommand(t, whatsapp.ListCommand(), b, &out); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "NAME") {
			t.Fatalf("list:\n%s", out.String())
		}
		for _, want := range []string{"main", "MSK1", "+48500100200", "banned", "101: too many", "2025-03-10 15:00 MSK"} {
			if !strings.Contains(lines[1], want) {
				t.Errorf("line %q lacks %q", lines[1], want)
			}
		}
		if f := strings.Fields(lines[2]); f[0] != "spare" || f[2] != "-" || f[3] != hub.WAUnlinked {
			t.Errorf("unlinked line %q", lines[2])
		}

		logout := whatsapp.LogoutCommandWith(r.reg.NewClient)
		out.Reset()
		if err := runWACommand(t, logout, b, &out, "--account", "main"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "WhatsApp account main: logged out by staff") {
			t.Fatalf("logout output %q", out.String())
		}
		if a := r.load(main.ID); a.State != hub.WAUnlinked || a.JID != "" {
			t.Fatalf("after logout %+v", a)
		}
		for _, c := range []struct {
			args []string
			want string
		}{
			{nil, "--account: required"},
			{[]string{"--account", "nope"}, "not found"},
			{[]string{"--account", spare.Name}, "no phone is linked"},
		} {
			if err := runWACommand(t, logout, b, io.Discard, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("logout %q: %v, want %q", c.args, err, c.want)
			}
		}
	})
}
