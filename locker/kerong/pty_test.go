//go:build linux || darwin

package kerong_test

import (
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"naryad/locker"
	"naryad/locker/kerong"
	"naryad/locker/kerong/sim"
)

// lineOpts are the driver's settings against the simulator: real timeouts,
// a little shorter so a silent board does not slow the suite.
var lineOpts = kerong.Options{ReplyTimeout: 100 * time.Millisecond, Reconnect: 5 * time.Second}

// plug serves s on a new pseudo-terminal linked at link, like a USB
// adapter plugged in; it is pulled out at the end of the test.
func plug(t *testing.T, s *sim.Sim, link string) *sim.PTY {
	t.Helper()
	p, err := sim.ListenPTY(t.Context(), s, link)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(); p.Wait() })
	return p
}

// openLine opens the driver on the link with go.bug.st/serial.
func openLine(t *testing.T, link string) *kerong.Driver {
	t.Helper()
	d, err := kerong.Open(link, lineOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestDriverThroughPseudoTerminal(t *testing.T) {
	s := sim.New(2, sim.Options{})
	link := filepath.Join(t.TempDir(), "lockers")
	plug(t, s, link)
	d := openLine(t, link)
	ctx := t.Context()

	s.SetItem(0, 0, true)
	s.OpenDoor(1, 15)
	s.SetItem(1, 9, true)
	for board := range 2 {
		got, err := d.State(ctx, board)
		if err != nil {
			t.Fatalf("board %d: %v", board, err)
		}
		for i, l := range got.Locks {
			if want := s.Lock(board, i); l != want {
				t.Errorf("board %d lock %d: driver reads %+v, sim has %+v", board, i+1, l, want)
			}
		}
	}

	t.Run("unlock", func(t *testing.T) {
		if err := d.Unlock(ctx, 1, 2); err != nil {
			t.Fatal(err)
		}
		if s.Lock(1, 2).Closed || s.Unlocks(1, 2) != 1 {
			t.Errorf("lock 3 of board 1: %+v after %d pulses; want open after 1", s.Lock(1, 2), s.Unlocks(1, 2))
		}
	})

	t.Run("noise on the line", func(t *testing.T) {
		s.Noise([]byte{0x02, 0x00, 0x35, 0x0d, 0x0a, 0xff, 0x02})
		got, err := d.State(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Locks[0].Item {
			t.Error("wrong state read through the noise")
		}
	})

	t.Run("offline board", func(t *testing.T) {
		s.SetOffline(1, true)
		defer s.SetOffline(1, false)
		if _, err := d.State(ctx, 1); !errors.Is(err, locker.ErrNoReply) {
			t.Errorf("State: %v, want ErrNoReply", err)
		}
		if err := d.Unlock(ctx, 1, 0); !errors.Is(err, locker.ErrNoReply) {
			t.Errorf("Unlock: %v, want ErrNoReply", err)
		}
		if _, err := d.State(ctx, 5); !errors.Is(err, locker.ErrNoReply) {
			t.Errorf("State of a board that is not on the bus: %v, want ErrNoReply", err)
		}
	})

	t.Run("still serving after the silence", func(t *testing.T) {
		if _, err := d.State(ctx, 1); err != nil {
			t.Fatal(err)
		}
	})
}

// TestUnplugMidCommand pulls the adapter out during Unlock and plugs a new
// one in at the same path: Unlock must succeed once it is back, with the
// door pulsed exactly once.
func TestUnplugMidCommand(t *testing.T) {
	for _, when := range []string{
		"after the board applied the pulse",
		"before the board could read the pulse",
		"before the pulse was written",
	} {
		t.Run(when, func(t *testing.T) {
			link := filepath.Join(t.TempDir(), "lockers")
			var current atomic.Pointer[sim.PTY]
			var once sync.Once
			pulled := make(chan struct{})
			unplug := func() { once.Do(func() { current.Load().Close(); close(pulled) }) }
			var opts sim.Options
			switch when {
			case "after the board applied the pulse":
				opts.OnUnlock = func(board, index int) { unplug() }
			case "before the board could read the pulse":
				opts.BeforeRequest = func(board, index int, cmd byte) {
					if cmd == kerong.CmdUnlock {
						unplug()
					}
				}
			}
			s := sim.New(1, opts)
			current.Store(plug(t, s, link))
			d := openLine(t, link)
			if _, err := d.State(t.Context(), 0); err != nil { // the line works
				t.Fatal(err)
			}
			if when == "before the pulse was written" {
				unplug()
			}

			// Plug back in a moment after the unplug, while the driver is
			// waiting for the device.
			replugged := make(chan struct{})
			go func() {
				defer close(replugged)
				<-pulled
				current.Load().Wait()
				time.Sleep(200 * time.Millisecond)
				p, err := sim.ListenPTY(t.Context(), s, link)
				if err != nil {
					t.Error(err)
					return
				}
				current.Store(p)
			}()
			t.Cleanup(func() {
				<-replugged
				current.Load().Close()
				current.Load().Wait()
			})

			if err := d.Unlock(t.Context(), 0, 6); err != nil {
				t.Fatalf("Unlock: %v", err)
			}
			select {
			case <-pulled:
			default:
				t.Fatal("the adapter was never pulled: the test did not test anything")
			}
			if n := s.Unlocks(0, 6); n != 1 {
				t.Errorf("lock 7 pulsed %d times, want 1", n)
			}
			if s.Lock(0, 6).Closed {
				t.Error("lock 7 is closed")
			}
		})
	}
}
