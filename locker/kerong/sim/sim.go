// Package sim simulates a bus of Kerong lock-control boards, for tests and
// for trying the kiosk without hardware.
//
// A Sim is the boards' memory: doors, item sensors, unlock counts. It is
// reached three ways:
//   - Serve speaks the serial protocol of package kerong on any
//     io.ReadWriter; ListenPTY serves it on a pseudo-terminal, so the real
//     driver opens it with go.bug.st/serial exactly as it would a USB adapter.
//   - (*Sim).Board returns a locker.Board that acts on the same memory
//     without a serial line, for tests of the locker flows. (It is a method
//     rather than Sim itself implementing locker.Board so that Sim's own
//     methods can be named for what a test does to the hardware: OpenDoor,
//     CloseDoor, SetItem.)
//   - `naryad locker sim` runs it on a pseudo-terminal with commands on stdin.
package sim

import (
	"fmt"
	"sync"
	"time"

	"naryad/locker"
)

// Options shape the simulated boards.
type Options struct {
	// CloseAfter: a door opened by an unlock pulse closes by itself after
	// this long, as if the customer shut it. 0 = it stays open until
	// CloseDoor.
	CloseAfter time.Duration
	// SetMeansOpen: report a set lock bit as open (the other polarity some
	// boards use). Default: set = closed.
	SetMeansOpen bool
	// BeforeRequest, if set, is called by Serve for each valid frame before
	// the board acts on it. Tests use it to pull the line away at an exact
	// moment: if Serve's context is done when it returns, the frame is
	// dropped, as a board whose line went dead would never have seen it.
	BeforeRequest func(board, index int, cmd byte)
	// OnUnlock, if set, is called after an unlock pulse opened a door (from
	// Serve's goroutine or the Board caller's, without the Sim's lock held).
	OnUnlock func(board, index int)
	// Now is the clock (default time.Now); tests of CloseAfter may move it.
	Now func() time.Time
}

// Sim is a bus of simulated boards. Every method is safe for concurrent use.
type Sim struct {
	boards int
	opts   Options

	mu      sync.Mutex
	locks   [locker.MaxBoards][locker.LocksPerBoard]simLock
	offline [locker.MaxBoards]bool
	noise   []byte // sent before the next reply
}

type simLock struct {
	open    bool
	closeAt time.Time // when an unlocked door shuts by itself; zero = never
	item    bool
	unlocks int
}

// New returns boards 0…boards−1 with every door closed and empty.
func New(boards int, opts Options) *Sim {
	if boards < 1 || boards > locker.MaxBoards {
		panic(fmt.Sprintf("sim: %d boards; a bus has 1–%d", boards, locker.MaxBoards))
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Sim{boards: boards, opts: opts}
}

// Boards is how many boards answer.
func (s *Sim) Boards() int { return s.boards }

// lock returns one lock with its self-closing applied. Callers hold mu.
func (s *Sim) lock(board, index int) *simLock {
	if err := locker.CheckAddress(board, index); err != nil || board >= s.boards {
		panic(fmt.Sprintf("sim: board %d lock index %d: not on this bus of %d boards", board, index, s.boards))
	}
	l := &s.locks[board][index]
	if l.open && !l.closeAt.IsZero() && !s.opts.Now().Before(l.closeAt) {
		l.open, l.closeAt = false, time.Time{}
	}
	return l
}

// CloseDoor shuts a door (someone closed it).
func (s *Sim) CloseDoor(board, index int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lock(board, index)
	l.open, l.closeAt = false, time.Time{}
}

// OpenDoor opens a door without a pulse (someone forced it); it stays open
// until CloseDoor.
func (s *Sim) OpenDoor(board, index int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lock(board, index)
	l.open, l.closeAt = true, time.Time{}
}

// SetItem puts something in a compartment or takes it out.
func (s *Sim) SetItem(board, index int, present bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lock(board, index).item = present
}

// Lock is what the board would report for one lock.
func (s *Sim) Lock(board, index int) locker.LockState {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lock(board, index)
	return locker.LockState{Closed: !l.open, Item: l.item}
}

// Unlocks counts the unlock pulses a lock received, whether or not its door
// was already open: tests assert that one Unlock call pulsed once.
func (s *Sim) Unlocks(board, index int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lock(board, index).unlocks
}

// SetOffline makes a board stop answering and ignore pulses (powered off,
// cable cut), or brings it back.
func (s *Sim) SetOffline(board int, off bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lock(board, 0)
	s.offline[board] = off
}

// Noise queues bytes that Serve writes just before its next reply, as
// interference on the line would put them there.
func (s *Sim) Noise(b []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noise = append(s.noise, b...)
}

// answers tells whether a board is on the bus and powered. Callers hold mu.
func (s *Sim) answers(board int) bool {
	return board >= 0 && board < s.boards && !s.offline[board]
}

// unlock applies one pulse; false when the board is not there to get it.
func (s *Sim) unlock(board, index int) bool {
	s.mu.Lock()
	if !s.answers(board) {
		s.mu.Unlock()
		return false
	}
	l := s.lock(board, index)
	l.unlocks++
	l.open = true
	l.closeAt = time.Time{}
	if s.opts.CloseAfter > 0 {
		l.closeAt = s.opts.Now().Add(s.opts.CloseAfter)
	}
	s.mu.Unlock()
	if s.opts.OnUnlock != nil {
		s.opts.OnUnlock(board, index)
	}
	return true
}

// state is one board's locks; false when the board does not answer.
func (s *Sim) state(board int) (locker.BoardState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.answers(board) {
		return locker.BoardState{}, false
	}
	st := locker.BoardState{Board: board}
	for i := range st.Locks {
		l := s.lock(board, i)
		st.Locks[i] = locker.LockState{Closed: !l.open, Item: l.item}
	}
	return st, true
}
