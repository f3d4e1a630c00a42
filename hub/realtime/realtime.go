// Package realtime turns committed thread events into live updates for
// the pages of this instance.
//
// Three parts, bundled by Realtime:
//   - Broker fans events out in process to subscribers of a thread or of
//     branches, each with a bounded buffer; a subscriber that falls behind
//     is dropped (its channel closes) and the page reconnects, never
//     blocking the others.
//   - Tail is the one reader of the durable event log per instance: on
//     every wake it publishes the events committed above its position, in
//     id order, each once. It is woken by this process's commits
//     (store.OnEventsCommitted), by the PGListener, and by a safety poll.
//   - PGListener (PostgreSQL only) listens on store.PostgresEventChannel(),
//     on which every commit that appended events notifies every instance,
//     and reconnects with backoff, waking the tail after each connection.
//
// An SSE handler never misses nor repeats an event when it
//  1. waits for Ready (the tail knows where it starts),
//  2. subscribes,
//  3. replays the events after Last-Event-ID from the database
//     (store.ThreadEventsAfter) until none are left,
//  4. then streams the subscription, skipping ids not above the last one
//     sent, and ends the response when C closes (dropped or shutting
//     down): the browser reconnects with Last-Event-ID.
//
// Every event committed after the subscription is published to it, and
// every one published before was committed before the replay read.
package realtime

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"naryad/hub/store"
	"naryad/migrations"
)

// Options tune Realtime; zero values take the defaults.
type Options struct {
	Broker   BrokerOptions
	Tail     TailOptions
	Listener ListenerOptions // used on PostgreSQL only
	Logger   *slog.Logger    // for the parts whose own Logger is nil; default slog.Default()
}

// Realtime is one instance's live updates: a Broker fed by a Tail, woken
// by this process's commits and, on PostgreSQL, by a PGListener.
type Realtime struct {
	broker   *Broker
	tail     *Tail
	listener *PGListener // nil on SQLite
}

// New wires the parts for st: its commits wake the tail (this replaces any
// earlier st.OnEventsCommitted hook). On PostgreSQL databaseURL is needed
// for the listener's own connection; on SQLite it is ignored.
func New(st *store.Store, databaseURL string, opts Options) (*Realtime, error) {
	if st == nil {
		return nil, errors.New("realtime: no store")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Tail.Logger == nil {
		opts.Tail.Logger = opts.Logger
	}
	if opts.Listener.Logger == nil {
		opts.Listener.Logger = opts.Logger
	}
	r := &Realtime{broker: NewBroker(opts.Broker)}
	r.tail = NewTail(st, r.broker, opts.Tail)
	if st.Dialect() == migrations.Postgres {
		if databaseURL == "" {
			return nil, errors.New("realtime: a PostgreSQL store needs its database URL to listen for other instances")
		}
		r.listener = NewPGListener(databaseURL, store.PostgresEventChannel(), r.tail.Wake, opts.Listener)
	}
	st.OnEventsCommitted(r.tail.Wake)
	return r, nil
}

// Run feeds the broker until ctx ends, then closes it, so every
// subscription's channel closes and its page reconnects, and returns nil
// (or the listener's error, having stopped the tail too). Run once.
func (r *Realtime) Run(ctx context.Context) error {
	defer r.broker.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var listenErr error
	if r.listener != nil {
		wg.Go(func() {
			if listenErr = r.listener.Run(ctx); listenErr != nil {
				cancel()
			}
		})
	}
	tailErr := r.tail.Run(ctx)
	cancel()
	wg.Wait()
	return errors.Join(tailErr, listenErr)
}

// Broker is where events are published.
func (r *Realtime) Broker() *Broker { return r.broker }

// SubscribeThread subscribes to one thread's events; see Broker.
func (r *Realtime) SubscribeThread(threadID int64) *Subscription {
	return r.broker.SubscribeThread(threadID)
}

// SubscribeBranch subscribes to the events of branches; see Broker.
func (r *Realtime) SubscribeBranch(branchIDs ...int64) *Subscription {
	return r.broker.SubscribeBranch(branchIDs...)
}

// Ready is closed once events committed from now on are sure to be
// published; subscribe only after it.
func (r *Realtime) Ready() <-chan struct{} { return r.tail.Ready() }

// Position is the id of the last event published; see Tail.Position.
func (r *Realtime) Position() int64 { return r.tail.Position() }
