package kerong

import (
	"log/slog"
	"time"
)

// Options tune the driver; the zero value is the default for a KR-CU16 bus.
type Options struct {
	// ReplyTimeout is how long one state request waits for its reply
	// (default 300 ms; a board answers within a few milliseconds).
	ReplyTimeout time.Duration
	// Retries is how many more times a state request is sent after a
	// timeout, a bad reply or a line error (0 = default 3, negative = none).
	Retries int
	// OpenTimeout is how long Unlock reads the board after its pulse, waiting
	// for the lock to read open (default 1 s).
	OpenTimeout time.Duration
	// Reconnect is how long one request waits for a device that vanished
	// (USB adapter pulled) to come back at the same path (default 3 s).
	Reconnect time.Duration
	// SetMeansOpen: the boards report a set lock bit as open. Public drivers
	// disagree; the default is "set = closed".
	SetMeansOpen bool
	// Logger gets retries and reconnects (default: discarded).
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.ReplyTimeout <= 0 {
		o.ReplyTimeout = 300 * time.Millisecond
	}
	switch {
	case o.Retries == 0:
		o.Retries = 3
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.OpenTimeout <= 0 {
		o.OpenTimeout = time.Second
	}
	if o.Reconnect <= 0 {
		o.Reconnect = 3 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}
