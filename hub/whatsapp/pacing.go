package whatsapp

import (
	"context"
	"sync"
	"time"
)

// pacer spaces each account's sends: WhatsApp bans numbers that send in
// bursts. Each account has a lane that one sender holds at a time (the
// other pool workers wait their turn), and within it every message starts
// at least the account's minimum interval after the previous one ended.
// Holding the lane across the whole send also makes the daily cap of new
// chats exact: no two workers can both take the last new chat of the day.
//
// It spaces sends within this process only; the one instance that holds
// the WhatsApp connections is the only one that sends.
type pacer struct {
	mu    sync.Mutex
	lanes map[int64]*paceLane
}

// paceLane is one account's turn and the end of its latest send.
type paceLane struct {
	turn chan struct{} // holds one token while nobody sends
	last time.Time     // when the latest send ended; zero before the first
}

func newPacer() *pacer { return &pacer{lanes: map[int64]*paceLane{}} }

// acquire waits for the account's turn, or for ctx to end (the send's
// timeout: the pool retries later). The caller must release the lane.
func (p *pacer) acquire(ctx context.Context, accountID int64) (*paceLane, error) {
	p.mu.Lock()
	l, ok := p.lanes[accountID]
	if !ok {
		l = &paceLane{turn: make(chan struct{}, 1)}
		l.turn <- struct{}{}
		p.lanes[accountID] = l
	}
	p.mu.Unlock()
	select {
	case <-l.turn:
		return l, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// release hands the turn to the next waiting sender.
func (l *paceLane) release() { l.turn <- struct{}{} }

// space waits until interval has passed since the latest send ended.
// Only the lane's holder calls it, before each send.
func (l *paceLane) space(ctx context.Context, interval time.Duration) error {
	wait := time.Until(l.last.Add(interval))
	if l.last.IsZero() || wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sent notes that a send just ended (or failed). Counting the interval
// from the end rather than the start keeps sends apart by at least the
// interval however long WhatsApp took to answer.
func (l *paceLane) sent() { l.last = time.Now() }
