//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package sim

import (
	"context"
	"errors"
)

// PTY is a simulated bus on a pseudo-terminal; there are none on this
// system (creack/pty has no Windows support), so ListenPTY always fails.
type PTY struct{}

// ListenPTY reports that pseudo-terminals are not available here.
func ListenPTY(ctx context.Context, s *Sim, link string) (*PTY, error) {
	return nil, errors.New("sim: pseudo-terminals are not available on this system; run the simulator on Linux or macOS")
}

// Path is empty: there is no device.
func (p *PTY) Path() string { return "" }

// Close does nothing.
func (p *PTY) Close() error { return nil }

// Wait returns at once.
func (p *PTY) Wait() error { return nil }
