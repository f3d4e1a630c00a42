package realtime

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// EventLog is what the tail reads: the store's durable, commit-ordered log
// of thread events.
type EventLog interface {
	LastEventID(ctx context.Context) (int64, error)
	EventsAfter(ctx context.Context, after int64, limit int) ([]hub.ThreadEvent, error)
}

var _ EventLog = (*store.Store)(nil)

// TailOptions tune a Tail; zero values take the defaults.
type TailOptions struct {
	PollInterval time.Duration // read even without a wake this often, in case one was lost; default 2 s
	BatchSize    int           // events per read; default 500
	ReadTimeout  time.Duration // limit of one database read; default 10 s
	Logger       *slog.Logger  // default slog.Default()
}

const (
	defaultPollInterval = 2 * time.Second
	defaultBatchSize    = 500
	defaultReadTimeout  = 10 * time.Second
)

func (o TailOptions) withDefaults() TailOptions {
	if o.PollInterval <= 0 {
		o.PollInterval = defaultPollInterval
	}
	if o.BatchSize <= 0 {
		o.BatchSize = defaultBatchSize
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = defaultReadTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Tail is the one reader per instance that publishes committed events to
// the broker, in id order, each once. It starts at the newest event
// committed when it starts; pages replay older ones from the database.
// Events commit in id order, so reading above the position never skips one.
type Tail struct {
	events   EventLog
	broker   *Broker
	opts     TailOptions
	log      *slog.Logger
	wake     chan struct{}
	ready    chan struct{} // closed once the start position is known
	position atomic.Int64
	running  atomic.Bool
}

// NewTail makes a tail reading events and publishing them to b. Wire
// st.OnEventsCommitted(tail.Wake) so commits of this process wake it.
func NewTail(events EventLog, b *Broker, opts TailOptions) *Tail {
	opts = opts.withDefaults()
	return &Tail{
		events: events, broker: b, opts: opts, log: opts.Logger,
		wake: make(chan struct{}, 1), ready: make(chan struct{}),
	}
}

// Wake asks for a read now. It never blocks; wakes before the next read
// coalesce into one.
func (t *Tail) Wake() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// Ready is closed once the tail knows its start position: from then on
// every event committed later is published. Pages subscribe only after it.
func (t *Tail) Ready() <-chan struct{} { return t.ready }

// Position is the id of the last event published (before that, the start
// position); 0 until Ready.
func (t *Tail) Position() int64 { return t.position.Load() }

// Run publishes until ctx ends, then returns nil. Database errors are
// logged and the read retried on the next wake or poll. Run again after it
// returned, it resumes from its position.
func (t *Tail) Run(ctx context.Context) error {
	if !t.running.CompareAndSwap(false, true) {
		return errors.New("realtime: tail is already running")
	}
	defer t.running.Store(false)
	if !t.start(ctx) {
		return nil
	}
	for {
		t.catchUp(ctx)
		if !t.sleep(ctx) {
			return nil
		}
	}
}

// start takes the newest committed event as the position, once, retrying
// until the database answers; false when ctx ended first.
func (t *Tail) start(ctx context.Context) bool {
	for {
		select {
		case <-t.ready:
			return true
		default:
		}
		rctx, cancel := context.WithTimeout(ctx, t.opts.ReadTimeout)
		last, err := t.events.LastEventID(rctx)
		cancel()
		if err == nil {
			t.position.Store(last)
			close(t.ready)
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		t.log.Error("realtime tail start failed", "error", err)
		if !t.sleep(ctx) {
			return false
		}
	}
}

// catchUp publishes every event committed above the position, in order,
// reading until a batch comes back short.
func (t *Tail) catchUp(ctx context.Context) {
	for ctx.Err() == nil {
		after := t.position.Load()
		rctx, cancel := context.WithTimeout(ctx, t.opts.ReadTimeout)
		evs, err := t.events.EventsAfter(rctx, after, t.opts.BatchSize)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				t.log.Error("realtime tail read failed", "after", after, "error", err)
			}
			return
		}
		for _, ev := range evs {
			t.broker.Publish(ev)
			t.position.Store(ev.ID)
		}
		if len(evs) < t.opts.BatchSize {
			return
		}
	}
}

// sleep waits for a wake or the poll interval; false when ctx ended.
func (t *Tail) sleep(ctx context.Context) bool {
	timer := time.NewTimer(t.opts.PollInterval)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.wake:
	case <-timer.C:
	}
	return true
}
