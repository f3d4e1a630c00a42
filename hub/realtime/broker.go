package realtime

import (
	"sync"
	"sync/atomic"

	"naryad/hub"
)

// BrokerOptions tune a Broker; zero values take the defaults.
type BrokerOptions struct {
	Buffer int // events a subscriber may fall behind before it is dropped; default 256
}

const defaultBuffer = 256

// topic is what a subscription listens to: one thread or one branch.
type topic struct {
	branch bool
	id     int64
}

// Broker fans thread events out to the subscribers of their thread and of
// their branch. Publishing never blocks: a subscriber whose buffer is full
// is dropped (its channel closed) and resumes by reconnecting with
// Last-Event-ID. Safe for concurrent use.
type Broker struct {
	buffer int

	mu     sync.Mutex
	subs   map[topic]map[*Subscription]struct{}
	closed bool
}

// NewBroker makes an empty broker.
func NewBroker(opts BrokerOptions) *Broker {
	if opts.Buffer <= 0 {
		opts.Buffer = defaultBuffer
	}
	return &Broker{buffer: opts.Buffer, subs: make(map[topic]map[*Subscription]struct{})}
}

// Subscription receives the events of its topics on C, in publication
// order, until it is closed, dropped, or the broker is closed; then C is
// closed.
type Subscription struct {
	C <-chan hub.ThreadEvent

	ch      chan hub.ThreadEvent
	broker  *Broker
	topics  []topic
	done    bool // C is closed; guarded by broker.mu
	dropped atomic.Bool
}

// Close unsubscribes and closes C. It may be called any number of times.
func (s *Subscription) Close() {
	s.broker.mu.Lock()
	defer s.broker.mu.Unlock()
	s.broker.remove(s)
}

// Dropped tells whether the broker closed C because the subscriber fell
// more than the buffer behind. It is set before C is closed.
func (s *Subscription) Dropped() bool { return s.dropped.Load() }

// SubscribeThread subscribes to the events of one thread.
func (b *Broker) SubscribeThread(threadID int64) *Subscription {
	return b.subscribe([]topic{{id: threadID}})
}

// SubscribeBranch subscribes to the events of every thread of the given
// branches (an advisors' inbox). Each event arrives once.
func (b *Broker) SubscribeBranch(branchIDs ...int64) *Subscription {
	topics := make([]topic, len(branchIDs))
	for i, id := range branchIDs { // a branch listed twice is one map key: one delivery
		topics[i] = topic{branch: true, id: id}
	}
	return b.subscribe(topics)
}

func (b *Broker) subscribe(topics []topic) *Subscription {
	ch := make(chan hub.ThreadEvent, b.buffer)
	s := &Subscription{C: ch, ch: ch, broker: b, topics: topics}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		s.done = true
		close(ch)
		return s
	}
	for _, tp := range topics {
		set := b.subs[tp]
		if set == nil {
			set = make(map[*Subscription]struct{})
			b.subs[tp] = set
		}
		set[s] = struct{}{}
	}
	return s
}

// Publish hands ev to the subscribers of its thread and of its branch
// without waiting for any of them.
func (b *Broker) Publish(ev hub.ThreadEvent) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.deliver(topic{id: ev.ThreadID}, ev)
	b.deliver(topic{branch: true, id: ev.BranchID}, ev)
}

// deliver sends ev to each subscriber of tp, dropping those that are full;
// b.mu is held.
func (b *Broker) deliver(tp topic, ev hub.ThreadEvent) {
	for s := range b.subs[tp] {
		select {
		case s.ch <- ev:
		default:
			s.dropped.Store(true)
			b.remove(s)
		}
	}
}

// remove unsubscribes s and closes its channel, once; b.mu is held.
func (b *Broker) remove(s *Subscription) {
	if s.done {
		return
	}
	s.done = true
	for _, tp := range s.topics {
		delete(b.subs[tp], s)
		if len(b.subs[tp]) == 0 {
			delete(b.subs, tp)
		}
	}
	close(s.ch)
}

// Close ends every subscription (their channels close, Dropped stays
// false) and makes later ones start closed: nothing will be published any
// more, so pages should reconnect. It may be called any number of times.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for _, set := range b.subs {
		for s := range set {
			b.remove(s)
		}
	}
}
