package kerong_test

import (
	"bytes"
	"testing"

	"naryad/locker/kerong"
)

// The bytes below are worked out by hand from the protocol, not produced by
// the encoder under test.
func TestFramesOnTheWire(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  []byte
		want []byte
	}{
		{"unlock printed lock 1 of board 0", kerong.Request{Addr: kerong.Addr(0, 0), Cmd: kerong.CmdUnlock}.Encode(), []byte{0x02, 0x00, 0x31, 0x03, 0x36}},
		{"unlock printed lock 16 of board 15", kerong.Request{Addr: kerong.Addr(15, 15), Cmd: kerong.CmdUnlock}.Encode(), []byte{0x02, 0xff, 0x31, 0x03, 0x35}},
		{"read board 1", kerong.Request{Addr: kerong.Addr(1, 0), Cmd: kerong.CmdState}.Encode(), []byte{0x02, 0x10, 0x30, 0x03, 0x45}},
		{"reply of board 1", kerong.StateReply{Addr: 0x10, Locks: 0x0001, Items: 0x8000}.Encode(), []byte{0x02, 0x10, 0x35, 0x01, 0x00, 0x00, 0x80, 0x03, 0xcb}},
	} {
		if !bytes.Equal(tc.got, tc.want) {
			t.Errorf("%s: % x, want % x", tc.name, tc.got, tc.want)
		}
	}
}

func TestStateReplyBits(t *testing.T) {
	r, err := kerong.ParseStateReply([]byte{0x02, 0x10, 0x35, 0x01, 0x00, 0x00, 0x80, 0x03, 0xcb})
	if err != nil {
		t.Fatal(err)
	}
	if r.Board() != 1 {
		t.Errorf("board %d, want 1", r.Board())
	}
	s := r.State(false) // set = closed
	if !s.Locks[0].Closed || s.Locks[1].Closed || s.Locks[15].Closed {
		t.Errorf("set = closed: lock 1 closed=%v, lock 2 closed=%v, lock 16 closed=%v; want true, false, false",
			s.Locks[0].Closed, s.Locks[1].Closed, s.Locks[15].Closed)
	}
	if s.Locks[0].Item || !s.Locks[15].Item {
		t.Errorf("items: lock 1 %v, lock 16 %v; want false, true", s.Locks[0].Item, s.Locks[15].Item)
	}
	if o := r.State(true); o.Locks[0].Closed || !o.Locks[1].Closed {
		t.Errorf("set = open: lock 1 closed=%v, lock 2 closed=%v; want false, true", o.Locks[0].Closed, o.Locks[1].Closed)
	}
	if back := kerong.ReplyFor(0x10, s.Locks, false); back != r {
		t.Errorf("ReplyFor(State()) = %+v, want %+v", back, r)
	}
}

func TestParseStateReplyRejects(t *testing.T) {
	good := []byte{0x02, 0x10, 0x35, 0x01, 0x00, 0x00, 0x80, 0x03, 0xcb}
	for name, mutate := range map[string]func([]byte) []byte{
		"short":        func(b []byte) []byte { return b[:8] },
		"no STX":       func(b []byte) []byte { b[0] = 0x01; return b },
		"wrong code":   func(b []byte) []byte { b[2] = 0x36; b[8]++; return b },
		"no ETX":       func(b []byte) []byte { b[7] = 0x04; b[8]++; return b },
		"bad checksum": func(b []byte) []byte { b[8]++; return b },
	} {
		if _, err := kerong.ParseStateReply(mutate(bytes.Clone(good))); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzParseStateReply: the parser never panics, and whatever it accepts
// re-encodes to exactly the bytes it was given.
func FuzzParseStateReply(f *testing.F) {
	f.Add([]byte{0x02, 0x10, 0x35, 0x01, 0x00, 0x00, 0x80, 0x03, 0xcb})
	f.Add([]byte{0x02, 0x10, 0x35})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := kerong.ParseStateReply(b)
		if err != nil {
			return
		}
		if got := r.Encode(); !bytes.Equal(got, b) {
			t.Fatalf("accepted % x but re-encodes to % x", b, got)
		}
	})
}

// FuzzScanStateReply: a valid reply behind any noise is found, at its own
// offset or at an earlier valid reply hidden in the noise, and what is found
// re-encodes to the bytes where it was found.
func FuzzScanStateReply(f *testing.F) {
	f.Add([]byte{}, byte(0x10), uint16(1), uint16(0x8000))
	f.Add([]byte{0x02, 0x02, 0x10, 0x35}, byte(0x00), uint16(0xffff), uint16(0))
	f.Add([]byte{0x02, 0x10, 0x35, 0x01, 0x00, 0x00, 0x80, 0x03, 0xcc}, byte(0x20), uint16(0x0302), uint16(0x0a0d))
	f.Fuzz(func(t *testing.T, noise []byte, addr byte, locks, items uint16) {
		want := kerong.StateReply{Addr: addr, Locks: locks, Items: items}
		buf := append(bytes.Clone(noise), want.Encode()...)
		r, at, ok := kerong.ScanStateReply(buf)
		if !ok {
			t.Fatalf("no reply found in % x", buf)
		}
		if at > len(noise) {
			t.Fatalf("found at %d, past the reply at %d", at, len(noise))
		}
		if got := r.Encode(); !bytes.Equal(got, buf[at:at+kerong.ReplyLen]) {
			t.Fatalf("found %+v at %d, which encodes to % x, not % x", r, at, got, buf[at:at+kerong.ReplyLen])
		}
		if at == len(noise) && r != want {
			t.Fatalf("found %+v, want %+v", r, want)
		}
	})
}
