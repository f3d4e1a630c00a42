package sim

import (
	"context"
	"fmt"

	"naryad/locker"
)

// Board returns a locker.Board that acts on the simulated boards directly,
// without a serial line: Unlock applies a pulse (and waits for nothing),
// State reads the doors. An offline board or one beyond Boards() gives
// locker.ErrNoReply, as the real driver would.
func (s *Sim) Board() locker.Board { return memoryBoard{s} }

type memoryBoard struct{ s *Sim }

func (b memoryBoard) Unlock(ctx context.Context, board, index int) error {
	if err := locker.CheckAddress(board, index); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !b.s.unlock(board, index) {
		return fmt.Errorf("unlock board %d lock %d: %w", board, index+1, locker.ErrNoReply)
	}
	return nil
}

func (b memoryBoard) State(ctx context.Context, board int) (locker.BoardState, error) {
	if err := locker.CheckAddress(board, 0); err != nil {
		return locker.BoardState{}, err
	}
	if err := ctx.Err(); err != nil {
		return locker.BoardState{}, err
	}
	st, ok := b.s.state(board)
	if !ok {
		return locker.BoardState{}, fmt.Errorf("read board %d: %w", board, locker.ErrNoReply)
	}
	return st, nil
}
