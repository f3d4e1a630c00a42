// Package stripemock runs Stripe's own API mock (github.com/stripe/stripe-mock)
// for a test: the real binary, started on a free port, behind a small
// recording proxy. stripe-mock checks every request against Stripe's OpenAPI
// spec and answers with fixtures; it keeps no state, so a test that needs a
// paid or expired Checkout Session patches the answer (Patch), and one that
// needs Stripe to fail says so (Fail, Stall). The proxy records what was
// sent (Requests), so a test can check the amount, currency and methods.
//
// Imported by tests only. `make deps` installs the binary.
package stripemock

import (
	"context"
	"errors"
	"fmt"
	"io"
	"naryad/internal/testproc"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// Binary is the name stripe-mock installs as.
const Binary = "stripe-mock"

// startTimeout bounds the wait for stripe-mock to listen and answer.
const startTimeout = 30 * time.Second

// Start returns a recording proxy for the test, in front of the package's
// stripe-mock when its TestMain runs Main, else in front of a stripe-mock
// started for this test alone. The proxy (and a process of its own) stop
// when the test ends. A missing binary fails the test with the command
// that installs it.
func Start(t testing.TB) *Server {
	t.Helper()
	if upstream := sharedURL(); upstream != "" {
		return newServer(t, upstream)
	}
	upstream, stop, err := launch()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return newServer(t, upstream)
}

// shared is the stripe-mock that Main runs for a whole test binary.
var shared struct {
	mu  sync.Mutex
	url string
}

func sharedURL() string {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	return shared.url
}

// Main runs a package's tests with one stripe-mock for all of them, which
// saves starting one (a second or more) per test; each Start still gets a
// proxy of its own, with its own Patch, Fail and records. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(stripemock.Main(m)) }
func Main(m *testing.M) int {
	upstream, stop, err := launch()
	if err != nil {
		fmt.Fprintln(os.Stderr, "stripemock:", err)
		return 1
	}
	defer stop()
	shared.mu.Lock()
	shared.url = upstream
	shared.mu.Unlock()
	return m.Run()
}

// launch starts the binary on a port the system picks and returns its
// base URL once it answers an API call, and how to stop it.
func launch() (string, func(), error) {
	path, err := testproc.Find(Binary)
	if err != nil {
		return "", nil, err
	}
	// An empty port lets the system choose, so parallel tests never race
	// for one; stripe-mock prints the address it got. It serves HTTPS too,
	// on its fixed default port unless told otherwise, and exits when that
	// port is taken: so HTTPS gets a free port as well.
	addr := make(chan string, 1)
	const prefix = "Listening for HTTP at address: "
	proc, err := testproc.Start(path, []string{"-http-addr", "127.0.0.1:", "-https-addr", "127.0.0.1:"}, func(line string) {
		if i := strings.Index(line, prefix); i >= 0 {
			select {
			case addr <- strings.TrimSpace(line[i+len(prefix):]):
			default: // the address came already
			}
		}
	})
	if err != nil {
		return "", nil, err
	}
	fail := func(format string, a ...any) (string, func(), error) {
		proc.Stop()
		return "", nil, fmt.Errorf(format+"\n%s", append(a, proc.Output())...)
	}
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-proc.Exited():
		return fail("stripe-mock exited before listening:")
	case <-time.After(startTimeout):
		return fail("stripe-mock did not listen within %s:", startTimeout)
	}
	if err := waitAnswers(base, proc.Exited()); err != nil {
		return fail("stripe-mock at %s: %v", base, err)
	}
	return base, proc.Stop, nil
}

// waitAnswers polls a cheap API call until stripe-mock answers it.
func waitAnswers(base string, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	var last error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/balance", nil)
		if err != nil {
			return err
		}
		req.SetBasicAuth("sk_test_stripemock", "")
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET /v1/balance: HTTP %d", resp.StatusCode)
		}
		last = err
		select {
		case <-exited:
			return errors.Join(errors.New("stripe-mock exited"), last)
		case <-ctx.Done():
			return errors.Join(fmt.Errorf("no answer within %s", startTimeout), last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
