//go:build linux || darwin

package kerong_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"naryad/cli"
	"naryad/locker/kerong"
	"naryad/locker/kerong/sim"
)

// runCommand parses args as `naryad <cmd.Name>` would and runs it.
func runCommand(t *testing.T, cmd cli.Command, args ...string) (string, error) {
	t.Helper()
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := cli.Bind(fs, func(string) string { return "" })
	runner := cmd.Setup(fs, cfg)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := runner(t.Context(), cli.IO{Stdout: &out, Stderr: io.Discard, Stdin: strings.NewReader("")})
	return out.String(), err
}

func TestStatusAndOpenCommands(t *testing.T) {
	s := sim.New(2, sim.Options{})
	s.SetItem(1, 0, true)
	link := filepath.Join(t.TempDir(), "lockers")
	plug(t, s, link)

	status := func() []any {
		t.Helper()
		out, err := runCommand(t, kerong.StatusCommand(), "--port", link, "--board", "1", "--timeout", "5s")
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("status printed %q: %v", out, err)
		}
		if len(doc) != 2 || doc["board"] != 1.0 {
			t.Fatalf("status printed %s; want exactly {\"board\": 1, \"locks\": […]}", out)
		}
		locks, _ := doc["locks"].([]any)
		if len(locks) != 16 {
			t.Fatalf("status printed %d locks, want 16", len(locks))
		}
		return locks
	}

	locks := status()
	if want := map[string]any{"lock": 1.0, "closed": true, "item": true}; !reflect.DeepEqual(locks[0], want) {
		t.Errorf("locks[0] = %v, want %v", locks[0], want)
	}
	if want := map[string]any{"lock": 3.0, "closed": true, "item": false}; !reflect.DeepEqual(locks[2], want) {
		t.Errorf("locks[2] = %v, want %v", locks[2], want)
	}

	out, err := runCommand(t, kerong.OpenCommand(), "--port", link, "--board", "1", "--lock", "3")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "board 1 lock 3 is open") {
		t.Errorf("open printed %q", out)
	}
	if want := map[string]any{"lock": 3.0, "closed": false, "item": false}; !reflect.DeepEqual(status()[2], want) {
		t.Errorf("after open, locks[2] = %v, want %v", status()[2], want)
	}
	if s.Unlocks(1, 2) != 1 {
		t.Errorf("lock 3 pulsed %d times, want 1", s.Unlocks(1, 2))
	}

	// With the other polarity the same board reads the other way round.
	out, err = runCommand(t, kerong.StatusCommand(), "--port", link, "--board", "1", "--lock-bit-open")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `{"lock":3,"closed":true,"item":false}`) || !strings.Contains(out, `{"lock":1,"closed":false,"item":true}`) {
		t.Errorf("--lock-bit-open: status printed %s", out)
	}
}

func TestCommandsRefuseBadInput(t *testing.T) {
	for _, tc := range []struct {
		cmd  cli.Command
		args []string
		want string
	}{
		{kerong.OpenCommand(), []string{"--port", "/dev/null", "--board", "0", "--lock", "17"}, "lock 17: must be 1–16"},
		{kerong.OpenCommand(), []string{"--port", "/dev/null", "--board", "0"}, "lock 0: must be 1–16"},
		{kerong.StatusCommand(), []string{"--port", "/dev/null", "--board", "16"}, "board 16: must be 0–15"},
		{kerong.StatusCommand(), []string{"--board", "0"}, "--port: required"},
		{kerong.StatusCommand(), []string{"--port", filepath.Join(t.TempDir(), "no-such-device")}, "no-such-device"},
	} {
		_, err := runCommand(t, tc.cmd, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: err = %v, want %q", tc.cmd.Name, tc.args, err, tc.want)
		}
	}
}
