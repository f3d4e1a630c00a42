package csvimport_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/dms/csvimport"
	"naryad/hub"
	"naryad/hub/store/storetest"
)

func TestParseAcceptsWhatExcelWrites(t *testing.T) {
	// Semicolons, a BOM, columns in another order, dotted dates, a blank line.
	file := "\xef\xbb\xbfCustomer_ID;item_id;customer_name;phone;kind;title;expires_on;locale\n" +
		"C-1;GPS-1;Анна Смирнова;+7 916 123-45-67;subscription;GPS-трекер А123ВС77;31.03.2027;ru\n" +
		"\n" +
		"C-1;GPS-2;Анна Смирнова;+7 916 123-45-67;subscription;GPS-трекер В456ОР77;2027-04-01;\n"
	rows, problems, err := csvimport.Parse(strings.NewReader(file))
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	if len(rows) != 2 || rows[0].ExpiresOn != "2027-03-31" || rows[0].CustomerID != "C-1" || rows[1].Line != 4 || rows[0].Locale != "ru" {
		t.Fatalf("rows = %+v", rows)
	}
}

func TestParseReportsEveryProblemAndNothingElse(t *testing.T) {
	for name, tc := range map[string]struct{ file, want string }{
		"missing column": {"item_id,customer_id,customer_name,phone,kind,title\n", "the header lacks expires_on"},
		"empty":          {"", "the file is empty"},
		"bad rows": {"item_id,customer_id,customer_name,phone,kind,title,expires_on\n" +
			"I-1,C-1,Ann,+48601234567,warranty,Gearbox,2027-02-30\n" +
			"I-1,C-1,Ann,+48601234567,warranty,,2027-02-01\n",
			"line 2: expires_on \"2027-02-30\" is not a date|line 3: title is empty|line 3: item_id \"I-1\" is already on line 2"},
	} {
		t.Run(name, func(t *testing.T) {
			_, problems, err := csvimport.Parse(strings.NewReader(tc.file))
			if err == nil && len(problems) > 0 {
				err = problems
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range strings.Split(tc.want, "|") {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}

func TestImportStoresOnceAndUpdatesARenewal(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		file := filepath.Join(t.TempDir(), "items.csv")
		write := func(body string) {
			t.Helper()
			if err := os.WriteFile(file, []byte("item_id,customer_id,customer_name,phone,kind,title,expires_on\n"+body), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		run := func() (string, error) {
			t.Helper()
			var out strings.Builder
			err := runCommand(t, h.Config, &out, "--file", file, "--node", h.Node.Name)
			return out.String(), err
		}
		write("GPS-1,C-1,Анна Смирнова,+79161234567,subscription,GPS А123ВС77,2027-03-31\n" +
			"GPS-2,C-1,Анна Смирнова,+79161234567,subscription,GPS В456ОР77,2027-04-01\n")
		if out, err := run(); err != nil || !strings.Contains(out, "2 items: 2 stored or updated, 0 unchanged, 0 rejected") {
			t.Fatalf("first import: %v\n%s", err, out)
		}
		if out, err := run(); err != nil || !strings.Contains(out, "0 stored or updated, 2 unchanged") {
			t.Fatalf("the same file again: %v\n%s", err, out)
		}
		write("GPS-1,C-1,Анна Смирнова,+79161234567,subscription,GPS А123ВС77,2028-03-31\n")
		if out, err := run(); err != nil || !strings.Contains(out, "1 stored or updated") {
			t.Fatalf("a renewal: %v\n%s", err, out)
		}
		var got []struct{ ExternalID, ExpiresOn string }
		if err := h.Store.Gorm(ctx).Raw("SELECT external_id, expires_on FROM expiring_items ORDER BY external_id").Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ExpiresOn != "2028-03-31" || got[1].ExpiresOn != "2027-04-01" {
			t.Fatalf("stored items = %+v", got)
		}

		// A bad phone anywhere: nothing of the file is stored.
		write("GPS-3,C-2,Piotr,+79161234568,warranty,Gearbox,2027-05-01\n" +
			"GPS-4,C-3,Jan,12,warranty,Gearbox,2027-05-01\n")
		if _, err := run(); err == nil || !strings.Contains(err.Error(), `line 3: phone: not a valid phone number: "12"`) {
			t.Fatalf("a bad phone: %v", err)
		}
		var n int64
		h.Store.Gorm(ctx).Raw("SELECT count(*) FROM expiring_items").Scan(&n)
		if n != 2 {
			t.Fatalf("%d items after a refused file, want 2", n)
		}
	})
}

// Every bad line of a file is reported in one run, whatever made it bad:
// the file's shape (a date) and what the exchange refuses (a phone, a
// branch code, a control character). Nothing of it is stored.
func TestImportReportsEveryBadLineAtOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		file := filepath.Join(t.TempDir(), "items.csv")
		body := "item_id,customer_id,customer_name,phone,kind,title,expires_on,branch\n" +
			"GPS-1,C-1,Анна,+79161234567,gps,GPS А123ВС77,31.02.2027,\n" +
			"GPS-2,C-2,Пётр,12,gps,GPS В456ОР77,2027-04-01,\n" +
			"GPS-3,C-3,Jan,+79161234568,gps,GPS,2027-04-01,NOPE\n" +
			"GPS-4,C-4,\"Ян\x00\",+79161234569,gps,GPS,2027-04-01,MSK1\n" +
			"GPS-5,C-5,,+79161234560,gps,GPS,2027-04-01,MSK1\n"
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		err := runCommand(t, h.Config, &out, "--file", file, "--node", h.Node.Name)
		if err == nil {
			t.Fatalf("no error:\n%s", out.String())
		}
		for _, want := range []string{
			`line 2: expires_on "31.02.2027" is not a date`,
			`line 3: phone: not a valid phone number: "12"`,
			`line 4: branch: unknown branch "NOPE"`,
			`line 5: customer_name: contains the control character U+0000`,
			`line 6: customer_name is empty`,
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q:\n%v", want, err)
			}
		}
		if n := strings.Count(err.Error(), "line 2:"); n != 1 {
			t.Errorf("line 2 reported %d times:\n%v", n, err)
		}
		var n int64
		h.Store.Gorm(t.Context()).Raw("SELECT count(*) FROM expiring_items").Scan(&n)
		if n != 0 {
			t.Fatalf("%d items stored from a refused file", n)
		}
	})
}

// The branch column places the items (and their customers) for the
// reminders when the node serves several branches.
func TestImportBranchColumnPlacesTheItems(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		spb := hub.Branch{Code: "SPB1", Name: "Невский", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := h.Store.CreateBranch(ctx, &spb); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "items.csv")
		body := "item_id;customer_id;customer_name;phone;kind;title;expires_on;branch\n" +
			"GPS-1;C-1;Анна;+79161234567;gps;GPS А123ВС77;2027-03-31;SPB1\n"
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := runCommand(t, h.Config, &strings.Builder{}, "--file", file, "--node", h.Node.Name); err != nil {
			t.Fatal(err)
		}
		items, err := h.Store.ExpiringItemsOfBranch(ctx, spb.ID, "2027-01-01", "2027-12-31")
		if err != nil || len(items) != 1 || items[0].Title != "GPS А123ВС77" {
			t.Fatalf("items of SPB1 = %+v, %v", items, err)
		}
	})
}

func TestImportNeedsALiveNode(t *testing.T) {
	h := apptest.Start(t, storetest.SQLite(t))
	file := filepath.Join(t.TempDir(), "items.csv")
	os.WriteFile(file, []byte("item_id,customer_id,customer_name,phone,kind,title,expires_on\nI,C,N,+79161234567,k,t,2027-01-01\n"), 0o600)
	err := runCommand(t, h.Config, &strings.Builder{}, "--file", file, "--node", "no-such-node")
	if err == nil || !strings.Contains(err.Error(), `no live DMS node "no-such-node"`) {
		t.Fatalf("unknown node: %v", err)
	}
}

// runCommand runs `naryad items import` with args against the hub's
// configuration, as the binary would.
func runCommand(t *testing.T, cfg *cli.Config, out *strings.Builder, args ...string) error {
	t.Helper()
	fs := flagSet()
	c := *cfg
	runner := csvimport.Command().Setup(fs, &c)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return runner(context.Background(), cli.IO{Stdout: out, Stderr: out, Log: discard()})
}
