package kerong

import (
	"errors"
	"fmt"

	"naryad/locker"
)

// Frame bytes and commands of the KR-CU16 protocol.
const (
	stx = 0x02
	etx = 0x03

	CmdState   = 0x30 // read one board's locks and item sensors
	CmdUnlock  = 0x31 // pulse one lock open; the board does not answer
	CodeStatus = 0x35 // the command byte of a state reply

	RequestLen = 5 // STX ADDR CMD ETX SUM
	ReplyLen   = 9 // STX ADDR 0x35 L1-8 L9-16 S1-8 S9-16 ETX SUM
)

// Addr packs a board number (high nibble) and lock index (low nibble).
func Addr(board, index int) byte { return byte(board&0x0f)<<4 | byte(index&0x0f) }

// checksum is the low byte of the sum of b.
func checksum(b []byte) byte {
	var sum byte
	for _, c := range b {
		sum += c
	}
	return sum
}

// Request is one frame sent to the boards.
type Request struct {
	Addr byte
	Cmd  byte
}

// Board and Index unpack the address.
func (r Request) Board() int { return int(r.Addr >> 4) }
func (r Request) Index() int { return int(r.Addr & 0x0f) }

// Encode returns the 5 bytes on the wire.
func (r Request) Encode() []byte {
	b := []byte{stx, r.Addr, r.Cmd, etx, 0}
	b[4] = checksum(b[:4])
	return b
}

// StateReply is a board's answer to CmdState. Bit i of Locks and Items is
// lock index i (bit 0 of the first byte is printed lock 1).
type StateReply struct {
	Addr  byte   // the board in the high nibble; the low nibble is kept as sent
	Locks uint16 // door/lock bits; what a set bit means is Options.SetMeansOpen
	Items uint16 // item sensors, set = something inside
}

// Board is the board number the reply comes from.
func (r StateReply) Board() int { return int(r.Addr >> 4) }

// Encode returns the 9 bytes on the wire.
func (r StateReply) Encode() []byte {
	b := []byte{stx, r.Addr, CodeStatus,
		byte(r.Locks), byte(r.Locks >> 8), byte(r.Items), byte(r.Items >> 8),
		etx, 0}
	b[8] = checksum(b[:8])
	return b
}

// State converts the bits to lock states with the board's polarity.
func (r StateReply) State(setMeansOpen bool) locker.BoardState {
	s := locker.BoardState{Board: r.Board()}
	for i := range s.Locks {
		set := r.Locks&(1<<i) != 0
		s.Locks[i] = locker.LockState{Closed: set != setMeansOpen, Item: r.Items&(1<<i) != 0}
	}
	return s
}

// ReplyFor is the reply a board with these lock states sends; the simulator
// uses it.
func ReplyFor(addr byte, locks [locker.LocksPerBoard]locker.LockState, setMeansOpen bool) StateReply {
	r := StateReply{Addr: addr}
	for i, l := range locks {
		if l.Closed != setMeansOpen {
			r.Locks |= 1 << i
		}
		if l.Item {
			r.Items |= 1 << i
		}
	}
	return r
}

var errNotReply = errors.New("not a state reply")

// ParseStateReply validates exactly one 9-byte state reply.
func ParseStateReply(b []byte) (StateReply, error) {
	switch {
	case len(b) != ReplyLen:
		return StateReply{}, fmt.Errorf("%w: %d bytes, want %d", errNotReply, len(b), ReplyLen)
	case b[0] != stx:
		return StateReply{}, fmt.Errorf("%w: starts with %#02x, want STX", errNotReply, b[0])
	case b[2] != CodeStatus:
		return StateReply{}, fmt.Errorf("%w: code %#02x, want %#02x", errNotReply, b[2], CodeStatus)
	case b[7] != etx:
		return StateReply{}, fmt.Errorf("%w: byte 8 is %#02x, want ETX", errNotReply, b[7])
	case b[8] != checksum(b[:8]):
		return StateReply{}, fmt.Errorf("%w: checksum %#02x, want %#02x", errNotReply, b[8], checksum(b[:8]))
	}
	return StateReply{
		Addr:  b[1],
		Locks: uint16(b[3]) | uint16(b[4])<<8,
		Items: uint16(b[5]) | uint16(b[6])<<8,
	}, nil
}

// ScanStateReply finds the first valid state reply in buf, skipping noise:
// every STX is tried as a start, so a frame behind garbage (or behind a
// stray STX) is still found. It returns the reply and its offset. When no
// complete reply is there yet, ok is false and at is the first byte that may
// still begin one; everything before it is noise the caller can drop.
func ScanStateReply(buf []byte) (r StateReply, at int, ok bool) {
	return scan(buf, ReplyLen, ParseStateReply)
}

// ScanRequest is ScanStateReply for the frames a board receives.
func ScanRequest(buf []byte) (r Request, at int, ok bool) {
	return scan(buf, RequestLen, parseRequest)
}

func parseRequest(b []byte) (Request, error) {
	if b[0] != stx || b[3] != etx || b[4] != checksum(b[:4]) {
		return Request{}, errors.New("not a request")
	}
	return Request{Addr: b[1], Cmd: b[2]}, nil
}

func scan[T any](buf []byte, size int, parse func([]byte) (T, error)) (T, int, bool) {
	var zero T
	for i, c := range buf {
		if c != stx {
			continue
		}
		if len(buf)-i < size {
			return zero, i, false
		}
		if v, err := parse(buf[i : i+size]); err == nil {
			return v, i, true
		}
	}
	return zero, len(buf), false
}
