package whatsapp_test

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// countingLog counts log records by message.
type countingLog struct {
	mu    sync.Mutex
	count map[string]int
}

func (c *countingLog) Enabled(context.Context, slog.Level) bool { return true }
func (c *countingLog) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count[r.Message]++
	return nil
}
func (c *countingLog) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *countingLog) WithGroup(string) slog.Handler      { return c }
func (c *countingLog) n(msg string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count[msg]
}

// Two hub instances on one PostgreSQL database never both connect an
// account (they would take the connection from each other for ever): the
// second waits, and takes over when the first stops.
func TestOneInstanceRunsAnAccount(t *testing.T) {
	if os.Getenv(storetest.EnvPostgresURL) == "" {
		t.Skip(storetest.EnvPostgresURL + " is not set: instances share only PostgreSQL")
	}
	b := storetest.Backend{Name: "postgres", DatabaseURL: storetest.FreshPostgres(t), DataDir: t.TempDir()}
	st := storetest.Open(t, b)
	r := newConnRig(t, st, b, whatsapp.ManagerOptions{})
	acc := r.linked("main", "48500100200")
	ctx1, stop1 := context.WithCancel(context.Background())
	done1 := make(chan error, 1)
	go func() { done1 <- r.mgr.Run(ctx1) }()
	defer stop1()
	first := r.fake("48500100200", 1)
	r.waitState(acc.ID, hub.WAConnected)

	sessions2, err := whatsapp.OpenSessions(context.Background(), b.DatabaseURL, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sessions2.Close()
	reg2 := &watest.Registry{}
	logs := &countingLog{count: map[string]int{}}
	mgr2 := whatsapp.NewManager(storetest.Open(t, b), sessions2, reg2.NewClient, whatsapp.ManagerOptions{
		Logger: slog.New(logs), Reload: 20 * time.Millisecond, Backoff: func(int) time.Duration { return time.Millisecond }})
	ctx2, stop2 := context.WithCancel(context.Background())
	done2 := make(chan error, 1)
	go func() { done2 <- mgr2.Run(ctx2) }()
	defer func() { stop2(); <-done2 }()

	watest.Eventually(t, "the second instance to find the account taken", func() bool { return logs.n("whatsapp account runs in another instance") >= 3 })
	if len(reg2.All()) != 0 || first.Connects() != 1 || !first.IsConnected() {
		t.Fatalf("the second instance made %d clients; the first connected %d times", len(reg2.All()), first.Connects())
	}
	if _, ok := mgr2.Client(acc.ID); ok {
		t.Fatal("the second instance offers a client")
	}

	stop1()
	if err := <-done1; err != nil {
		t.Fatal(err)
	}
	watest.Eventually(t, "the second instance to take over", func() bool {
		all := reg2.All()
		return len(all) == 1 && all[0].Connects() == 1
	})
	r.waitState(acc.ID, hub.WAConnected)
}
