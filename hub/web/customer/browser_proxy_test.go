package customer_test

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// brCutProxy stands between the browser and the hub like a mobile network:
// cut drops every open event stream mid-flight (the TCP connection dies
// without the stream's end) and holds reconnecting streams until restore,
// as a phone in a tunnel would. It records what each stream carried.
type brCutProxy struct {
	URL string

	mu      sync.Mutex
	back    chan struct{} // closed by restore; nil while up
	open    map[*brStream]context.CancelFunc
	streams []*brStream // every /events request, in order of arrival
	waiting int         // /events requests held while down
}

// brStream is one /events request through the proxy.
type brStream struct {
	lastEventID string // the Last-Event-ID header the browser sent

	mu   sync.Mutex
	body strings.Builder // what reached the browser
}

// ids are the event ids the stream delivered to the browser, in order.
func (s *brStream) ids() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int64
	for _, line := range strings.Split(s.body.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "id: "); ok {
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

func brNewCutProxy(t *testing.T, target string) *brCutProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{
		Rewrite:       func(r *httputil.ProxyRequest) { r.SetURL(u); r.Out.Host = r.In.Host },
		FlushInterval: -1,
		ErrorLog:      log.New(io.Discard, "", 0),
	}
	p := &brCutProxy{open: map[*brStream]context.CancelFunc{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/events") {
			rp.ServeHTTP(w, r)
			return
		}
		p.serveStream(rp, w, r)
	}))
	p.URL = srv.URL
	t.Cleanup(func() {
		// End open streams and release held ones, so Close does not wait
		// for a browser that keeps its stream open.
		p.cut()
		p.restore()
		srv.Close()
	})
	return p
}

func (p *brCutProxy) serveStream(rp *httputil.ReverseProxy, w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	if back := p.back; back != nil {
		p.waiting++
		p.mu.Unlock()
		select {
		case <-back:
		case <-r.Context().Done():
			return
		}
		p.mu.Lock()
	}
	s := &brStream{lastEventID: r.Header.Get("Last-Event-ID")}
	ctx, cancel := context.WithCancel(r.Context())
	p.open[s] = cancel
	p.streams = append(p.streams, s)
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.open, s)
		p.mu.Unlock()
		cancel()
	}()
	// A cancelled upstream read makes the proxy abort the connection to
	// the browser (http.ErrAbortHandler): a dropped stream, not an ended one.
	rp.ServeHTTP(&brRecorder{ResponseWriter: w, s: s}, r.WithContext(ctx))
}

// cut drops every open event stream and holds new ones until restore.
func (p *brCutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.back == nil {
		p.back = make(chan struct{})
	}
	for _, cancel := range p.open {
		cancel()
	}
}

// restore lets held and new streams through to the hub again.
func (p *brCutProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.back != nil {
		close(p.back)
		p.back = nil
	}
	p.waiting = 0
}

// snapshot returns the streams so far, the number open and the number
// held at the cut.
func (p *brCutProxy) snapshot() (streams []*brStream, open, waiting int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*brStream(nil), p.streams...), len(p.open), p.waiting
}

// brRecorder copies what the proxy writes to the browser into the stream.
type brRecorder struct {
	http.ResponseWriter
	s *brStream
}

func (r *brRecorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.s.mu.Lock()
	r.s.body.Write(b[:n])
	r.s.mu.Unlock()
	return n, err
}

// Unwrap lets the proxy flush every event as it comes.
func (r *brRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
