//go:build linux || darwin || freebsd || netbsd || openbsd

package sim

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// PTY is a simulated bus on a pseudo-terminal: the Sim serves the master
// side, and Path is the device a driver opens, like /dev/ttyUSB0.
type PTY struct {
	master, slave *os.File
	path, link    string
	cancel        context.CancelFunc
	done          chan struct{}
	err           error // Serve's result, once done is closed
	closeOnce     sync.Once
}

// ListenPTY opens a pseudo-terminal in raw mode and serves s on it until
// Close or ctx ends. If link is not empty, a symlink there is pointed at the
// new device (replacing an older one), so a driver configured with the link
// finds the "same adapter" again after a simulated re-plug.
func ListenPTY(ctx context.Context, s *Sim, link string) (*PTY, error) {
	master, slave, err := openPTY()
	if err != nil {
		return nil, err
	}
	// The sim keeps the slave open too: while no one holds it, reads on the
	// master fail, and the sim must outlive a driver that closes and reopens.
	if err := makeRaw(int(slave.Fd())); err != nil {
		master.Close()
		slave.Close()
		return nil, fmt.Errorf("sim: raw mode on %s: %w", slave.Name(), err)
	}
	p := &PTY{master: master, slave: slave, path: slave.Name(), link: link, done: make(chan struct{})}
	if link != "" {
		if err := replaceSymlink(p.path, link); err != nil {
			master.Close()
			slave.Close()
			return nil, err
		}
	}
	ctx, p.cancel = context.WithCancel(ctx)
	go func() {
		defer close(p.done)
		p.err = s.Serve(ctx, master)
	}()
	context.AfterFunc(ctx, func() { p.Close() })
	return p, nil
}

// openPTY opens a pseudo-terminal whose master side Close can interrupt.
// pty.Open leaves the master in blocking mode (it calls Fd), and a blocked
// Read on such a file ignores Close; a non-blocking duplicate goes through
// Go's poller instead.
func openPTY() (master, slave *os.File, err error) {
	m, slave, err := pty.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("sim: open pseudo-terminal: %w", err)
	}
	defer m.Close()
	fd, err := unix.Dup(int(m.Fd()))
	if err == nil {
		err = unix.SetNonblock(fd, true)
	}
	if err != nil {
		slave.Close()
		return nil, nil, fmt.Errorf("sim: pseudo-terminal master: %w", err)
	}
	return os.NewFile(uintptr(fd), m.Name()), slave, nil
}

// Path is the device, e.g. /dev/pts/7.
func (p *PTY) Path() string { return p.path }

// Close pulls the adapter out: the device and its link vanish, and a driver
// holding it gets an error on its next read or write. It does not wait for
// Serve to return (it may be called from the Sim's hooks, on Serve's own
// goroutine); Wait does.
func (p *PTY) Close() error {
	p.closeOnce.Do(func() {
		p.cancel()
		if p.link != "" {
			if target, err := os.Readlink(p.link); err == nil && target == p.path {
				os.Remove(p.link)
			}
		}
		p.master.Close()
		p.slave.Close()
	})
	return nil
}

// Wait blocks until the sim stopped serving this terminal and returns why.
func (p *PTY) Wait() error {
	<-p.done
	return p.err
}

// replaceSymlink points link at target atomically: a driver reopening link
// sees either the old device or the new one, never no file.
func replaceSymlink(target, link string) error {
	tmp := link + ".new"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sim: link %s: %w", link, err)
	}
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("sim: link %s: %w", link, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("sim: link %s: %w", link, err)
	}
	return nil
}

// makeRaw turns off everything a terminal does to bytes (echo, CR/LF
// translation, signals, line editing), as cfmakeraw does: the protocol's
// 0x02, 0x03, 0x0a and 0x0d must pass through unchanged.
func makeRaw(fd int) error {
	t, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return err
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON | unix.IXOFF
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(fd, ioctlSetTermios, t)
}
