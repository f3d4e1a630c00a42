package sms

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// readLogLines returns the raw lines of the log file, failing on a missing
// trailing newline (a torn last write).
func readLogLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read log: %v", err)
	}
	if len(data) == 0 || data[len(data)-1] != '\n' {
		t.Fatalf("log does not end with a newline: %q", data)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// decodeLogLine checks a line has exactly the keys to, body, thread_id.
func decodeLogLine(t *testing.T, line string) logLine {
	t.Helper()
	var keys map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &keys); err != nil {
		t.Fatalf("line is not JSON: %v: %q", err, line)
	}
	if len(keys) != 3 || keys["to"] == nil || keys["body"] == nil || keys["thread_id"] == nil {
		t.Fatalf("line keys = %v, want exactly to, body, thread_id: %q", keys, line)
	}
	var l logLine
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		t.Fatalf("decode line: %v", err)
	}
	return l
}

func TestLogSendWritesOneLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir", "sms.log")
	p := NewLog(path)
	body := "Ваш автомобиль готов: https://naryad.example/l/abc?x=1&y=2 <ok>"
	tests := []struct {
		name string
		msg  Message
	}{
		{"first", Message{To: "+79161234567", Body: body, ThreadID: 123, MessageID: 7}},
		{"second", Message{To: "+79160000000", Body: "ещё", ThreadID: 9007199254740993, MessageID: 8}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := p.Send(context.Background(), tc.msg)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if want := fmt.Sprintf("log-%d", tc.msg.MessageID); r.ProviderID != want || r.State != StateSent {
				t.Fatalf("receipt = %+v, want ProviderID %q State sent", r, want)
			}
			lines := readLogLines(t, path)
			if len(lines) != i+1 {
				t.Fatalf("log has %d lines, want %d", len(lines), i+1)
			}
			last := lines[i]
			got := decodeLogLine(t, last)
			if got.To != tc.msg.To || got.Body != tc.msg.Body || got.ThreadID != tc.msg.ThreadID {
				t.Fatalf("line = %+v, want %+v", got, tc.msg)
			}
			// Readable by a person: no \u escapes for Cyrillic, & or <.
			if !strings.Contains(last, tc.msg.Body) {
				t.Fatalf("body not written verbatim: %q", last)
			}
		})
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("log file mode = %v, want 0600", perm)
	}
}

func TestLogConcurrentSends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sms.log")
	p := NewLog(path)
	const n = 20
	// A long body makes torn or interleaved writes likely if appends were
	// not whole.
	long := strings.Repeat("длинное сообщение & ссылка ", 200)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := p.Send(context.Background(), Message{To: "+7916000000" + fmt.Sprint(i%10), Body: fmt.Sprintf("%d %s", i, long), ThreadID: int64(1000 + i), MessageID: int64(i)})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	lines := readLogLines(t, path)
	if len(lines) != n {
		t.Fatalf("log has %d lines, want %d", len(lines), n)
	}
	seen := map[int64]bool{}
	for _, line := range lines {
		l := decodeLogLine(t, line)
		i := l.ThreadID - 1000
		if want := fmt.Sprintf("%d %s", i, long); l.Body != want {
			t.Fatalf("thread %d body mangled", l.ThreadID)
		}
		seen[l.ThreadID] = true
	}
	for i := range n {
		if !seen[int64(1000+i)] {
			t.Errorf("thread %d missing from log", 1000+i)
		}
	}
}

func TestLogSendCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sms.log")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewLog(path).Send(ctx, Message{To: "+79161234567", Body: "x"})
	if err == nil || IsPermanent(err) {
		t.Fatalf("Send on cancelled ctx: err = %v, want temporary error", err)
	}
	if _, statErr := os.Stat(path); !os.IsNotExist(statErr) {
		t.Fatalf("cancelled send wrote the log (stat err %v)", statErr)
	}
}

func TestLogSendUnwritable(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// The parent "directory" is a regular file, so MkdirAll fails.
	_, err := NewLog(filepath.Join(blocker, "sms.log")).Send(context.Background(), Message{To: "+79161234567", Body: "x"})
	if err == nil {
		t.Fatal("Send succeeded with an unwritable path")
	}
	if IsPermanent(err) {
		t.Fatalf("write failure classified permanent: %v", err)
	}
}
