package sim

import (
	"context"
	"fmt"
	"io"

	"naryad/locker/kerong"
)

// Serve answers the boards' protocol on rw until a read or write fails, or
// ctx is done when the next frame arrives (close rw to stop it at once). Like
// a real bus it ignores noise and frames with a bad checksum, answers state
// requests only for boards 0…Boards()−1 that are online, and never answers an
// unlock.
func (s *Sim) Serve(ctx context.Context, rw io.ReadWriter) error {
	var buf []byte
	chunk := make([]byte, 256)
	for {
		n, err := rw.Read(chunk)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("sim: read: %w", err)
		}
		buf = append(buf, chunk[:n]...)
		for {
			req, at, ok := kerong.ScanRequest(buf)
			if !ok {
				buf = append(buf[:0], buf[at:]...)
				break
			}
			buf = buf[at+kerong.RequestLen:]
			if s.opts.BeforeRequest != nil {
				s.opts.BeforeRequest(req.Board(), req.Index(), req.Cmd)
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if reply := s.handle(req); reply != nil {
				if _, err := rw.Write(reply); err != nil {
					return fmt.Errorf("sim: write: %w", err)
				}
			}
		}
	}
}

// handle acts on one request and returns the bytes to send back, if any.
func (s *Sim) handle(req kerong.Request) []byte {
	switch req.Cmd {
	case kerong.CmdUnlock:
		s.unlock(req.Board(), req.Index())
	case kerong.CmdState:
		st, ok := s.state(req.Board())
		if !ok {
			return nil
		}
		s.mu.Lock()
		out := append(s.noise, kerong.ReplyFor(req.Addr, st.Locks, s.opts.SetMeansOpen).Encode()...)
		s.noise = nil
		s.mu.Unlock()
		return out
	}
	return nil // commands this board does not know
}
