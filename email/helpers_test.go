package email_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"naryad/email"
	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

const testSecret = "0123456789abcdef0123456789abcdef-test"

// world is a branch's thread with the deployment's mail settings.
type world struct {
	storetest.Fixture
	store  *store.Store
	addrs  *hub.MailAddresses
	sealer *hub.Sealer
}

func newWorld(t *testing.T, s *store.Store) world {
	t.Helper()
	addrs, err := hub.NewMailAddresses(testSecret, "reply.example.pl")
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := hub.NewSealer(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return world{Fixture: storetest.NewFixture(t, s), store: s, addrs: addrs, sealer: sealer}
}

// queue writes an e-mail to the thread as the reminders will.
func (w world) queue(t *testing.T, to, subject, text, html, unsubscribe string) hub.Message {
	t.Helper()
	m, err := w.store.QueueMessage(context.Background(), store.Outgoing{
		ThreadID: w.Thread.ID, Channel: hub.ChannelEmail, Recipient: to, Body: text,
		ConsentPhone: w.Thread.Phone, TemplateKey: "expiry",
		Email: &hub.MessageEmail{
			Subject: subject, HTML: html, ReplyTo: w.addrs.ThreadReply(w.Thread.ID),
			UnsubscribeURL: unsubscribe, HeaderID: fmt.Sprintf("%d.%d@reply.example.pl", w.Thread.ID, time.Now().UnixNano()),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (w world) saveSender(t *testing.T, b hub.BranchEmailSettings) {
	t.Helper()
	b.BranchID = w.Branch.ID
	if err := w.store.SaveBranchEmailSettings(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

// sender is an SMTP sender to host:port without TLS or login.
func (w world) sender(t *testing.T, host string, port int) *email.Sender {
	t.Helper()
	s, err := email.NewSender(w.store, email.Options{
		SMTP:      email.SMTP{Host: host, Port: port, Security: email.SecurityNone, Timeout: 5 * time.Second},
		Addresses: w.addrs, DefaultFrom: "noreply@example.pl", Sealer: w.sealer,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// run runs an e-mail pool (with the SMS fallback) until the test ends.
func (w world) run(t *testing.T, sender outbox.Sender, opts outbox.Options) {
	t.Helper()
	opts.PollInterval = 10 * time.Millisecond
	if opts.Backoff == nil {
		opts.Backoff = func(int) time.Duration { return 0 }
	}
	opts.SendTimeout = 10 * time.Second
	opts.Logger = quiet()
	opts.Reroute = email.NewFallback(w.store, nil, email.FallbackOptions{Logger: quiet()})
	pool, err := outbox.New(w.store, map[string]outbox.Sender{hub.ChannelEmail: sender}, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = pool.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// waitDelivery waits until the message has left the queue.
func waitDelivery(t *testing.T, s *store.Store, id int64) hub.Message {
	t.Helper()
	return storetest.WaitDelivery(t, s, id, 20*time.Second)
}

// refusingServer is a tiny SMTP server (go-smtp) that refuses recipients
// by their local part: "nobody" with 550 5.1.1, "later" with 451 4.2.0;
// everything else it takes and keeps.
type refusingServer struct {
	Host string
	Port int

	mu   sync.Mutex
	got  []string // the recipients of accepted messages
	rcpt int      // RCPT commands seen
}

func startRefusingServer(t *testing.T) *refusingServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &refusingServer{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &refusingSession{srv: r}, nil }))
	srv.Domain = "refuser.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return r
}

func (r *refusingServer) rcpts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rcpt
}

type refusingSession struct {
	srv *refusingServer
	to  string
}

func (s *refusingSession) Reset()        { s.to = "" }
func (s *refusingSession) Logout() error { return nil }
func (s *refusingSession) Mail(string, *smtp.MailOptions) error {
	return nil
}

func (s *refusingSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.srv.mu.Lock()
	s.srv.rcpt++
	s.srv.mu.Unlock()
	switch {
	case strings.HasPrefix(to, "nobody@"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here"}
	case strings.HasPrefix(to, "later@"):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 2, 0}, Message: "mailbox busy, try later"}
	}
	s.to = to
	return nil
}

func (s *refusingSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	if s.to == "" {
		return errors.New("no recipient")
	}
	s.srv.mu.Lock()
	s.srv.got = append(s.srv.got, s.to)
	s.srv.mu.Unlock()
	return nil
}
