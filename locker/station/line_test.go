//go:build linux || darwin

package station_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"naryad/lockerwire"
)

// hubLine is the network between a kiosk and the hub: a reverse proxy
// that forwards each sync, notes what crossed it, and on request loses one
// answer after the hub has stored the batch, as a connection dropped on the
// way back would. The kiosk is pointed at URL.
type hubLine struct {
	URL    string
	target string
	client *http.Client

	mu        sync.Mutex
	delivered map[string]int          // event ID → syncs that brought it to the hub
	kinds     map[string]string       // event ID → kind
	state     lockerwire.SyncResponse // the last answer that carried the kiosk's caches
	loseNext  bool                    // lose the answer to the next sync with events
	lost      int                     // answers lost
	answered  int                     // answers that reached the kiosk
	lastSent  int                     // events of the last sync answered to the kiosk
}

func newHubLine(t *testing.T, target string) *hubLine {
	l := &hubLine{target: target, client: &http.Client{Timeout: 10 * time.Second},
		delivered: map[string]int{}, kinds: map[string]string{}}
	srv := httptest.NewServer(l)
	t.Cleanup(srv.Close)
	l.URL = srv.URL
	return l
}

func (l *hubLine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req lockerwire.SyncRequest
	_ = json.Unmarshal(body, &req) // not a sync: forwarded all the same
	out, err := http.NewRequestWithContext(r.Context(), r.Method, l.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	out.Header = r.Header.Clone()
	resp, err := l.client.Do(out)
	if err != nil {
		http.Error(w, "hub unreachable: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, "hub answer cut: "+err.Error(), http.StatusBadGateway)
		return
	}
	if l.note(req, resp.StatusCode, answer) {
		// The hub has stored the batch; the kiosk never hears so.
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(answer)
}

// note records one sync that reached the hub and tells whether its answer
// is to be lost.
func (l *hubLine) note(req lockerwire.SyncRequest, status int, answer []byte) (lose bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if status != http.StatusOK {
		return false
	}
	for _, e := range req.Events {
		l.delivered[e.ID]++
		l.kinds[e.ID] = e.Kind
	}
	if l.loseNext && len(req.Events) > 0 {
		l.loseNext = false
		l.lost++
		return true
	}
	var resp lockerwire.SyncResponse
	if json.Unmarshal(answer, &resp) == nil && !resp.Unchanged {
		l.state = resp
	}
	l.answered++
	l.lastSent = len(req.Events)
	return false
}

// loseNextAnswer arms the line to lose the answer to the next sync that
// carries events.
func (l *hubLine) loseNextAnswer() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.loseNext = true
}

// answers is how many answers reached the kiosk so far.
func (l *hubLine) answers() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.answered
}

// caughtUp tells whether, after answer number since, the kiosk got an
// answer to a sync with no events: everything it had was taken.
func (l *hubLine) caughtUp(since int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.answered > since && l.lastSent == 0
}

// events returns every event the hub got, by ID, with its kind.
func (l *hubLine) events() map[string]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]string, len(l.kinds))
	for id, k := range l.kinds {
		out[id] = k
	}
	return out
}

// sentAgain counts the events the hub got more than once.
func (l *hubLine) sentAgain() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.delivered {
		if c > 1 {
			n++
		}
	}
	return n
}

func (l *hubLine) lostAnswers() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost
}

// workOrder is the work order as the hub last described it to the kiosk.
func (l *hubLine) workOrder(id int64) (lockerwire.WorkOrder, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, w := range l.state.WorkOrders {
		if w.ID == id {
			return w, true
		}
	}
	return lockerwire.WorkOrder{}, false
}

func (l *hubLine) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return fmt.Sprintf("line: %d answers, %d lost, last sync carried %d events, %d events delivered",
		l.answered, l.lost, l.lastSent, len(l.delivered))
}
