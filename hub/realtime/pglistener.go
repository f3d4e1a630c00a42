package realtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"naryad/hub"
)

// ListenerOptions tune a PGListener; zero values take the defaults.
type ListenerOptions struct {
	Timeout        time.Duration                   // limit of connecting with LISTEN, of a health check and of closing; default 10 s
	HealthInterval time.Duration                   // a connection quiet this long is pinged; default 1 min
	Backoff        func(attempt int) time.Duration // wait before the attempt-th reconnection in a row; default DefaultListenerBackoff
	Logger         *slog.Logger                    // default slog.Default()
}

const (
	defaultListenTimeout  = 10 * time.Second
	defaultHealthInterval = time.Minute
)

func (o ListenerOptions) withDefaults() ListenerOptions {
	if o.Timeout <= 0 {
		o.Timeout = defaultListenTimeout
	}
	if o.HealthInterval <= 0 {
		o.HealthInterval = defaultHealthInterval
	}
	if o.Backoff == nil {
		o.Backoff = DefaultListenerBackoff
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// DefaultListenerBackoff waits 250 ms before the first reconnection,
// doubling each time up to 30 s, with ±20 % jitter (applied after the cap)
// so instances that lost the database together do not return together.
func DefaultListenerBackoff(attempt int) time.Duration {
	return hub.Backoff(attempt, 250*time.Millisecond, 30*time.Second)
}

// PGListener holds one dedicated PostgreSQL connection listening on a
// channel and calls wake on every notification, and after every
// (re)connection, so that whatever committed while it was not listening is
// read too. It reconnects with backoff when the connection drops.
type PGListener struct {
	url     string
	channel string
	wake    func()
	opts    ListenerOptions
	log     *slog.Logger
	pid     atomic.Uint32
	running atomic.Bool
}

// NewPGListener makes a listener on channel (store.PostgresEventChannel())
// of the database at databaseURL; wake must not block.
func NewPGListener(databaseURL, channel string, wake func(), opts ListenerOptions) *PGListener {
	opts = opts.withDefaults()
	return &PGListener{url: databaseURL, channel: channel, wake: wake, opts: opts, log: opts.Logger}
}

// PID is the server process id of the listening connection, 0 while
// disconnected.
func (l *PGListener) PID() uint32 { return l.pid.Load() }

// Run listens until ctx ends, then returns nil. Only an unusable database
// URL ends it early, with an error.
func (l *PGListener) Run(ctx context.Context) error {
	if !l.running.CompareAndSwap(false, true) {
		return errors.New("realtime: listener is already running")
	}
	defer l.running.Store(false)
	cfg, err := pgx.ParseConfig(l.url)
	if err != nil {
		return fmt.Errorf("realtime: listener database url: %w", err)
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "naryad realtime listener"
	}
	attempt := 0
	for {
		err := l.listen(ctx, cfg, func() { attempt = 0 })
		if ctx.Err() != nil {
			return nil
		}
		attempt++
		wait := l.opts.Backoff(attempt)
		l.log.Warn("realtime listener disconnected", "channel", l.channel, "attempt", attempt, "retry_in", wait, "error", err)
		if !sleepCtx(ctx, wait) {
			return nil
		}
	}
}

// listen connects, listens and wakes until the connection fails or ctx
// ends; connected is called once LISTEN is in place.
func (l *PGListener) listen(ctx context.Context, cfg *pgx.ConnConfig, connected func()) error {
	conn, err := l.connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer l.close(ctx, conn)
	l.pid.Store(conn.PgConn().PID())
	defer l.pid.Store(0)
	connected()
	l.wake() // read whatever committed while nobody listened
	for {
		wctx, cancel := context.WithTimeout(ctx, l.opts.HealthInterval)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			l.wake()
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			if err := l.ping(ctx, conn); err != nil {
				return err
			}
		default:
			return fmt.Errorf("realtime: wait for notification on %s: %w", l.channel, err)
		}
	}
}

// connect opens the connection and issues LISTEN, within the timeout.
func (l *PGListener) connect(ctx context.Context, cfg *pgx.ConnConfig) (*pgx.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, l.opts.Timeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("realtime: connect listener: %w", err)
	}
	if _, err := conn.Exec(cctx, "LISTEN "+pgx.Identifier{l.channel}.Sanitize()); err != nil {
		l.close(ctx, conn)
		return nil, fmt.Errorf("realtime: listen on %s: %w", l.channel, err)
	}
	return conn, nil
}

// ping checks that a quiet connection is still alive: a connection whose
// peer vanished without a word would otherwise wait forever.
func (l *PGListener) ping(ctx context.Context, conn *pgx.Conn) error {
	pctx, cancel := context.WithTimeout(ctx, l.opts.Timeout)
	defer cancel()
	if err := conn.Ping(pctx); err != nil {
		return fmt.Errorf("realtime: ping listener connection: %w", err)
	}
	return nil
}

// close ends the connection, even after ctx ended, within the timeout.
func (l *PGListener) close(ctx context.Context, conn *pgx.Conn) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.opts.Timeout)
	defer cancel()
	_ = conn.Close(cctx) // the connection is being abandoned either way
}

// sleepCtx waits d; false when ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
