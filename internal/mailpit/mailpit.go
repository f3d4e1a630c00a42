// Package mailpit runs Mailpit (github.com/axllent/mailpit), a real SMTP
// server with an HTTP API, for a test: the binary is started on free
// ports with a database of its own, and Server reads what it received
// (Messages, Message with its parts, headers and raw source) over its API.
//
// Imported by tests only. `make deps` installs the binary; without it a
// test skips, except in CI (CI set), where it fails.
package mailpit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"naryad/internal/testproc"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
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

// Start runs a Mailpit for the test, stopped when the test ends; args are
// more of Mailpit's flags (e.g. --smtp-tls-cert, --smtp-auth-file).
// Without the binary the test skips, or fails in CI.
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	path, err := testproc.Find(Binary)
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
	proc, err := testproc.Start(path, append([]string{
		"--smtp", s.SMTPAddr(),
		"--listen", "127.0.0.1:" + strconv.Itoa(httpPort),
		"--database", db,
		"--disable-version-check",
		"--smtp-disable-rdns", // no DNS lookups of the test's own address
	}, args...), nil)
	if err != nil {
		return nil, nil, err
	}
	if err := s.waitReady(proc.Exited()); err != nil {
		proc.Stop()
		return nil, nil, fmt.Errorf("mailpit: %w\n%s", err, proc.Output())
	}
	return s, proc.Stop, nil
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
