package cli

import (
	"context"
	"flag"
	"io"
	"log/slog"
)

// Command is one `naryad` subcommand. Setup registers the command's own flags
// beside the shared configuration flags and returns what runs once they are
// parsed and the configuration is valid.
type Command struct {
	Name    string // words after "naryad", e.g. "branch add"
	Summary string
	Setup   func(fs *flag.FlagSet, cfg *Config) Runner
}

// Runner executes a parsed command.
type Runner func(ctx context.Context, io IO) error

// IO is where a command writes.
type IO struct {
	Stdout io.Writer
	Stderr io.Writer
	Stdin  io.Reader
	Log    *slog.Logger
}

// NewLogger builds the process logger from the configuration.
func NewLogger(c *Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel)) // validated before
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
