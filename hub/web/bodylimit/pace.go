package bodylimit

import (
	"io"
	"net"
	"time"
)

// pace is the slowest a large body may arrive: after grace, bytesPerSecond
// on average since the gate started reading it. A body that falls behind
// is cut, so a caller trickling a byte every few seconds gives its share
// of the budget back instead of holding it for as long as it likes.
type pace struct {
	bytesPerSecond int
	grace          time.Duration
}

// due is when the first `bytes` bytes of a body begun at start must have
// arrived.
func (p pace) due(start time.Time, bytes int) time.Time {
	return start.Add(p.grace + time.Duration(float64(bytes)/float64(p.bytesPerSecond)*float64(time.Second)))
}

// pacedReader reads a body from its connection with a read deadline at the
// moment its next byte is due. The server's own ReadTimeout no longer
// applies to it: a large body at a steady rate may take longer than that,
// a stalled one is cut sooner.
type pacedReader struct {
	r     io.Reader
	conn  net.Conn
	pace  pace
	start time.Time
	got   int
}

func (p *pacedReader) Read(b []byte) (int, error) {
	// An error only means a connection without deadlines (an in-memory
	// one in tests): nothing to pace there.
	_ = p.conn.SetReadDeadline(p.pace.due(p.start, p.got+1))
	n, err := p.r.Read(b)
	p.got += n
	return n, err
}
