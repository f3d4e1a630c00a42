package customer_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub/store/storetest"
)

// With several instances on one PostgreSQL behind a load balancer, an
// event produced on any instance reaches pages connected to every instance.
func TestEventsReachPagesOnAnotherInstance(t *testing.T) {
	backends := storetest.Backends(t)
	if len(backends) < 2 {
		t.Skip(storetest.EnvPostgresURL + " is not set: several instances need PostgreSQL")
	}
	a := apptest.Start(t, backends[1])
	b := a.Another(t)
	a.Run(t)
	baseB := b.Run(t)

	a.PushWorkOrder(t, "e1", "АА-77", 1, "Принят", nil)
	path := a.CustomerPath(t, "АА-77")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, baseB+path+"/events?after=0", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string, 256)
	go func() {
		r := bufio.NewReader(resp.Body)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				close(lines)
				return
			}
			lines <- line
		}
	}()
	waitFor := func(want string) {
		t.Helper()
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					t.Fatalf("stream ended before %q", want)
				}
				if strings.Contains(line, want) {
					return
				}
			case <-ctx.Done():
				t.Fatalf("no %q on instance B's stream", want)
			}
		}
	}
	waitFor(": replayed")
	// Produced on instance A; the page is connected to instance B.
	a.PushWorkOrder(t, "e2", "АА-77", 2, "Готов", nil)
	waitFor("Готов")
}
