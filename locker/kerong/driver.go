// Package kerong drives Kerong KR-CU16 lock-control boards (and the many
// boards that copy their protocol) over an RS-485 serial line.
//
// The protocol: 19200 baud, 8N1. A request is STX ADDR CMD ETX SUM, where
// ADDR carries the board (high nibble) and lock index (low nibble) and SUM is
// the low byte of the sum of the bytes before it. CmdUnlock pulses a lock and
// gets no answer; CmdState gets a 9-byte reply with the lock and item-sensor
// bits of all 16 locks. Up to 16 boards share one bus, so the driver sends
// one request at a time.
//
// The simulator in locker/kerong/sim speaks the same protocol on a
// pseudo-terminal, so the driver is tested through a real serial device.
package kerong

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"naryad/locker"
)

// Driver is a locker.Board on one serial bus.
type Driver struct {
	opts Options
	path string               // for messages; "" when the caller owns the port
	open func() (Port, error) // reopens the device; nil when it cannot be reopened

	mu   sync.Mutex // one request at a time on the bus
	port Port       // nil after a line error until reopened
	gen  uint64     // counts opened ports, so Unlock can tell the line died since its pulse
}

var _ locker.Board = (*Driver)(nil)

// Open opens the boards' serial device at path (19200 8N1). After an I/O
// error (the USB adapter was pulled) the driver closes the port and opens
// path again on the next request, so a re-plugged adapter recovers by itself.
func Open(path string, opts Options) (*Driver, error) {
	open := func() (Port, error) { return openSerial(path) }
	p, err := open()
	if err != nil {
		return nil, err
	}
	d := New(p, opts)
	d.path, d.open = path, open
	return d, nil
}

// New drives a port the caller opened. The driver cannot reopen it, so it
// keeps the port after an I/O error and tries it again.
func New(port Port, opts Options) *Driver {
	return &Driver{opts: opts.withDefaults(), port: port, gen: 1}
}

// Close closes the port.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.port == nil {
		return nil
	}
	err := d.port.Close()
	d.port, d.open = nil, nil // no reopening after Close
	return err
}

// State reads every lock of one board.
func (d *Driver) State(ctx context.Context, board int) (locker.BoardState, error) {
	if err := locker.CheckAddress(board, 0); err != nil {
		return locker.BoardState{}, err
	}
	r, _, err := d.readState(ctx, board)
	if err != nil {
		return locker.BoardState{}, err
	}
	return r.State(d.opts.SetMeansOpen), nil
}

// lineError is an I/O error of the port itself, as opposed to a board that
// is silent or talks nonsense: the port is reopened before the next attempt.
type lineError struct{ err error }

func (e lineError) Error() string { return "serial line: " + e.err.Error() }
func (e lineError) Unwrap() error { return e.err }

// readState asks a board for its state, retrying timeouts, bad replies and
// line errors. It also returns the generation of the port that answered.
func (d *Driver) readState(ctx context.Context, board int) (StateReply, uint64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var last error
	for attempt := 0; attempt <= d.opts.Retries; attempt++ {
		port, err := d.connect(ctx)
		if err != nil {
			return StateReply{}, 0, fmt.Errorf("read board %d: %w", board, err)
		}
		r, err := d.stateOnce(ctx, port, board)
		if err == nil {
			return r, d.gen, nil
		}
		if ctx.Err() != nil {
			return StateReply{}, 0, fmt.Errorf("read board %d: %w", board, ctx.Err())
		}
		var le lineError
		if errors.As(err, &le) {
			d.drop(err)
		}
		d.opts.Logger.Debug("lock board request failed", "board", board, "attempt", attempt+1, "err", err)
		last = err
	}
	return StateReply{}, 0, fmt.Errorf("read board %d: %d attempts: %w", board, d.opts.Retries+1, last)
}

// stateOnce sends one state request and waits for the matching reply.
func (d *Driver) stateOnce(ctx context.Context, port Port, board int) (StateReply, error) {
	if err := port.ResetInputBuffer(); err != nil {
		return StateReply{}, lineError{err}
	}
	if _, err := port.Write(Request{Addr: Addr(board, 0), Cmd: CmdState}.Encode()); err != nil {
		return StateReply{}, lineError{err}
	}
	return d.readReply(ctx, port, board)
}

// pollRead bounds one Read so that a cancelled ctx is noticed soon.
const pollRead = 100 * time.Millisecond

// readReply reads until a valid reply from board arrives, skipping noise
// and replies that are not board's, or until ReplyTimeout.
func (d *Driver) readReply(ctx context.Context, port Port, board int) (StateReply, error) {
	deadline := time.Now().Add(d.opts.ReplyTimeout)
	var buf []byte
	chunk := make([]byte, 64)
	dropped := 0
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return StateReply{}, fmt.Errorf("%w within %v (%d bytes of noise skipped)", locker.ErrNoReply, d.opts.ReplyTimeout, dropped+len(buf))
		}
		if err := ctx.Err(); err != nil {
			return StateReply{}, err
		}
		if err := port.SetReadTimeout(min(left, pollRead)); err != nil {
			return StateReply{}, lineError{err}
		}
		n, err := port.Read(chunk)
		if err != nil {
			return StateReply{}, lineError{err}
		}
		buf = append(buf, chunk[:n]...)
		for {
			r, at, ok := ScanStateReply(buf)
			if !ok {
				dropped += at
				buf = buf[at:]
				break
			}
			if r.Board() == board {
				return r, nil
			}
			// Another board's reply (a late answer on a shared bus): not ours.
			dropped += at + ReplyLen
			buf = buf[at+ReplyLen:]
		}
	}
}

// connect returns the open port, reopening the device if a line error closed
// it, with a short backoff bounded by opts.Reconnect and ctx. Callers hold mu.
func (d *Driver) connect(ctx context.Context) (Port, error) {
	if d.port != nil {
		return d.port, nil
	}
	if d.open == nil {
		return nil, errors.New("port is closed")
	}
	deadline := time.Now().Add(d.opts.Reconnect)
	wait := 50 * time.Millisecond
	for {
		p, err := d.open()
		if err == nil {
			d.port = p
			d.gen++
			d.opts.Logger.Info("lock board port reopened", "port", d.path)
			return p, nil
		}
		if time.Now().Add(wait).After(deadline) {
			return nil, fmt.Errorf("device gone for %v: %w", d.opts.Reconnect, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("reopen %s: %w", d.path, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// drop closes the port after a line error so the next request reopens the
// device. A port the caller owns is kept: it cannot be reopened.
func (d *Driver) drop(cause error) {
	if d.open == nil || d.port == nil {
		return
	}
	d.opts.Logger.Warn("lock board port lost", "port", d.path, "err", cause)
	_ = d.port.Close() // the device is gone; its close error says nothing more
	d.port = nil
}
