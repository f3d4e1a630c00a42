package sim_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"naryad/locker"
	"naryad/locker/kerong"
	"naryad/locker/kerong/sim"
)

// bus is the driver's end of an in-memory line to a serving Sim.
type bus struct {
	toSim   *io.PipeWriter
	fromSim *io.PipeReader
}

func serve(t *testing.T, s *sim.Sim) bus {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- s.Serve(ctx, struct {
			io.Reader
			io.Writer
		}{inR, outW})
	}()
	t.Cleanup(func() {
		cancel()
		inW.Close()
		outR.Close()
		<-done
	})
	return bus{toSim: inW, fromSim: outR}
}

// ask writes frames and reads one state reply.
func (b bus) ask(t *testing.T, frames ...[]byte) kerong.StateReply {
	t.Helper()
	for _, f := range frames {
		if _, err := b.toSim.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	buf := make([]byte, kerong.ReplyLen)
	if _, err := io.ReadFull(b.fromSim, buf); err != nil {
		t.Fatal(err)
	}
	r, err := kerong.ParseStateReply(buf)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func req(board, index int, cmd byte) []byte {
	return kerong.Request{Addr: kerong.Addr(board, index), Cmd: cmd}.Encode()
}

func TestServeSpeaksTheProtocol(t *testing.T) {
	s := sim.New(2, sim.Options{})
	s.SetItem(1, 15, true)
	b := serve(t, s)

	bad := req(1, 2, kerong.CmdUnlock)
	bad[4]++ // a corrupted pulse must not open anything
	r := b.ask(t,
		[]byte{0x02, 0x02, 0xff, 0x03}, // noise, stray STX included
		bad,
		req(5, 0, kerong.CmdUnlock), // no board 5 on this bus
		req(1, 0, kerong.CmdUnlock), // printed lock 1
		req(1, 0, kerong.CmdState))
	if r.Board() != 1 {
		t.Fatalf("reply from board %d, want 1", r.Board())
	}
	st := r.State(false)
	if st.Locks[0].Closed || !st.Locks[2].Closed || !st.Locks[15].Item {
		t.Errorf("lock 1 closed=%v (want open), lock 3 closed=%v (want closed), lock 16 item=%v (want item)",
			st.Locks[0].Closed, st.Locks[2].Closed, st.Locks[15].Item)
	}
	if s.Unlocks(1, 0) != 1 || s.Unlocks(1, 2) != 0 {
		t.Errorf("unlocks: lock 1 %d, lock 3 %d; want 1, 0", s.Unlocks(1, 0), s.Unlocks(1, 2))
	}

	// An offline board and a board beyond the bus stay silent: the next
	// reply that arrives is board 0's.
	s.SetOffline(1, true)
	r = b.ask(t, req(1, 0, kerong.CmdState), req(7, 0, kerong.CmdState), req(0, 0, kerong.CmdState))
	if r.Board() != 0 {
		t.Errorf("reply from board %d, want only board 0 to answer", r.Board())
	}
}

func TestPolarityAndNoise(t *testing.T) {
	s := sim.New(1, sim.Options{SetMeansOpen: true})
	s.OpenDoor(0, 0)
	s.Noise([]byte{0x02, 0x00, 0x35})
	b := serve(t, s)
	if _, err := b.toSim.Write(req(0, 0, kerong.CmdState)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 3+kerong.ReplyLen)
	if _, err := io.ReadFull(b.fromSim, buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf[:3], []byte{0x02, 0x00, 0x35}) {
		t.Errorf("noise % x not sent first", buf[:3])
	}
	r, err := kerong.ParseStateReply(buf[3:])
	if err != nil {
		t.Fatal(err)
	}
	if r.Locks != 0x0001 {
		t.Errorf("lock bits %#04x, want only lock 1 set (open, with set = open)", r.Locks)
	}
}

func TestDoorClosesByItself(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	s := sim.New(1, sim.Options{CloseAfter: 5 * time.Second, Now: func() time.Time { return now }})
	if err := s.Board().Unlock(t.Context(), 0, 3); err != nil {
		t.Fatal(err)
	}
	if s.Lock(0, 3).Closed {
		t.Fatal("closed right after the pulse")
	}
	now = now.Add(5 * time.Second)
	if !s.Lock(0, 3).Closed {
		t.Error("still open after CloseAfter")
	}
	s.OpenDoor(0, 3) // forced open: stays open
	now = now.Add(time.Hour)
	if s.Lock(0, 3).Closed {
		t.Error("a forced door closed by itself")
	}
}

func TestInMemoryBoard(t *testing.T) {
	var pulsed []int
	s := sim.New(2, sim.Options{OnUnlock: func(board, index int) { pulsed = append(pulsed, board*100+index) }})
	b := s.Board()
	if err := b.Unlock(t.Context(), 1, 15); err != nil {
		t.Fatal(err)
	}
	s.SetItem(1, 0, true)
	st, err := b.State(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if st.Board != 1 || st.Locks[15].Closed || !st.Locks[0].Closed || !st.Locks[0].Item {
		t.Errorf("state %+v", st)
	}
	if len(pulsed) != 1 || pulsed[0] != 115 || s.Unlocks(1, 15) != 1 {
		t.Errorf("OnUnlock calls %v, Unlocks %d", pulsed, s.Unlocks(1, 15))
	}
	s.SetOffline(0, true)
	if err := b.Unlock(t.Context(), 0, 0); !errors.Is(err, locker.ErrNoReply) {
		t.Errorf("unlock offline board: %v, want ErrNoReply", err)
	}
	if s.Unlocks(0, 0) != 0 {
		t.Error("an offline board took a pulse")
	}
	if _, err := b.State(t.Context(), 2); !errors.Is(err, locker.ErrNoReply) {
		t.Errorf("state of board 2 on a 2-board bus: %v, want ErrNoReply", err)
	}
}

func TestConsole(t *testing.T) {
	s := sim.New(2, sim.Options{})
	var out bytes.Buffer
	for _, line := range []string{"open 1 3", "item 1 16 1", "offline 0 1", ""} {
		if err := s.Exec(&out, line); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
	}
	if s.Lock(1, 2).Closed || !s.Lock(1, 15).Item {
		t.Errorf("console commands not applied: lock 3 %+v, lock 16 %+v", s.Lock(1, 2), s.Lock(1, 15))
	}
	if _, err := s.Board().State(t.Context(), 0); !errors.Is(err, locker.ErrNoReply) {
		t.Errorf("offline 0 1: board 0 still answers (%v)", err)
	}
	if err := s.Exec(&out, "close 1 3"); err != nil || !s.Lock(1, 2).Closed {
		t.Errorf("close 1 3: %v, closed=%v", err, s.Lock(1, 2).Closed)
	}
	if err := s.Exec(&out, "state 1"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `{"lock":16,"closed":true,"item":true}`) {
		t.Errorf("state 1 printed %s", out.String())
	}
	for _, bad := range []string{"explode 1", "open 1", "open 2 1", "open 1 17", "open 1 x", "item 0 0 1"} {
		if err := s.Exec(&out, bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
