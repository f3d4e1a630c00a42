package admincmd_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"strings"
	"testing"

	"naryad/app/admincmd"
	"naryad/cli"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// runCommand parses args as `naryad <cmd.Name>` would and runs it against
// the backend's database, with stdin.
func runCommand(t *testing.T, cmd cli.Command, b storetest.Backend, stdin string, args ...string) (string, error) {
	t.Helper()
	env := map[string]string{"NARYAD_DATA_DIR": b.DataDir, "NARYAD_DATABASE_URL": b.DatabaseURL}
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := cli.Bind(fs, func(k string) string { return env[k] })
	runner := cmd.Setup(fs, cfg)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := runner(context.Background(), cli.IO{Stdout: &out, Stderr: io.Discard, Stdin: strings.NewReader(stdin)})
	return out.String(), err
}

func TestUserAdd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		ctx := context.Background()
		for _, code := range []string{"MSK1", "SPB1"} {
			br := hub.Branch{Code: code, Name: code, Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
			if err := s.CreateBranch(ctx, &br); err != nil {
				t.Fatal(err)
			}
		}
		cmd := admincmd.UserAddCommand()
		out, err := runCommand(t, cmd, b, "long enough pass\nignored second line\n",
			"--login", "Anna", "--role", "advisor", "--branch", "MSK1", "--branch", "SPB1", "--name", "Анна")
		if err != nil || !strings.Contains(out, "user anna (advisor) created") {
			t.Fatalf("user add: %q %v", out, err)
		}
		u, err := s.UserByLogin(ctx, "anna")
		if err != nil || u.Name != "Анна" || u.Role != store.RoleAdvisor {
			t.Fatalf("stored: %+v %v", u, err)
		}
		if ok, err := staff.VerifyPassword(u.PasswordHash, "long enough pass"); !ok || err != nil {
			t.Fatalf("password from stdin not stored: %v %v", ok, err)
		}
		if ids, _ := s.UserBranches(ctx, u.ID); len(ids) != 2 {
			t.Fatalf("branches %v", ids)
		}
		log, _ := s.AuditLog(ctx, 10)
		if len(log) != 1 || log[0].Action != store.AuditUserAdd || log[0].Subject != "anna" || log[0].UserID != nil {
			t.Fatalf("audit: %+v", log)
		}

		cases := []struct {
			name  string
			stdin string
			args  []string
			want  string
		}{
			{"duplicate login", "long enough pass\n", []string{"--login", "ANNA", "--role", "mechanic", "--branch", "MSK1"}, `"anna" is already taken`},
			{"unknown role", "long enough pass\n", []string{"--login", "bob", "--role", "boss", "--branch", "MSK1"}, `--role: "boss" is not one of admin, advisor, mechanic`},
			{"unknown branch", "long enough pass\n", []string{"--login", "bob", "--role", "mechanic", "--branch", "NOPE"}, `--branch: branch "NOPE": not found`},
			{"no branch", "long enough pass\n", []string{"--login", "bob", "--role", "mechanic"}, "--branch: at least one"},
			{"short password", "short\n", []string{"--login", "bob", "--role", "mechanic", "--branch", "MSK1"}, "at least 10 characters"},
			{"no password", "", []string{"--login", "bob", "--role", "mechanic", "--branch", "MSK1"}, "at least 10 characters"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := runCommand(t, cmd, b, c.stdin, c.args...)
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("error %v, want it to say %q", err, c.want)
				}
			})
		}
		if n, _ := s.CountUsers(ctx); n != 1 {
			t.Fatalf("refused commands created users: %d", n)
		}
	})
}
