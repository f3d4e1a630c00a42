package admincmd_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"naryad/app/admincmd"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/lockerwire"
)

func TestLockerSiteCommands(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		ctx := t.Context()
		br := hub.Branch{Code: "MSK1", Name: "Москва", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := s.CreateBranch(ctx, &br); err != nil {
			t.Fatal(err)
		}
		out, err := runCommand(t, admincmd.LockerSiteAddCommand(), b, "", "--branch", "MSK1", "--name", "Main", "--boards", "2", "--size", "l")
		if err != nil {
			t.Fatalf("site add: %v", err)
		}
		m := regexp.MustCompile(`(?m)^naryad kiosk --port /dev/ttyUSB0 --hub (\S+) --token (\S+)$`).FindStringSubmatch(out)
		if m == nil || !strings.Contains(out, "32 compartments") {
			t.Fatalf("site add printed %q", out)
		}
		site, err := s.LockerSiteByTokenHash(ctx, hub.HashToken(m[2]))
		if err != nil || site.Name != "Main" || site.BranchID != br.ID {
			t.Fatalf("printed token does not find the site: %+v %v", site, err)
		}
		if strings.Contains(site.TokenHash, m[2]) {
			t.Fatal("token stored in clear")
		}
		comps, err := s.LockerCompartments(ctx, site.ID)
		if err != nil || len(comps) != 32 {
			t.Fatalf("compartments %d %v", len(comps), err)
		}
		for _, c := range comps {
			if want := fmt.Sprint(c.Board*16 + c.Lock); c.Label != want || c.Size != lockerwire.SizeL {
				t.Fatalf("board %d lock %d: label %q size %q, want label %q size L", c.Board, c.Lock, c.Label, c.Size, want)
			}
		}

		out, err = runCommand(t, admincmd.LockerSitesCommand(), b, "")
		if err != nil || !regexp.MustCompile(fmt.Sprintf(`(?m)^%d\s+MSK1\s+Main\s+32\s+never$`, site.ID)).MatchString(out) {
			t.Fatalf("sites: %q %v", out, err)
		}

		cases := []struct {
			name string
			args []string
			want string
		}{
			{"no boards", []string{"--branch", "MSK1", "--name", "Yard"}, "--boards: 0 is not between 1 and 16"},
			{"too many boards", []string{"--branch", "MSK1", "--name", "Yard", "--boards", "17"}, "--boards: 17"},
			{"bad size", []string{"--branch", "MSK1", "--name", "Yard", "--boards", "1", "--size", "XL"}, `--size: "XL"`},
			{"no name", []string{"--branch", "MSK1", "--boards", "1"}, "--name: required"},
			{"unknown branch", []string{"--branch", "NOPE", "--name", "Yard", "--boards", "1"}, `--branch: branch "NOPE": not found`},
			{"same name", []string{"--branch", "MSK1", "--name", "Main", "--boards", "1"}, "name already used"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := runCommand(t, admincmd.LockerSiteAddCommand(), b, "", c.args...)
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("error %v, want it to say %q", err, c.want)
				}
			})
		}
		if sites, _ := s.LockerSites(ctx, []int64{br.ID}); len(sites) != 1 {
			t.Fatalf("refused commands created sites: %+v", sites)
		}

		if _, err := runCommand(t, admincmd.LockerSiteRevokeCommand(), b, "", "--id", fmt.Sprint(site.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LockerSiteByTokenHash(ctx, hub.HashToken(m[2])); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoked token still finds the site: %v", err)
		}
		if _, err := runCommand(t, admincmd.LockerSiteRevokeCommand(), b, "", "--id", fmt.Sprint(site.ID)); err == nil || !strings.Contains(err.Error(), "no live locker site") {
			t.Fatalf("revoking twice: %v", err)
		}
		log, _ := s.AuditLog(ctx, 10)
		if len(log) != 2 || log[0].Action != store.AuditLockerSiteRevoke || log[1].Action != store.AuditLockerSiteAdd || !strings.Contains(log[1].Detail, "boards=2") {
			t.Fatalf("audit: %+v", log)
		}
	})
}

func TestLockerPINSet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		u := store.User{Login: "misha", Name: "Миша", Role: store.RoleMechanic, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &u, []int64{f.Branch.ID}); err != nil {
			t.Fatal(err)
		}
		pinOf := func() store.LockerStaffPINRow {
			t.Helper()
			rows, err := s.LockerStaffPINs(ctx, f.Branch.ID)
			if err != nil || len(rows) != 1 {
				t.Fatalf("pins %+v %v", rows, err)
			}
			return rows[0]
		}

		out, err := runCommand(t, admincmd.LockerPINSetCommand(), b, "", "--login", "MISHA")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		generated := lines[len(lines)-1]
		if !regexp.MustCompile(`^\d{6}$`).MatchString(generated) {
			t.Fatalf("generated PIN not printed as 6 digits: %q", out)
		}
		row := pinOf()
		if row.Salt == "" || !lockerwire.Matches(row.Hash, row.Salt, generated) || strings.Contains(row.Hash, generated) {
			t.Fatalf("stored %+v does not match printed PIN %s", row, generated)
		}

		if _, err := runCommand(t, admincmd.LockerPINSetCommand(), b, "", "--login", "misha", "--pin", "4321"); err != nil {
			t.Fatal(err)
		}
		again := pinOf()
		if !lockerwire.Matches(again.Hash, again.Salt, "4321") || lockerwire.Matches(again.Hash, again.Salt, generated) || again.Salt == row.Salt {
			t.Fatalf("PIN not replaced with a fresh salt: %+v (was %+v)", again, row)
		}

		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--login", "misha", "--pin", "123"}, "--pin: 4 to 8 digits"},
			{[]string{"--login", "misha", "--pin", "123456789"}, "--pin: 4 to 8 digits"},
			{[]string{"--login", "misha", "--pin", "12a4"}, "--pin: 4 to 8 digits"},
			{[]string{"--login", "nobody"}, `--login: user "nobody": not found`},
			{[]string{"--pin", "1234"}, "--login: required"},
		} {
			if _, err := runCommand(t, admincmd.LockerPINSetCommand(), b, "", c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%v: error %v, want %q", c.args, err, c.want)
			}
		}
		if still := pinOf(); still.Hash != again.Hash {
			t.Fatal("a refused command changed the PIN")
		}
		log, _ := s.AuditLog(ctx, 10)
		if len(log) != 2 || log[0].Action != store.AuditLockerPIN || log[0].Subject != "misha" {
			t.Fatalf("audit: %+v", log)
		}
	})
}
