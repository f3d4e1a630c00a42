package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// End-to-end helpers: the real naryad binary, run as a user would run it.

// buildNaryad compiles this package into a temporary directory and returns
// the binary's path. The test runs in cmd/naryad, so "." is the command.
func buildNaryad(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH; cannot build the binary: ", err)
	}
	bin := filepath.Join(t.TempDir(), "naryad")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goBin, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// hubEnv is the configuration of one hub installation, passed by environment.
type hubEnv struct {
	DataDir     string
	DatabaseURL string // empty = SQLite in DataDir
	Secret      string
}

// environ is the process environment for a naryad command: the test's own,
// without any NARYAD_* a developer may have exported, plus the installation's.
func (e hubEnv) environ(addr string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NARYAD_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"NARYAD_DATA_DIR="+e.DataDir,
		"NARYAD_DATABASE_URL="+e.DatabaseURL,
		"NARYAD_SECRET="+e.Secret,
		"NARYAD_OUTBOX_WORKERS=1",
		"NARYAD_SMS_PROVIDER=log",
	)
	if addr != "" {
		env = append(env, "NARYAD_ADDR="+addr)
	}
	return env
}

// runCLI runs a short naryad command to completion and returns its stdout.
func runCLI(t *testing.T, bin string, e hubEnv, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = e.environ("")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("naryad %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\r\n"), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// freeAddr finds a loopback address nothing listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// hubProcess is a running `naryad serve`.
type hubProcess struct {
	cmd     *exec.Cmd
	URL     string
	output  *lockedBuffer
	exited  chan struct{} // closed when the process has been waited for
	waitErr error         // valid after exited is closed
}

// startServe starts `naryad serve` on a free port and waits until /healthz
// answers. The process is killed when the test ends, and its output is
// logged if the test failed.
func startServe(t *testing.T, bin string, e hubEnv, label string) *hubProcess {
	t.Helper()
	addr := freeAddr(t)
	p := &hubProcess{URL: "http://" + addr, output: &lockedBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = e.environ(addr)
	p.cmd.Stdout, p.cmd.Stderr = p.output, p.output
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start naryad serve: %v", err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("output of naryad serve (%s, pid %d):\n%s", label, p.cmd.Process.Pid, p.output.String())
		}
	})
	p.waitReady(t, 20*time.Second)
	return p
}

// waitReady polls /healthz until it answers 200, the process exits or the
// deadline passes.
func (p *hubProcess) waitReady(t *testing.T, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			t.Fatalf("naryad serve exited before it was ready: %v\n%s", p.waitErr, p.output.String())
		default:
		}
		resp, err := client.Get(p.URL + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("naryad serve did not answer /healthz within %s", within)
}

// kill ends the process with SIGKILL, as a power cut or the OOM killer
// would, and waits until it is gone.
func (p *hubProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill naryad serve: %v", err)
	}
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("naryad serve still running 10s after SIGKILL")
	}
}

// stop asks the process to shut down with SIGTERM and expects a clean exit.
func (p *hubProcess) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM naryad serve: %v", err)
	}
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("naryad serve did not stop within 30s of SIGTERM")
	}
	if p.waitErr != nil {
		t.Fatalf("naryad serve exited uncleanly after SIGTERM: %v", p.waitErr)
	}
}

// eventResult is one entry of the exchange's reply.
type eventResult struct {
	ID     string `json:"id"`
	Result string `json:"result"`
	Error  string `json:"error"`
}

// errNoReply means the request got no HTTP answer at all (the server went
// away), as opposed to an answer with an error status.
var errNoReply = errors.New("no reply")

// postEvents sends one batch to the exchange API with its own timeout. A
// transport failure is wrapped in errNoReply; any status other than 200 is
// an error carrying the body.
func postEvents(ctx context.Context, client *http.Client, baseURL, token string, body []byte) ([]eventResult, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/api/dms/v1/events", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errNoReply, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%w: reading the body: %v", errNoReply, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d: %s", resp.StatusCode, raw)
	}
	var reply struct {
		Results []eventResult `json:"results"`
	}
	if err := json.Unmarshal(raw, &reply); err != nil {
		return nil, fmt.Errorf("reply is not {\"results\":[…]}: %v: %s", err, raw)
	}
	return reply.Results, nil
}

// errorLines are the lines the process logged at level ERROR.
func (p *hubProcess) errorLines() []string {
	var out []string
	for line := range strings.Lines(p.output.String()) {
		if strings.Contains(line, "level=ERROR") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}
