package kiosk

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"naryad/lockerwire"
)

// session is the person at the kiosk now: one at a time.
type session struct {
	// gen changes on Begin and Home; an action that began under an older
	// gen (the UI went home while a door was being unlocked) leaves the
	// screen alone.
	gen  int64
	mode Mode
	// The box this person's door action is about, and its work order.
	compartmentID   int64
	purpose         string
	workOrderID     int64
	workOrderNumber string
	label           string
	reopenUsed      bool
	staff           *staffPIN // signed in to the staff menu
}

func (sess session) staffName() string {
	if sess.staff == nil {
		return ""
	}
	return cmp.Or(sess.staff.Name, sess.staff.Login)
}

// Screen is what the kiosk shows now.
func (e *Engine) Screen() Screen {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.screen
	s.Boxes = slices.Clone(s.Boxes)
	return s
}

// Begin starts a new session at the entry screen for mode, or shows the
// lockout while entry is locked.
func (e *Engine) Begin(mode Mode) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sess = session{gen: e.sess.gen + 1, mode: mode}
	switch mode {
	case ModeDropOff, ModePickup, ModeStaff:
	default:
		e.show(Screen{Kind: ScreenStart})
		return
	}
	if e.isLockedOut() {
		e.show(Screen{Kind: ScreenLockedOut, Mode: mode, LockedUntil: e.lockedUntil})
		return
	}
	e.show(Screen{Kind: ScreenEntry, Mode: mode})
}

// Home goes back to the start screen. It never changes a compartment: a
// door left open is still watched and its closing still recorded.
func (e *Engine) Home() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sess = session{gen: e.sess.gen + 1}
	e.show(Screen{Kind: ScreenStart})
}

// show replaces the screen; callers hold mu.
func (e *Engine) show(s Screen) {
	e.seq++
	s.Seq = e.seq
	e.screen = s
}

// current returns the session and the screen it sees.
func (e *Engine) current() (session, Screen) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.sess, e.screen
}

// showFor replaces the screen only while session gen is still current.
func (e *Engine) showFor(gen int64, s Screen, update func(*session)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sess.gen != gen {
		return
	}
	if update != nil {
		update(&e.sess)
	}
	e.show(s)
}

// isLockedOut tells whether entry is locked; callers hold mu.
func (e *Engine) isLockedOut() bool {
	return !e.lockedUntil.IsZero() && e.opts.Now().Before(e.lockedUntil)
}

// doorScreen is what a person sees about their box.
func (sess session) doorScreen(kind string, openedAt time.Time) Screen {
	return Screen{Kind: kind, Mode: sess.mode, Compartment: sess.label,
		WorkOrderNumber: sess.workOrderNumber, OpenedAt: openedAt}
}

// boxesFor lists the compartments for the staff menu.
func boxesFor(list []compartment, numbers map[int64]string) []Box {
	out := make([]Box, 0, len(list))
	for _, c := range list {
		out = append(out, Box{ID: c.ID, Label: c.Label, Size: c.Size, State: c.State,
			WorkOrderNumber: numbers[c.workOrder()], Loan: lockerwire.IsLoanKeys(c.workOrder()), Since: c.StateSince})
	}
	slices.SortFunc(out, func(a, b Box) int { return compareLabels(a.Label, b.Label) })
	return out
}

// loanKeysFor lists the courtesy cars whose key staff may put in for
// pickup, by car: loan entries marked Ready whose key no box holds (nor
// is being put in right now).
func loanKeysFor(list []compartment, entries []workOrder) []LoanKey {
	in := map[int64]bool{}
	for _, c := range list {
		switch c.State {
		case lockerwire.StateHeld, lockerwire.StateReady, lockerwire.StateOpen, lockerwire.StateAttention:
			in[c.workOrder()] = true
		}
	}
	var out []LoanKey
	for _, w := range entries {
		if loanID, ok := lockerwire.LoanOf(w.ID); ok && w.Ready && !in[w.ID] {
			out = append(out, LoanKey{LoanID: loanID, Car: w.Number})
		}
	}
	slices.SortFunc(out, func(a, b LoanKey) int { return strings.Compare(a.Car, b.Car) })
	return out
}
