// Package locker is the key-locker module: a kiosk PC next to the locker
// drives its lock-control boards (locker/kerong) and runs the customer and
// staff flows (locker/kiosk); the hub keeps the sites, the codes customers
// type and the event log (lockerhub), and the two talk through the sync
// protocol in lockerwire.
//
// This file is the seam between the flows and the hardware: the Board
// interface, which the Kerong driver implements over a serial line and the
// board simulator implements in memory for tests.
package locker

import (
	"context"
	"errors"
	"fmt"
)

// Limits of one RS-485 bus of Kerong-style boards.
const (
	MaxBoards     = 16 // board numbers 0–15, set by each board's DIP switch
	LocksPerBoard = 16 // lock indexes 0–15; the board prints them 1–16
)

// LockState is what a board reports about one lock.
type LockState struct {
	Closed bool `json:"closed"` // the door is shut and the lock engaged
	Item   bool `json:"item"`   // the item sensor sees something inside
}

// BoardState is one board's locks, by index (printed lock number − 1).
type BoardState struct {
	Board int
	Locks [LocksPerBoard]LockState
}

// Board drives the lock-control boards of one locker.
//
// Unlock must never open a door twice for one call: the boards do not answer
// an unlock, so an implementation that loses the line mid-command checks the
// lock's state before it sends the pulse again.
type Board interface {
	// Unlock pulses one lock open; index is the printed lock number − 1.
	Unlock(ctx context.Context, board, index int) error
	// State reads every lock of one board.
	State(ctx context.Context, board int) (BoardState, error)
}

// ErrNoReply means the board did not answer in time: it is powered off, the
// address is wrong, or the line is broken.
var ErrNoReply = errors.New("lock board did not reply")

// CheckAddress validates a board number and lock index.
func CheckAddress(board, index int) error {
	if board < 0 || board >= MaxBoards {
		return fmt.Errorf("board %d: must be 0–%d (the board's DIP switch)", board, MaxBoards-1)
	}
	if index < 0 || index >= LocksPerBoard {
		return fmt.Errorf("lock %d: must be 1–%d as printed on the board", index+1, LocksPerBoard)
	}
	return nil
}
