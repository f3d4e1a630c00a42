package store

import (
	"context"
	"flag"

	"naryad/cli"
	"naryad/migrations"
)

// MigrateCommand is `naryad migrate up|down|status`.
func MigrateCommand() cli.Command {
	return cli.Command{
		Name:    "migrate",
		Summary: "apply (up), roll back one (down) or list (status) schema migrations",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			return func(ctx context.Context, io cli.IO) error {
				s, err := Connect(ctx, cfg.DatabaseURL, cfg.DataDir)
				if err != nil {
					return err
				}
				defer s.Close()
				db, err := s.SQL()
				if err != nil {
					return err
				}
				return migrations.Command(ctx, db, s.dialect, fs.Args(), io.Stdout)
			}
		},
	}
}

// With opens (and migrates) the configured database for one command, runs
// fn and closes it.
func With(ctx context.Context, cfg *cli.Config, fn func(s *Store) error) error {
	s, err := Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s)
}
