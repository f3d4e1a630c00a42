package csvimport_test

import (
	"flag"
	"io"
	"log/slog"
)

func flagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("items import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
