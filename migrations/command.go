package migrations

import (
	"context"
	"database/sql"
	"fmt"
	"io"
)

// Command runs `naryad migrate up|down|status` against an open database.
func Command(ctx context.Context, db *sql.DB, dialect Dialect, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: naryad migrate up|down|status")
	}
	switch args[0] {
	case "up":
		if err := Up(ctx, db, dialect); err != nil {
			return err
		}
	case "down":
		if err := Down(ctx, db, dialect); err != nil {
			return err
		}
	case "status":
	default:
		return fmt.Errorf("migrate: unknown action %q (want up, down or status)", args[0])
	}
	list, err := List(ctx, db, dialect)
	if err != nil {
		return err
	}
	for _, s := range list {
		state := "pending"
		if s.Applied {
			state = "applied"
		}
		fmt.Fprintf(stdout, "%05d %-8s %s\n", s.Version, state, s.Name)
	}
	return nil
}
