package kerong

import (
	"encoding/json"
	"fmt"
	"io"

	"naryad/locker"
)

// Status is the JSON that `naryad locker status` (and the simulator's
// `state` command) prints for one board:
//
//	{"board":0,"locks":[{"lock":1,"closed":true,"item":false},…]}
type Status struct {
	Board int          `json:"board"`
	Locks []LockStatus `json:"locks"`
}

// LockStatus is one lock, numbered as printed on the board (1–16).
type LockStatus struct {
	Lock int `json:"lock"`
	locker.LockState
}

// WriteStatus prints s as one line of JSON.
func WriteStatus(w io.Writer, s locker.BoardState) error {
	out := Status{Board: s.Board, Locks: make([]LockStatus, len(s.Locks))}
	for i, l := range s.Locks {
		out.Locks[i] = LockStatus{Lock: i + 1, LockState: l}
	}
	if err := json.NewEncoder(w).Encode(out); err != nil {
		return fmt.Errorf("write status: %w", err)
	}
	return nil
}
