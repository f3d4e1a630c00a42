package sim

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"naryad/locker"
	"naryad/locker/kerong"
)

// consoleHelp lists the commands of Exec, lock numbers as printed (1–16).
const consoleHelp = "close B L | open B L | item B L 1|0 | offline B 1|0 | state B"

// consoleUsage is what `naryad locker sim` prints on stderr at start: the
// device path alone on stdout tells a newcomer nothing about what to type.
const consoleUsage = `Commands, one a line (B: board %s, L: lock 1–16 as printed on the board):
  close B L       the door of lock L is shut (by the customer or staff)
  open B L        the door is forced open, without a pulse
  item B L 1|0    something is put in (1) or taken out (0) of the compartment
  offline B 1|0   board B stops answering (1) or answers again (0)
  state B         print board B's locks as JSON, like "naryad locker status"
A door the kiosk unlocks opens by itself and shuts after --close-after (0: only by close).
`

// Exec runs one console command of `naryad locker sim`, with lock numbers
// as printed on the board: "close B L", "open B L", "item B L 1|0",
// "offline B 1|0", "state B" (prints the board's JSON to w, like
// `naryad locker status`).
func (s *Sim) Exec(w io.Writer, line string) error {
	f := strings.Fields(line)
	if len(f) == 0 {
		return nil
	}
	want := map[string]int{"close": 3, "open": 3, "item": 4, "offline": 3, "state": 2}
	n, known := want[f[0]]
	if !known {
		return fmt.Errorf("unknown command %q; try %s", f[0], consoleHelp)
	}
	if len(f) != n {
		return fmt.Errorf("%s: want %d arguments; try %s", f[0], n-1, consoleHelp)
	}
	nums := make([]int, 0, 3)
	for _, a := range f[1:] {
		v, err := strconv.Atoi(a)
		if err != nil {
			return fmt.Errorf("%s: %q is not a number", f[0], a)
		}
		nums = append(nums, v)
	}
	board := nums[0]
	if board < 0 || board >= s.boards {
		return fmt.Errorf("%s: board %d: this bus has boards 0–%d", f[0], board, s.boards-1)
	}
	index := 0
	if f[0] == "close" || f[0] == "open" || f[0] == "item" {
		index = nums[1] - 1
		if err := locker.CheckAddress(board, index); err != nil {
			return fmt.Errorf("%s: %w", f[0], err)
		}
	}
	switch f[0] {
	case "close":
		s.CloseDoor(board, index)
	case "open":
		s.OpenDoor(board, index)
	case "item":
		s.SetItem(board, index, nums[2] != 0)
	case "offline":
		s.SetOffline(board, nums[1] != 0)
	case "state":
		return kerong.WriteStatus(w, s.snapshot(board))
	}
	return nil
}

// snapshot is one board's locks, whether or not it is online.
func (s *Sim) snapshot(board int) locker.BoardState {
	st := locker.BoardState{Board: board}
	for i := range st.Locks {
		st.Locks[i] = s.Lock(board, i)
	}
	return st
}
