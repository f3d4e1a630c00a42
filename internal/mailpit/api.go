package mailpit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Address is a name and an address as Mailpit reports them.
type Address struct {
	Name    string
	Address string
}

// Summary is a message in Mailpit's list.
type Summary struct {
	ID        string // Mailpit's own id, for Message
	MessageID string // the Message-ID header, without brackets
	From      *Address
	To        []Address
	Subject   string
	Created   time.Time
}

// Message is one received e-mail, parsed by Mailpit.
type Message struct {
	ID         string
	MessageID  string
	From       *Address
	To         []Address
	ReplyTo    []Address
	ReturnPath string // the envelope sender (MAIL FROM)
	Username   string // the SMTP login it came with, "" without one
	Subject    string
	Date       time.Time
	Text       string
	HTML       string
	// ListUnsubscribe is Mailpit's reading of the List-Unsubscribe headers.
	ListUnsubscribe struct {
		Header     string
		Links      []string
		Errors     string
		HeaderPost string
	}
	Headers map[string][]string // every header, by canonical name (Message fills it)
	Raw     []byte              // the source as received (Message fills it)
}

// Header is the first value of a header, "" when absent.
func (m Message) Header(name string) string {
	for k, v := range m.Headers {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// Messages lists what Mailpit received, newest first.
func (s *Server) Messages(ctx context.Context) ([]Summary, error) {
	var out struct {
		Messages []Summary `json:"messages"`
	}
	if err := s.getJSON(ctx, "/api/v1/messages?limit=1000", &out); err != nil {
		return nil, err
	}
	return out.Messages, nil
}

// Message reads one received e-mail with its parts, headers and source.
func (s *Server) Message(ctx context.Context, id string) (Message, error) {
	var m Message
	path := "/api/v1/message/" + url.PathEscape(id)
	if err := s.getJSON(ctx, path, &m); err != nil {
		return Message{}, err
	}
	if err := s.getJSON(ctx, path+"/headers", &m.Headers); err != nil {
		return Message{}, err
	}
	raw, err := s.get(ctx, path+"/raw")
	if err != nil {
		return Message{}, err
	}
	m.Raw = raw
	return m, nil
}

// DeleteAll removes every message.
func (s *Server) DeleteAll(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, s.URL+"/api/v1/messages", strings.NewReader("{}"))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	_, err = s.do(req)
	return err
}

// WaitMessage waits until a message with the Message-ID (brackets
// optional) arrived and returns it in full; the test fails after timeout.
func (s *Server) WaitMessage(t testing.TB, messageID string, timeout time.Duration) Message {
	t.Helper()
	messageID = strings.Trim(messageID, "<>")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		list, err := s.Messages(ctx)
		if err == nil {
			for _, sm := range list {
				if sm.MessageID == messageID {
					m, err := s.Message(ctx, sm.ID)
					if err != nil {
						t.Fatalf("mailpit: message %s: %v", sm.ID, err)
					}
					return m
				}
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("mailpit: no message <%s> within %s (last list: %d messages, error %v)", messageID, timeout, len(list), err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (s *Server) getJSON(ctx context.Context, path string, v any) error {
	body, err := s.get(ctx, path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("mailpit GET %s: %w", path, err)
	}
	return nil
}

func (s *Server) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	if err != nil {
		return nil, err
	}
	return s.do(req)
}

func (s *Server) do(req *http.Request) ([]byte, error) {
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("mailpit %s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, fmt.Errorf("mailpit %s %s: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("mailpit %s %s: HTTP %d: %s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	return body, nil
}
