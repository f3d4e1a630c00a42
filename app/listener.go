package app

import (
	"bytes"
	"fmt"
	"net"
	"sort"
	"sync"
	"time"
)

// Listener is the hub's HTTP listener, made for fasthttp's Shutdown, which
// closes the listener and then waits until no connection is busy, closing
// idle keep-alive ones as it goes. fasthttp counts a connection busy from
// the moment it is accepted, though, before its first byte: one opened and
// left unused — a browser's preconnect, the spare connection an HTTP client
// dialled while another came free — held Shutdown until the server's read
// timeout (60 s), past every shutdown deadline. Closing this listener also
// closes the connections that have sent nothing yet, so a request that had
// not begun when the server stopped fails as on a stopped process.
type Listener struct {
	net.Listener
	mu     sync.Mutex
	conns  map[*conn]struct{}
	closed bool
}

// NewListener wraps ln.
func NewListener(ln net.Listener) *Listener {
	return &Listener{Listener: ln, conns: map[*conn]struct{}{}}
}

// Accept waits for the next connection and keeps it in the open list.
func (l *Listener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	c := &conn{Conn: nc, l: l, opened: time.Now(), expectRequest: true}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed { // accepted as Close ran: it would be the unused kind
		nc.Close()
		return nil, net.ErrClosed
	}
	l.conns[c] = struct{}{}
	return c, nil
}

// Close stops accepting and closes the connections that have not sent a
// byte; the others end as the server finishes with them.
func (l *Listener) Close() error {
	err := l.Listener.Close()
	l.mu.Lock()
	l.closed = true
	var unused []*conn
	for c := range l.conns {
		if !c.spoke() {
			unused = append(unused, c)
		}
	}
	l.mu.Unlock()
	for _, c := range unused {
		c.Close()
	}
	return err
}

// Open describes the connections still open, oldest first: the peer, for
// how long, and the request it sent last (or that it sent nothing), to
// name what a shutdown that timed out was waiting for.
func (l *Listener) Open() []string {
	l.mu.Lock()
	list := make([]*conn, 0, len(l.conns))
	for c := range l.conns {
		list = append(list, c)
	}
	l.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].opened.Before(list[j].opened) })
	out := make([]string, len(list))
	for i, c := range list {
		c.mu.Lock()
		what := "nothing sent"
		if c.request != "" {
			what = "last request " + c.request
		}
		c.mu.Unlock()
		out[i] = fmt.Sprintf("%s, open %s, %s", c.RemoteAddr(), time.Since(c.opened).Round(time.Millisecond), what)
	}
	return out
}

func (l *Listener) forget(c *conn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// conn notes what its peer sent: whether anything, and the first line of
// its latest request (what it sends after an answer), for Open.
type conn struct {
	net.Conn
	l      *Listener
	opened time.Time

	mu            sync.Mutex
	request       string // first line of the latest request, cut short
	sent          bool
	expectRequest bool // nothing read since the last write: the next bytes start a request
	closeOnce     sync.Once
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		c.sent = true
		if c.expectRequest {
			c.expectRequest = false
			line, _, _ := bytes.Cut(p[:min(n, 120)], []byte("\r\n"))
			c.request = string(bytes.ToValidUTF8(line, []byte("?")))
		}
		c.mu.Unlock()
	}
	return n, err
}

func (c *conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.expectRequest = true
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (c *conn) spoke() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent
}

func (c *conn) Close() error {
	err := net.ErrClosed
	c.closeOnce.Do(func() {
		c.l.forget(c)
		err = c.Conn.Close()
	})
	return err
}
