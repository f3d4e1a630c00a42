package inbox_test

import (
	"bufio"
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub/store/storetest"
)

// sseFrame is one event of the inbox stream, or a comment (id 0).
type sseFrame struct {
	id      int64
	event   string
	data    string
	comment string
}

// sseConn is an open /inbox/events stream on a real socket.
type sseConn struct {
	t      *testing.T
	resp   *http.Response
	frames chan sseFrame
}

func openEvents(t *testing.T, base string, b *browser, query, lastEventID string) *sseConn {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/inbox/events"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.AddCookies(req)
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		resp.Body.Close()
		t.Fatalf("open stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &sseConn{t: t, resp: resp, frames: make(chan sseFrame, 100)}
	go func() {
		defer close(s.frames)
		r := bufio.NewReader(resp.Body)
		var f sseFrame
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "":
				s.frames <- f
				f = sseFrame{}
			case strings.HasPrefix(line, ":"):
				f.comment = strings.TrimSpace(line[1:])
			case strings.HasPrefix(line, "id: "):
				f.id, _ = strconv.ParseInt(line[4:], 10, 64)
			case strings.HasPrefix(line, "event: "):
				f.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				f.data = line[6:]
			}
		}
	}()
	t.Cleanup(s.close)
	return s
}

func (s *sseConn) close() { s.resp.Body.Close() }

// frameWait bounds the wait for a frame that should come: generous, as
// a busy machine may take seconds, and no passing test waits it out.
const frameWait = 60 * time.Second

// next waits for the next frame.
func (s *sseConn) next() sseFrame {
	s.t.Helper()
	select {
	case f, ok := <-s.frames:
		if !ok {
			s.t.Fatal("stream ended")
		}
		return f
	case <-time.After(frameWait):
		s.t.Fatalf("no frame within %v", frameWait)
	}
	return sseFrame{}
}

// until collects the thread events up to and including the first one of
// thread, checking ids only grow.
func (s *sseConn) until(thread int64) []sseFrame {
	s.t.Helper()
	var got []sseFrame
	for {
		f := s.next()
		if f.id == 0 {
			continue
		}
		if f.event != "thread" {
			s.t.Fatalf("frame %+v: want event thread", f)
		}
		if n := len(got); n > 0 && f.id <= got[n-1].id {
			s.t.Fatalf("event %d after %d", f.id, got[n-1].id)
		}
		got = append(got, f)
		if f.data == strconv.FormatInt(thread, 10) {
			return got
		}
	}
}

// waitReplayed waits for the end of the replay.
func (s *sseConn) waitReplayed() []sseFrame {
	s.t.Helper()
	var got []sseFrame
	for {
		f := s.next()
		if f.comment == "replayed" {
			return got
		}
		if f.id != 0 {
			got = append(got, f)
		}
	}
}

var eventsAttr = regexp.MustCompile(`data-events="/inbox/events\?after=(\d+)"`)

func TestInboxStreamsOwnBranchEventsAndResumes(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		anna := w.signIn(t, "anna")
		base := h.Run(t)
		_, page := anna.Do(http.MethodGet, "/inbox", nil)
		m := eventsAttr.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("list page has no data-events with a position:\n%s", page)
		}
		_, threadPage := anna.Do(http.MethodGet, "/inbox/threads/"+strconv.FormatInt(w.a.ID, 10), nil)
		if !eventsAttr.MatchString(threadPage) || !strings.Contains(threadPage, `src="/static/i/inbox.js?v=`) {
			t.Fatal("thread page has no data-events position or script")
		}
		own, other := strconv.FormatInt(w.a.ID, 10), strconv.FormatInt(w.b.ID, 10)

		// Live: another branch's event first, then the own branch's.
		s := openEvents(t, base, anna, "?after="+m[1], "")
		s.waitReplayed()
		h.PushWorkOrder(t, "e3", "ЗН-2", 2, "В работе", map[string]any{"branch": "SPB1"})
		h.PushWorkOrder(t, "e4", "ЗН-1", 2, "В работе", nil)
		got := s.until(w.a.ID)
		for _, f := range got {
			if f.data != own {
				t.Fatalf("stream sent %+v, want only thread %s (not %s)", f, own, other)
			}
		}
		last := got[len(got)-1].id
		s.close()

		// Reconnect after more happened: replayed from the database, once.
		// The hub goes on appending by itself meanwhile (the outbox sends
		// e4's SMS and records its delivery whenever it gets to it), so the
		// replay is held against the log as read before and after it: at
		// least what was there before, and a prefix of what is there after.
		h.PushWorkOrder(t, "e5", "ЗН-2", 3, "В работе", map[string]any{"branch": "SPB1"})
		h.PushWorkOrder(t, "e6", "ЗН-1", 3, "В работе", nil)
		before := ownEventIDs(t, h, last)
		if len(before) == 0 {
			t.Fatalf("no own branch events after %d", last)
		}
		s2 := openEvents(t, base, anna, "?after=0", strconv.FormatInt(last, 10))
		var replayed []int64
		for _, f := range s2.waitReplayed() {
			if f.data != own {
				t.Fatalf("replay sent %+v, want only thread %s", f, own)
			}
			replayed = append(replayed, f.id)
		}
		after := ownEventIDs(t, h, last)
		if len(replayed) < len(before) || len(replayed) > len(after) || !slices.Equal(replayed, after[:len(replayed)]) {
			t.Fatalf("replayed %v; the log held %v before and %v after: want each event once, in order", replayed, before, after)
		}
		// And live again after the replay, without repeats.
		h.PushWorkOrder(t, "e7", "ЗН-1", 4, "В работе", nil)
		if f := s2.until(w.a.ID); f[0].id <= replayed[len(replayed)-1] {
			t.Fatalf("live event %+v repeats the replay %v", f[0], replayed)
		}
	})
}

// ownEventIDs lists the ids of the hub branch's events after id after.
func ownEventIDs(t *testing.T, h *apptest.Hub, after int64) []int64 {
	t.Helper()
	evs, err := h.Store.BranchEventsAfter(context.Background(), []int64{h.Branch.ID}, after, 100)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(evs))
	for i, ev := range evs {
		ids[i] = ev.ID
	}
	return ids
}

func TestInboxStreamNeedsSignIn(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		base := h.Run(t)
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noRedirect.Get(base + "/inbox/events?after=0")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK || strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("anonymous stream: %d", resp.StatusCode)
		}
	})
}

// Two advisors on one thread, connected to different instances on one
// PostgreSQL: a reply sent through one instance reaches the other's stream.
func TestInboxReplyReachesAdvisorOnAnotherInstance(t *testing.T) {
	backends := storetest.Backends(t)
	if len(backends) < 2 {
		t.Skip(storetest.EnvPostgresURL + " is not set: several instances need PostgreSQL")
	}
	a := apptest.Start(t, backends[1])
	w := newWorld(t, a)
	b := a.Another(t)
	a.Run(t)
	baseB := b.Run(t)
	anna, boris := w.signIn(t, "anna"), w.signIn(t, "boris")

	s := openEvents(t, baseB, anna, "", "") // no position: from now on
	s.waitReplayed()
	resp, _ := post(boris, "/inbox/threads/"+strconv.FormatInt(w.a.ID, 10)+"/messages", "text", "Готово к выдаче")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply through instance A: %d", resp.StatusCode)
	}
	s.until(w.a.ID)
}
