//go:build linux || darwin

package sim_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"naryad/cli"
	"naryad/locker/kerong"
	"naryad/locker/kerong/sim"
)

// openDevice opens the pty's device WITHOUT go.bug.st/serial, which would
// set raw mode itself: what arrives here shows the sim's own settings.
func openDevice(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readFull(t *testing.T, f *os.File, n int) []byte {
	t.Helper()
	if err := f.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(f, buf); err != nil {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	return buf
}

// A terminal in cooked mode would echo, turn CR into LF on input and LF
// into CR LF on output; the protocol's bytes must pass untouched both ways.
func TestPTYIsRaw(t *testing.T) {
	s := sim.New(1, sim.Options{})
	// Lock bits 0x0d, 0x0a and item bits 0x02, 0x03 put CR, LF, STX and ETX
	// into the reply.
	for i := range 16 {
		if (0x0a0d>>i)&1 == 0 { // set = closed
			s.OpenDoor(0, i)
		}
		if (0x0302>>i)&1 == 1 {
			s.SetItem(0, i, true)
		}
	}
	p, err := sim.ListenPTY(t.Context(), s, "")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	dev := openDevice(t, p.Path())
	// Requests addressed 0x0d and 0x0a (board 0, lock index 13 and 10).
	for _, addr := range []byte{0x0d, 0x0a} {
		request := kerong.Request{Addr: addr, Cmd: kerong.CmdState}.Encode()
		if _, err := dev.Write(request); err != nil {
			t.Fatal(err)
		}
		want := kerong.StateReply{Addr: addr, Locks: 0x0a0d, Items: 0x0302}.Encode()
		if got := readFull(t, dev, len(want)); !bytes.Equal(got, want) {
			t.Errorf("request % x: reply % x, want % x", request, got, want)
		}
	}
}

func TestPTYCloseIsAnUnplug(t *testing.T) {
	s := sim.New(1, sim.Options{})
	link := filepath.Join(t.TempDir(), "lockers")
	p, err := sim.ListenPTY(t.Context(), s, link)
	if err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(link); err != nil || target != p.Path() {
		t.Fatalf("link -> %q (%v), want %s", target, err, p.Path())
	}
	dev := openDevice(t, link)
	p.Close()
	if err := p.Wait(); !errors.Is(err, context.Canceled) {
		t.Errorf("Serve ended with %v, want context.Canceled", err)
	}
	if _, err := os.Lstat(link); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("link still there after unplug: %v", err)
	}
	_ = dev.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := dev.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read after unplug: %v, want an I/O error at once", err)
	}

	q, err := sim.ListenPTY(t.Context(), s, link) // plugged back in
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if target, err := os.Readlink(link); err != nil || target != q.Path() {
		t.Errorf("link -> %q (%v), want the new device %s", target, err, q.Path())
	}
}

// The command prints the device first, serves it, and takes console
// commands from stdin until interrupted.
func TestCommand(t *testing.T) {
	cmd := sim.Command()
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	cfg := cli.Bind(fs, func(string) string { return "" })
	runner := cmd.Setup(fs, cfg)
	if err := fs.Parse([]string{"--boards", "2", "--close-after", "0"}); err != nil {
		t.Fatal(err)
	}
	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	var stderr syncBuffer
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- runner(ctx, cli.IO{Stdin: stdinR, Stdout: stdoutW, Stderr: &stderr})
		stdoutW.Close()
	}()
	out := bufio.NewScanner(stdoutR)
	if !out.Scan() {
		t.Fatalf("no device path printed: %v", out.Err())
	}
	path := out.Text()
	// Before anything is typed, stderr lists the commands, one a line with
	// what it does, so a newcomer knows what to type.
	usage := regexp.MustCompile(`(?m)^\s+close B L\s+\S.*\n(?:.*\n)*\s+state B\s+\S`)
	for deadline := time.Now().Add(5 * time.Second); !usage.MatchString(stderr.String()); {
		if time.Now().After(deadline) {
			t.Fatalf("stderr %q lists no commands", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, command := range []string{"open B L", "item B L 1|0", "offline B 1|0"} {
		if !regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(command) + `\s+\S`).MatchString(stderr.String()) {
			t.Errorf("stderr does not explain %q:\n%s", command, stderr.String())
		}
	}

	d, err := kerong.Open(path, kerong.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Unlock(t.Context(), 1, 4); err != nil {
		t.Fatal(err)
	}

	io.WriteString(stdinW, "frobnicate\nitem 1 1 1\nstate 1\n")
	if !out.Scan() {
		t.Fatalf("no state printed: %v", out.Err())
	}
	var st kerong.Status
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		t.Fatalf("state 1 printed %q: %v", out.Text(), err)
	}
	if st.Board != 1 || len(st.Locks) != 16 || !st.Locks[0].Item || st.Locks[4].Closed || !st.Locks[3].Closed {
		t.Errorf("state 1 = %+v; want an item in lock 1 and lock 5 open", st)
	}
	if !strings.Contains(stderr.String(), `unknown command "frobnicate"`) {
		t.Errorf("stderr %q: no error for the unknown command", stderr.String())
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("interrupted sim returned %v", err)
	}
	stdinW.Close()
}
