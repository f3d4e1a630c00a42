// Package outbox delivers queued outgoing messages. A Pool claims due outbox
// rows with a lease, hands each to the sender of its channel, and records the
// outcome: sent, another attempt later, or failed (or, on a pool with a
// Rerouter, handed to another channel). Delivery is at least once
// towards the provider (a worker that dies after the provider accepted a
// message but before recording it sends it again after the lease), a
// recorded acceptance is never sent again (it is written in one transaction
// with the item's end, and a claim that finds one ends the item instead),
// and a message is never marked sent before the provider said so.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// Sender hands one message to a provider, making a single attempt: the
// one door between the outbox and a channel (sms.OutboxSender wraps an SMS
// provider, the WhatsApp sender speaks it itself). A failure is permanent
// or asks for a wait as failure.go reads it, or is a RerouteError (give up
// on this channel now); any other error counts as temporary.
type Sender interface {
	Name() string // the provider's name, recorded with each attempt
	Send(ctx context.Context, m Message) (Receipt, error)
}

// Options tune a Pool; zero values take the defaults.
type Options struct {
	Workers      int                             // concurrent sends; default 4
	MaxAttempts  int                             // attempts before a message fails; default 12 (about 1.7 h of backoff)
	Lease        time.Duration                   // how long a claim holds an item; default 2 min, must exceed SendTimeout
	SendTimeout  time.Duration                   // limit of one provider call; default 30 s
	PollInterval time.Duration                   // pause between polls when nothing is due; default 5 s
	Backoff      func(attempt int) time.Duration // wait after the attempt-th failure; default DefaultBackoff
	Logger       *slog.Logger                    // default slog.Default()
	// Reroute, when set, takes over every message the pool gives up on
	// (a permanent error, a Reroute error, or attempts exhausted) instead
	// of failing it: the WhatsApp pool hands such messages to SMS.
	Reroute Rerouter
}

// Rerouter takes over a claimed item its channel could not deliver, e.g.
// by queuing the same words on another channel. attempts counts the one
// that just failed and reason is its error. It writes the item's end like
// store.MarkOutboxFailed does (lease-checked, store.ErrLeaseLost when the
// claim no longer holds).
type Rerouter interface {
	Reroute(ctx context.Context, item hub.OutboxItem, attempts int, reason string) error
}

const (
	defaultWorkers      = 4
	defaultMaxAttempts  = 12
	defaultLease        = 2 * time.Minute
	defaultSendTimeout  = 30 * time.Second
	defaultPollInterval = 5 * time.Second

	// writeTimeout bounds each database call; results are written with a
	// context that survives shutdown, so it must not wait forever either.
	writeTimeout = 15 * time.Second
)

func (o Options) withDefaults() (Options, error) {
	if o.Workers < 0 || o.MaxAttempts < 0 || o.Lease < 0 || o.SendTimeout < 0 || o.PollInterval < 0 {
		return o, errors.New("outbox: options must not be negative")
	}
	if o.Workers == 0 {
		o.Workers = defaultWorkers
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = defaultMaxAttempts
	}
	if o.Lease == 0 {
		o.Lease = defaultLease
	}
	if o.SendTimeout == 0 {
		o.SendTimeout = defaultSendTimeout
	}
	if o.PollInterval == 0 {
		o.PollInterval = defaultPollInterval
	}
	if o.Backoff == nil {
		o.Backoff = DefaultBackoff
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	// A lease that lapses while an attempt is still running would let a
	// second worker send the same message. An attempt is one read, the
	// send and the writes of its result.
	if o.Lease <= o.SendTimeout+2*writeTimeout {
		return o, fmt.Errorf("outbox: lease %v must exceed the send timeout %v plus %v for the database",
			o.Lease, o.SendTimeout, 2*writeTimeout)
	}
	return o, nil
}

// DefaultBackoff waits 5 s after the first failure, doubling each time up
// to 30 min, with ±20 % jitter (applied after the cap) so messages that
// failed together do not retry together.
func DefaultBackoff(attempt int) time.Duration {
	return hub.Backoff(attempt, 5*time.Second, 30*time.Minute)
}

// Pool delivers the outbox with up to Options.Workers concurrent sends.
type Pool struct {
	store    *store.Store
	senders  map[string]Sender // by channel: hub.ChannelSMS, …
	channels []string          // the senders' channels: the only items the pool claims
	opts     Options
	log      *slog.Logger
	wake     chan struct{}
	running  atomic.Bool
}

// New makes a pool sending through senders, keyed by channel. The pool
// claims only items of those channels: every instance runs an SMS pool,
// while only the instance holding the WhatsApp connections runs a WhatsApp
// pool, and neither takes the other's items. Items of a channel no running
// pool sends wait, untouched, until one does.
func New(st *store.Store, senders map[string]Sender, opts Options) (*Pool, error) {
	if st == nil {
		return nil, errors.New("outbox: no store")
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	channels := make([]string, 0, len(senders))
	for ch := range senders {
		channels = append(channels, ch)
	}
	slices.Sort(channels)
	return &Pool{store: st, senders: senders, channels: channels, opts: opts, log: opts.Logger, wake: make(chan struct{}, 1)}, nil
}

// Wake asks for a poll now rather than after PollInterval, e.g. right
// after queuing a message. It never blocks; wakes before the next poll
// coalesce into one.
func (p *Pool) Wake() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx is cancelled, then waits for the sends in flight
// to finish and record their results, and returns nil. Items are claimed
// only for idle workers, so nothing claimed is left unsent at shutdown.
func (p *Pool) Run(ctx context.Context) error {
	if !p.running.CompareAndSwap(false, true) {
		return errors.New("outbox: pool is already running")
	}
	defer p.running.Store(false)

	var inflight sync.WaitGroup
	defer inflight.Wait()
	idle := make(chan struct{}, p.opts.Workers) // one token per idle worker
	for range p.opts.Workers {
		idle <- struct{}{}
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-idle:
		}
		n := 1 + takeAll(idle)
		items, err := p.claim(ctx, n)
		if err != nil {
			p.log.Error("outbox claim failed", "error", err)
		}
		for _, item := range items {
			inflight.Go(func() {
				defer func() { idle <- struct{}{} }()
				p.deliver(ctx, item)
				// The same customer's next message was held back until
				// this one finished (one number, one message at a time):
				// look again now rather than at the next poll.
				p.Wake()
			})
		}
		for range n - len(items) {
			idle <- struct{}{}
		}
		if len(items) == n {
			continue // every worker got work: more may be due
		}
		if !p.sleep(ctx) {
			return nil
		}
	}
}

// claim leases up to n items. It runs to completion even if ctx ends
// meanwhile, so rows are never leased without a worker sending them.
func (p *Pool) claim(ctx context.Context, n int) ([]hub.OutboxItem, error) {
	if ctx.Err() != nil {
		return nil, nil
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	return p.store.ClaimOutbox(cctx, n, p.opts.Lease, p.channels)
}

// sleep waits for the poll interval or a Wake; false when ctx ended.
func (p *Pool) sleep(ctx context.Context) bool {
	t := time.NewTimer(p.opts.PollInterval)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-p.wake:
	case <-t.C:
	}
	return true
}

// takeAll takes every token available without waiting and counts them.
func takeAll(tokens chan struct{}) int {
	n := 0
	for {
		select {
		case <-tokens:
			n++
		default:
			return n
		}
	}
}
