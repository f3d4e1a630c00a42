package kerong_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/locker"
	"naryad/locker/kerong"
)

// fast keeps fake-port tests quick: a silent board costs ReplyTimeout per
// attempt.
var fast = kerong.Options{ReplyTimeout: 30 * time.Millisecond, Retries: 2, OpenTimeout: 200 * time.Millisecond}

func reply(board int, locks, items uint16) []byte {
	return kerong.StateReply{Addr: kerong.Addr(board, 0), Locks: locks, Items: items}.Encode()
}

func TestSilentBoardGivesErrNoReplyAfterRetries(t *testing.T) {
	port := &fakePort{}
	_, err := kerong.New(port, fast).State(t.Context(), 3)
	if !errors.Is(err, locker.ErrNoReply) {
		t.Fatalf("err = %v, want ErrNoReply", err)
	}
	if n := len(port.requests(kerong.CmdState)); n != 3 {
		t.Errorf("%d state requests, want 3 (1 + 2 retries)", n)
	}
}

func TestStateSkipsNoiseAndRetriesBadReplies(t *testing.T) {
	good := reply(1, 0x0001, 0x0002) // lock 1 closed, item in lock 2
	corrupt := append([]byte(nil), reply(1, 0xfffe, 0)...)
	corrupt[8]++
	wrongCode := reply(1, 0xfffe, 0)
	wrongCode[2], wrongCode[8] = 0x36, wrongCode[8]+1
	for _, tc := range []struct {
		name     string
		replies  [][]byte
		requests int
	}{
		{"noise before the reply", [][]byte{append([]byte{0xff, 0x02, 0x02, 0x10, 0x00, 0x03, 0x0d, 0x0a}, good...)}, 1},
		{"bad checksum, then good", [][]byte{corrupt, good}, 2},
		{"another board's reply, then good", [][]byte{reply(2, 0xfffe, 0), good}, 2},
		{"wrong reply code, then good", [][]byte{wrongCode, good}, 2},
		{"silence, then good", [][]byte{nil, good}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port := &fakePort{answer: script(tc.replies...)}
			s, err := kerong.New(port, fast).State(t.Context(), 1)
			if err != nil {
				t.Fatal(err)
			}
			if s.Board != 1 || !s.Locks[0].Closed || s.Locks[1].Closed || !s.Locks[1].Item || s.Locks[0].Item {
				t.Errorf("state %+v: not the good reply (lock 1 closed and empty, lock 2 open with an item)", s.Locks[:2])
			}
			if n := len(port.requests(kerong.CmdState)); n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
		})
	}
}

func TestOnlyWrongRepliesGiveErrNoReply(t *testing.T) {
	port := &fakePort{answer: func(kerong.Request) []byte { return reply(2, 0, 0) }}
	_, err := kerong.New(port, fast).State(t.Context(), 1)
	if !errors.Is(err, locker.ErrNoReply) {
		t.Fatalf("err = %v, want ErrNoReply (board 2 answering for board 1)", err)
	}
}

func TestLockBitPolarity(t *testing.T) {
	for _, setMeansOpen := range []bool{false, true} {
		opts := fast
		opts.SetMeansOpen = setMeansOpen
		port := &fakePort{answer: script(reply(0, 0x0001, 0))}
		s, err := kerong.New(port, opts).State(t.Context(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if s.Locks[0].Closed == setMeansOpen || s.Locks[1].Closed != setMeansOpen {
			t.Errorf("SetMeansOpen=%v: lock 1 (bit set) closed=%v, lock 2 (bit clear) closed=%v",
				setMeansOpen, s.Locks[0].Closed, s.Locks[1].Closed)
		}
	}
}

// fakeBoard is a board behind a fakePort: pulses open doors (unless stuck),
// state requests report them with set = closed.
type fakeBoard struct {
	mu     sync.Mutex
	open   [locker.LocksPerBoard]bool
	pulses [locker.LocksPerBoard]int
	stuck  bool // pulses arrive but the door does not open
	silent bool // never answers a state request
}

func (b *fakeBoard) answer(req kerong.Request) []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch req.Cmd {
	case kerong.CmdUnlock:
		b.pulses[req.Index()]++
		b.open[req.Index()] = b.open[req.Index()] || !b.stuck
	case kerong.CmdState:
		if b.silent {
			return nil
		}
		var locks [locker.LocksPerBoard]locker.LockState
		for i, o := range b.open {
			locks[i].Closed = !o
		}
		return kerong.ReplyFor(req.Addr, locks, false).Encode()
	}
	return nil
}

func (b *fakeBoard) pulsesOf(index int) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pulses[index]
}

func TestUnlock(t *testing.T) {
	lost := errors.New("write: input/output error")
	for _, tc := range []struct {
		name      string
		stuck     bool                                          // the door does not open on a pulse
		silent    bool                                          // the board never answers a state request
		failWrite func(*int) func(kerong.Request) (bool, error) // given a counter of unlock writes
		wantErr   string                                        // "" = success
		noReply   bool
		attempts  int // unlock frames the driver tried to write
		pulses    int // pulses the board received
	}{
		{name: "opens with one pulse", attempts: 1, pulses: 1},
		{name: "a jammed door is reported, not pulsed again", stuck: true,
			wantErr: "still reads closed", attempts: 1, pulses: 1},
		{name: "a failed write is followed by a state read and one more pulse",
			failWrite: failFirstUnlock(lost, false), attempts: 2, pulses: 1},
		{name: "a write that failed after the board got it is not repeated",
			failWrite: failFirstUnlock(lost, true), attempts: 1, pulses: 1},
		{name: "a silent board gives ErrNoReply", silent: true,
			noReply: true, attempts: 1, pulses: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &fakeBoard{stuck: tc.stuck, silent: tc.silent}
			port := &fakePort{answer: b.answer}
			attempts := 0
			port.failWrite = func(req kerong.Request) (bool, error) {
				if req.Cmd != kerong.CmdUnlock {
					return false, nil
				}
				attempts++
				if tc.failWrite != nil {
					return tc.failWrite(&attempts)(req)
				}
				return false, nil
			}
			err := kerong.New(port, fast).Unlock(t.Context(), 0, 4)
			switch {
			case tc.noReply && !errors.Is(err, locker.ErrNoReply):
				t.Errorf("err = %v, want ErrNoReply", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("err = %v, want %q", err, tc.wantErr)
			case tc.wantErr == "" && !tc.noReply && err != nil:
				t.Errorf("err = %v", err)
			}
			if attempts != tc.attempts || b.pulsesOf(4) != tc.pulses {
				t.Errorf("%d unlock writes tried, %d pulses received; want %d and %d", attempts, b.pulsesOf(4), tc.attempts, tc.pulses)
			}
		})
	}
}

// failFirstUnlock fails the first unlock write with err; delivered says
// whether the board got the frame anyway.
func failFirstUnlock(err error, delivered bool) func(*int) func(kerong.Request) (bool, error) {
	return func(n *int) func(kerong.Request) (bool, error) {
		return func(kerong.Request) (bool, error) {
			if *n == 1 {
				return delivered, err
			}
			return false, nil
		}
	}
}

func TestBadAddressesAreRefused(t *testing.T) {
	d := kerong.New(&fakePort{}, fast)
	if err := d.Unlock(t.Context(), 0, 16); err == nil || !strings.Contains(err.Error(), "1–16") {
		t.Errorf("lock index 16: err = %v", err)
	}
	if _, err := d.State(t.Context(), 16); err == nil || !strings.Contains(err.Error(), "0–15") {
		t.Errorf("board 16: err = %v", err)
	}
}
