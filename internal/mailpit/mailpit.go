// Package mailpit runs Mailpit (github.com/axllent/mailpit), a real SMTP
// server with an HTTP API, for a test: the binary is started on free
// ports with a database of its own, and Server reads what it received
// (Messages, Message with its parts, headers and raw source) over its API.
//
// Imported by tests only. `make deps` installs the binary; without it a
// test skips, except in CI (CI set), where it fails.
package mailpit

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"go/build"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Binary is the name Mailpit installs as.
const Binary = "mailpit"

// startTimeout bounds the wait for Mailpit to listen and answer.
const startTimeout = 30 * time.Second

// Server is one running Mailpit.
type Server struct {
	SMTPHost string // 127.0.0.1
	SMTPPort int
	URL      string // the HTTP API's root, http://127.0.0.1:port

	client *http.Client
}

// SMTPAddr is host:port of the SMTP listener.
func (s *Server) SMTPAddr() string {
	return net.JoinHostPort(s.SMTPHost, strconv.Itoa(s.SMTPPort))
}

// find returns the binary: on PATH, else where `go install` puts it.
func find(gopath string) (string, error) {
	if p, err := exec.LookPath(Binary); err == nil {
		return p, nil
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", Binary)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s is neither on PATH nor in $GOPATH/bin: run `make deps`", Binary)
}

// Start runs a Mailpit for the test, stopped when the test ends; args are
// more of Mailpit's flags (e.g. --smtp-tls-cert, --smtp-auth-file).
// Without the binary the test skips, or fails in CI.
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	path, err := find(build.Default.GOPATH)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	s, stop, err := launch(path, t.TempDir(), args)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return s
}

// launch starts the binary on free ports. Mailpit takes no port 0, so the
// ports are picked free just before; a clash (another process took one
// meanwhile) makes it exit, and launch tries again with new ones.
func launch(path, dir string, args []string) (*Server, func(), error) {
	var errs []error
	for try := range 3 {
		s, stop, err := launchOnce(path, filepath.Join(dir, fmt.Sprintf("mailpit-%d.db", try)), args)
		if err == nil {
			return s, stop, nil
		}
		errs = append(errs, err)
	}
	return nil, nil, errors.Join(errs...)
}

func launchOnce(path, db string, args []string) (*Server, func(), error) {
	smtpPort, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	httpPort, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	s := &Server{
		SMTPHost: "127.0.0.1", SMTPPort: smtpPort,
		URL:    "http://127.0.0.1:" + strconv.Itoa(httpPort),
		client: &http.Client{Timeout: 10 * time.Second},
	}
	out, in, err := os.Pipe()
	if err != nil {
		return nil, nil, fmt.Errorf("mailpit output pipe: %w", err)
	}
	cmd := exec.Command(path, append([]string{
		"--smtp", s.SMTPAddr(),
		"--listen", "127.0.0.1:" + strconv.Itoa(httpPort),
		"--database", db,
		"--disable-version-check",
		"--smtp-disable-rdns", // no DNS lookups of the test's own address
	}, args...)...)
	cmd.Stdout, cmd.Stderr = in, in
	if err := cmd.Start(); err != nil {
		in.Close()
		out.Close()
		return nil, nil, fmt.Errorf("start %s: %w", path, err)
	}
	in.Close() // the child holds its own copy; EOF comes when it exits
	exited := make(chan struct{})
	var printed output
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			printed.add(sc.Text())
		}
	}()
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
		out.Close()
	}
	if err := s.waitReady(exited); err != nil {
		stop()
		return nil, nil, fmt.Errorf("mailpit: %w\n%s", err, printed.String())
	}
	return s, stop, nil
}

// waitReady polls the API's readiness and the SMTP port until both answer.
func (s *Server) waitReady(exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	var last error
	for {
		last = s.ready(ctx)
		if last == nil {
			return nil
		}
		select {
		case <-exited:
			return errors.Join(errors.New("exited"), last)
		case <-ctx.Done():
			return errors.Join(fmt.Errorf("not ready within %s", startTimeout), last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (s *Server) ready(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /readyz: HTTP %d", resp.StatusCode)
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", s.SMTPAddr())
	if err != nil {
		return err
	}
	return c.Close()
}

// freePort asks the system for a port nobody listens on.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// output keeps the last lines Mailpit printed, for failure messages.
type output struct {
	mu    sync.Mutex
	lines []string
}

func (o *output) add(line string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.lines) == 50 {
		o.lines = o.lines[1:]
	}
	o.lines = append(o.lines, line)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return strings.Join(o.lines, "\n")
}
