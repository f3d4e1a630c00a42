package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// Log is the default provider: instead of sending, it appends one JSON line
// per SMS to a file, so a newcomer can open the customer link from
// data/sms.log without any SMS account.
type Log struct {
	path string
	mu   sync.Mutex // serialises appends so lines never interleave
}

var _ Provider = (*Log)(nil)

// NewLog returns a provider that appends to path, creating it and its
// directories on first send.
func NewLog(path string) *Log { return &Log{path: path} }

// Name identifies the provider in errors and logs.
func (l *Log) Name() string { return "log" }

// logLine fixes the keys of a line; readers (and people) rely on exactly these.
type logLine struct {
	To       string `json:"to"`
	Body     string `json:"body"`
	ThreadID int64  `json:"thread_id"`
}

// Send appends the message as one line. The file is opened per send and
// synced before Send returns, so a crash right after cannot lose the line and
// a rotated or deleted file is simply recreated.
func (l *Log) Send(ctx context.Context, m Message) (Receipt, error) {
	if err := ctx.Err(); err != nil {
		return Receipt{}, &Error{Provider: l.Name(), Message: "send cancelled", Err: err}
	}
	line, err := encodeLogLine(m)
	if err != nil {
		return Receipt{}, &Error{Provider: l.Name(), Permanent: true, Message: "encode message", Err: err}
	}
	if err := l.appendLine(line); err != nil {
		// A full disk or a permission problem may be fixed by an operator
		// while the outbox is still retrying.
		return Receipt{}, &Error{Provider: l.Name(), Message: "write " + l.path, Err: err}
	}
	return Receipt{ProviderID: "log-" + strconv.FormatInt(m.MessageID, 10), State: StateSent}, nil
}

// encodeLogLine keeps Cyrillic as UTF-8 and leaves & < > unescaped so links
// in the body stay copy-pasteable.
func encodeLogLine(m Message) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(logLine{To: m.To, Body: m.Body, ThreadID: m.ThreadID}); err != nil {
		return nil, fmt.Errorf("encode log line: %w", err)
	}
	return buf.Bytes(), nil // Encode already ended the line with '\n'
}

// appendLine writes the whole line with one write call and syncs it.
func (l *Log) appendLine(line []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	// 0700/0600: the lines carry phone numbers and magic links.
	if err := os.MkdirAll(filepath.Dir(l.path), 0o700); err != nil {
		return fmt.Errorf("append sms log: %w", err)
	}
	f, err := os.OpenFile(l.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("append sms log: %w", err)
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return fmt.Errorf("append sms log: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("append sms log: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("append sms log: close: %w", err)
	}
	return nil
}
