package realtime_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"naryad/hub/realtime"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// instance is one hub process: its own store, broker, tail and listener.
type instance struct {
	broker   *realtime.Broker
	tail     *realtime.Tail
	listener *realtime.PGListener
}

// startInstance runs an instance that learns of other instances' commits
// only through its listener: the safety poll is a minute away.
func startInstance(t *testing.T, s *store.Store, databaseURL string, lopts realtime.ListenerOptions) instance {
	t.Helper()
	in := instance{broker: realtime.NewBroker(realtime.BrokerOptions{})}
	in.tail = realtime.NewTail(s, in.broker, realtime.TailOptions{PollInterval: time.Minute})
	in.listener = realtime.NewPGListener(databaseURL, store.PostgresEventChannel(), in.tail.Wake, lopts)
	s.OnEventsCommitted(in.tail.Wake)
	start(t, in.tail)
	start(t, in.listener)
	waitReady(t, in.tail.Ready())
	waitFor(t, "listener connects", func() bool { return in.listener.PID() != 0 })
	return in
}

func TestPostgresEventReachesOtherInstanceAcrossReconnect(t *testing.T) {
	url := storetest.FreshPostgres(t)
	backend := storetest.Backend{Name: "postgres", DatabaseURL: url, DataDir: t.TempDir()}
	storeA, storeB := storetest.Open(t, backend), storetest.Open(t, backend)
	f := storetest.NewFixture(t, storeA)

	// B's first reconnection waits until the test has committed while B
	// was not listening, so only the wake after reconnecting can deliver it.
	disconnected, resume := make(chan struct{}), make(chan struct{})
	var first sync.Once
	backoff := func(int) time.Duration {
		first.Do(func() {
			close(disconnected)
			// Until the test says so, however long that takes on a busy
			// machine: reconnecting earlier would deliver the event the
			// test expects B not to have yet.
			select {
			case <-resume:
			case <-t.Context().Done():
			}
		})
		return 10 * time.Millisecond
	}
	a := startInstance(t, storeA, url, realtime.ListenerOptions{})
	// B also pings its quiet connection every 20 ms: a health check must
	// leave it listening, or B would park in its backoff and miss events.
	b := startInstance(t, storeB, url, realtime.ListenerOptions{Backoff: backoff, HealthInterval: 20 * time.Millisecond})
	subA, subB := a.broker.SubscribeThread(f.Thread.ID), b.broker.SubscribeThread(f.Thread.ID)
	defer subA.Close()
	defer subB.Close()

	expect := func(sub *realtime.Subscription, messageID int64) {
		t.Helper()
		ev := receive(t, sub, 1)[0]
		if ev.MessageID == nil || *ev.MessageID != messageID {
			t.Fatalf("got %+v, want the event of message %d", ev, messageID)
		}
	}
	m := addMessage(t, storeA, f, "через A")
	expect(subB, m.ID)
	expect(subA, m.ID)

	oldPID := b.listener.PID()
	sqlDB, err := storeA.SQL()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	var killed bool
	if err := sqlDB.QueryRowContext(ctx, "SELECT pg_terminate_backend($1)", int64(oldPID)).Scan(&killed); err != nil || !killed {
		t.Fatalf("terminate listener backend %d: %v, %v", oldPID, killed, err)
	}
	select {
	case <-disconnected:
	case <-time.After(waitLimit):
		t.Fatal("B's listener did not notice its connection was killed")
	}
	m = addMessage(t, storeA, f, "пока B не слушает")
	expect(subA, m.ID)
	expectNothing(t, subB, 200*time.Millisecond) // no other way to B than the listener
	close(resume)
	expect(subB, m.ID)
	if pid := b.listener.PID(); pid == 0 || pid == oldPID {
		t.Fatalf("listener pid after reconnecting %d, before %d", pid, oldPID)
	}

	m = addMessage(t, storeA, f, "после переподключения")
	expect(subB, m.ID)
	expect(subA, m.ID)
}
