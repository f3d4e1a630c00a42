package admincmd

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"naryad/cli"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// UserAddCommand is `naryad user add`: a staff account, its password read
// from the first line of stdin so it stays out of shell history.
func UserAddCommand() cli.Command {
	return cli.Command{
		Name:    "user add",
		Summary: "create a staff account (password from stdin)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			login := fs.String("login", "", "login to sign in with (required)")
			role := fs.String("role", "", "admin, advisor or mechanic (required)")
			name := fs.String("name", "", "name shown to colleagues")
			var branches stringList
			fs.Var(&branches, "branch", "branch code the user works at; repeat for several (at least one)")
			return func(ctx context.Context, io cli.IO) error {
				var problems []string
				if strings.TrimSpace(*login) == "" {
					problems = append(problems, "--login: required")
				}
				if !slices.Contains(store.Roles, *role) {
					problems = append(problems, fmt.Sprintf("--role: %q is not one of %s", *role, strings.Join(store.Roles, ", ")))
				}
				if len(branches) == 0 {
					problems = append(problems, "--branch: at least one branch code is required")
				}
				if len(problems) > 0 {
					return errors.New("invalid user:\n  " + strings.Join(problems, "\n  "))
				}
				password, err := readPassword(io.Stdin)
				if err != nil {
					return err
				}
				return store.With(ctx, cfg, func(s *store.Store) error {
					var ids []int64
					for _, code := range branches {
						b, err := s.BranchByCode(ctx, code)
						if err != nil {
							return fmt.Errorf("--branch: %w", err)
						}
						ids = append(ids, b.ID)
					}
					u, err := staff.AddUser(ctx, s, staff.NewUser{Login: *login, Name: *name, Role: *role, Password: password, BranchIDs: ids}, nil)
					if errors.Is(err, store.ErrLoginTaken) {
						return fmt.Errorf("--login: %q is already taken", store.NormalizeLogin(*login))
					}
					if err != nil {
						return err
					}
					fmt.Fprintf(io.Stdout, "user %s (%s) created with id %d for %s\n", u.Login, u.Role, u.ID, strings.Join(branches, ", "))
					return nil
				})
			}
		},
	}
}

// readPassword takes the first line of r, without its line ending.
func readPassword(r io.Reader) (string, error) {
	if r == nil {
		return "", errors.New("password: expected on the first line of stdin")
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if len([]rune(line)) < staff.MinPasswordLen {
		return "", fmt.Errorf("password (first line of stdin): at least %d characters", staff.MinPasswordLen)
	}
	return line, nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return errors.New("empty value")
	}
	*l = append(*l, v)
	return nil
}
