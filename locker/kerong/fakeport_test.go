package kerong_test

import (
	"errors"
	"sync"
	"time"

	"naryad/locker/kerong"
)

// fakePort is a scripted line for the faults a pseudo-terminal cannot
// produce on cue: silence, noise, corrupt or misaddressed replies, failed
// writes. answer returns the bytes "the bus" sends back for each frame the
// driver writes (nil = silence); failWrite may fail a write, either before
// the frame reached the bus or after (delivered: the board got it anyway).
type fakePort struct {
	answer    func(req kerong.Request) []byte
	failWrite func(req kerong.Request) (delivered bool, err error)

	mu      sync.Mutex
	written []kerong.Request
	pending []byte
	timeout time.Duration
}

func (p *fakePort) Write(b []byte) (int, error) {
	req, at, ok := kerong.ScanRequest(b)
	if !ok || at != 0 || len(b) != kerong.RequestLen {
		return 0, errors.New("fake port: driver wrote something that is not one request")
	}
	var failed error
	if p.failWrite != nil {
		delivered, err := p.failWrite(req)
		if err != nil && !delivered {
			return 0, err
		}
		failed = err
	}
	p.mu.Lock()
	p.written = append(p.written, req)
	p.mu.Unlock()
	var reply []byte
	if p.answer != nil {
		reply = p.answer(req)
	}
	p.mu.Lock()
	p.pending = append(p.pending, reply...)
	p.mu.Unlock()
	if failed != nil {
		return 0, failed
	}
	return len(b), nil
}

// Read returns what is pending or, like go.bug.st/serial, 0 bytes and no
// error after the read timeout.
func (p *fakePort) Read(b []byte) (int, error) {
	p.mu.Lock()
	if len(p.pending) == 0 {
		t := p.timeout
		p.mu.Unlock()
		time.Sleep(t)
		return 0, nil
	}
	defer p.mu.Unlock()
	n := copy(b, p.pending)
	p.pending = p.pending[n:]
	return n, nil
}

func (p *fakePort) SetReadTimeout(t time.Duration) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.timeout = t
	return nil
}

func (p *fakePort) ResetInputBuffer() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pending = nil
	return nil
}

func (p *fakePort) Close() error { return nil }

// requests returns the frames written with command cmd.
func (p *fakePort) requests(cmd byte) []kerong.Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []kerong.Request
	for _, r := range p.written {
		if r.Cmd == cmd {
			out = append(out, r)
		}
	}
	return out
}

// script answers successive state requests with the given replies in order,
// then with silence.
func script(replies ...[]byte) func(kerong.Request) []byte {
	var mu sync.Mutex
	return func(req kerong.Request) []byte {
		mu.Lock()
		defer mu.Unlock()
		if req.Cmd != kerong.CmdState || len(replies) == 0 {
			return nil
		}
		r := replies[0]
		replies = replies[1:]
		return r
	}
}
