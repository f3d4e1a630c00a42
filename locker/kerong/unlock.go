package kerong

import (
	"context"
	"errors"
	"fmt"
	"time"

	"naryad/locker"
)

// confirmEvery is how often Unlock reads the board while waiting for the
// lock to read open.
const confirmEvery = 50 * time.Millisecond

// Unlock pulses one lock and waits until the board reports it open.
//
// A door is never opened twice for one call. The board does not answer a
// pulse, so a pulse is sent again only when the line died since the last one
// (the write failed or the port had to be reopened, so the board may never
// have received it) and the lock still reads closed afterwards. A lock that
// simply stays closed on a healthy line is an error, not a reason to pulse
// again: the door may be jammed, or someone shut it at once.
func (d *Driver) Unlock(ctx context.Context, board, index int) error {
	if err := locker.CheckAddress(board, index); err != nil {
		return err
	}
	wrap := func(err error) error {
		return fmt.Errorf("unlock board %d lock %d: %w", board, index+1, err)
	}
	pulses := 0
	for {
		sentOn, err := d.pulse(ctx, board, index)
		if err != nil && !errors.As(err, new(lineError)) {
			return wrap(err) // no port to write to: nothing was sent
		}
		pulses++
		opened, lineDied, err := d.waitOpen(ctx, board, index, sentOn)
		switch {
		case err != nil:
			return wrap(err)
		case opened:
			return nil
		case lineDied:
			if pulses > d.opts.Retries {
				return wrap(fmt.Errorf("the line kept failing; %d pulses sent and the lock still reads closed", pulses))
			}
			d.opts.Logger.Warn("lock pulse may not have arrived; lock reads closed, pulsing again",
				"board", board, "lock", index+1)
		default:
			return wrap(fmt.Errorf("the lock still reads closed %v after the pulse", d.opts.OpenTimeout))
		}
	}
}

// pulse writes one unlock frame. It returns the generation of the port it
// was written on, or 0 when the write failed (the frame may be lost).
func (d *Driver) pulse(ctx context.Context, board, index int) (uint64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	port, err := d.connect(ctx)
	if err != nil {
		return 0, err
	}
	if _, err := port.Write(Request{Addr: Addr(board, index), Cmd: CmdUnlock}.Encode()); err != nil {
		d.drop(err)
		return 0, lineError{err}
	}
	return d.gen, nil
}

// waitOpen reads the board until the lock reads open, for OpenTimeout. It
// stops early with lineDied when the lock reads closed through a port other
// than sentOn, the one the pulse was written on (0: the write failed): the
// pulse may never have reached the board, and the caller decides whether to
// pulse again.
func (d *Driver) waitOpen(ctx context.Context, board, index int, sentOn uint64) (opened, lineDied bool, err error) {
	deadline := time.Now().Add(d.opts.OpenTimeout)
	for {
		r, gen, err := d.readState(ctx, board)
		if err != nil {
			return false, false, fmt.Errorf("confirm the door opened: %w", err)
		}
		if !r.State(d.opts.SetMeansOpen).Locks[index].Closed {
			return true, false, nil
		}
		if gen != sentOn {
			return false, true, nil
		}
		if time.Now().After(deadline) {
			return false, false, nil
		}
		t := time.NewTimer(confirmEvery)
		select {
		case <-ctx.Done():
			t.Stop()
			return false, false, ctx.Err()
		case <-t.C:
		}
	}
}
