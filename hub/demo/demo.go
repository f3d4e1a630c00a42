// Package demo fills a fresh hub with a branch, a DMS token and a few work
// orders, pushed through the real ingest, so a newcomer can look around.
package demo

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"naryad/dms"
	"naryad/hub"
	"naryad/hub/admin"
	"naryad/hub/config"
	"naryad/hub/server"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/locker/wire"
)

// BranchCode is the demo branch.
const BranchCode = "DEMO"

// Command is `naryad demo`.
func Command() config.Command {
	return config.Command{
		Name:    "demo",
		Summary: "create a demo branch, a DMS token and sample work orders; print how to use them",
		Setup: func(fs *flag.FlagSet, cfg *config.Config) config.Runner {
			return func(ctx context.Context, io config.IO) error {
				s, err := server.New(ctx, cfg, io.Log)
				if err != nil {
					return err
				}
				defer s.Close()
				return Load(ctx, s, cfg, io.Stdout)
			}
		},
	}
}

// Load creates the demo data (again, harmlessly, when it exists) and prints
// what a newcomer needs.
func Load(ctx context.Context, s *server.Server, cfg *config.Config, out io.Writer) error {
	st := s.Store()
	branch, err := st.BranchByCode(ctx, BranchCode)
	if errors.Is(err, store.ErrNotFound) {
		branch = hub.Branch{Code: BranchCode, Name: "Автосервис «Наряд»", Country: "RU", TimeZone: "Europe/Moscow",
			Locale: "ru", Phone: "+74951234567", WorkingHours: "Пн–Пт 09:00–20:00, Сб 10:00–16:00"}
		if err := admin.ValidateBranch(&branch); err != nil {
			return err
		}
		err = st.CreateBranch(ctx, &branch)
	}
	if err != nil {
		return err
	}
	// The locker comes before the work orders, so their customers get
	// drop-off codes as they would at a branch with one.
	lockerToken, err := demoLocker(ctx, st, branch)
	if err != nil {
		return err
	}
	token, node, err := dms.CreateNode(ctx, st, "demo-1c", BranchCode)
	if err != nil {
		return err
	}
	// Every run is a new node, so the fixed event ids apply again and each
	// run shows fresh threads; the work orders belong to that node.
	// 1C writes local times without an offset: so does the demo.
	results, err := s.Ingester().Apply(ctx, node, sampleEvents(time.Now().In(branch.Location())))
	if err != nil {
		return err
	}
	for _, r := range results {
		if r.Result == store.EventRejected {
			return fmt.Errorf("demo event %s rejected: %s", r.ID, r.Error)
		}
	}
	login, pin, err := demoAdvisor(ctx, st, branch)
	if err != nil {
		return err
	}
	if err := printGuide(ctx, out, s, cfg, node, token, login); err != nil {
		return err
	}
	printLockerGuide(out, cfg, lockerToken, pin)
	return nil
}

// demoLocker sets up a one-board key locker at the demo branch when it has
// none and returns its kiosk token ("" when it existed: the token was
// shown then).
func demoLocker(ctx context.Context, st *store.Store, branch hub.Branch) (string, error) {
	sites, err := st.LockerSites(ctx, []int64{branch.ID})
	if err != nil || len(sites) > 0 {
		return "", err
	}
	token, _, err := admin.CreateLockerSite(ctx, st, branch, "Ключница у входа", 1, wire.SizeM)
	return token, err
}

// printLockerGuide tells how to run the demo kiosk on simulated boards,
// the first time only (the token and the PIN are shown once).
func printLockerGuide(out io.Writer, cfg *config.Config, token, pin string) {
	if token == "" {
		return
	}
	tty := filepath.Join(cfg.DataDir, "locker-tty")
	fmt.Fprintf(out, `
Key locker (shown once), each command in a terminal of its own:
  ./bin/naryad locker sim --boards 1 --link %s      # simulated lock board; type "item 0 1 1", "close 0 1"
  ./bin/naryad kiosk --port %s --hub %s --token %s --data-dir %s
  then open http://%s/ : drop-off codes are in the SMS log`, tty, tty, cfg.BaseURL(), token, cfg.DataDir, cfg.KioskAddr)
	if pin != "" {
		fmt.Fprintf(out, "; staff PIN of advisor: %s", pin)
	}
	fmt.Fprintln(out)
}

// demoAdvisor creates an advisor account for the demo branch when the hub
// has no accounts yet, with a kiosk PIN, and returns the sign-in line and
// the PIN to print (both "" when accounts existed: their secrets are
// theirs).
func demoAdvisor(ctx context.Context, st *store.Store, branch hub.Branch) (signIn, pin string, err error) {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", "", err
	}
	password, err := dms.NewToken() // 256 random bits, printable
	if err != nil {
		return "", "", err
	}
	password = strings.TrimPrefix(password, "nrd_")[:16]
	u, err := staff.AddUser(ctx, st, staff.NewUser{Login: "advisor", Name: "Ольга Смирнова", Role: store.RoleAdvisor,
		Password: password, BranchIDs: []int64{branch.ID}}, nil)
	if err != nil {
		return "", "", err
	}
	if pin, err = wire.NewCode(); err != nil {
		return "", "", err
	}
	if err := admin.SetLockerPIN(ctx, st, u, pin); err != nil {
		return "", "", err
	}
	return "advisor / " + password, pin, nil
}

func printGuide(ctx context.Context, out io.Writer, s *server.Server, cfg *config.Config, node hub.DMSNode, token, signIn string) error {
	w, err := s.Store().WorkOrderByNumber(ctx, node.ID, "АА-000101")
	if err != nil {
		return err
	}
	t, err := s.Store().ThreadByWorkOrder(ctx, w.ID)
	if err != nil {
		return err
	}
	l, err := s.Store().ActiveMagicLink(ctx, t.ID)
	if err != nil {
		return err
	}
	base := cfg.BaseURL()
	fmt.Fprintf(out, `
naryad demo data is ready (branch %s, DMS node %q).

  Hub:               %s  (health: %s/healthz)
  SMS sent so far:   %s  (one JSON line per SMS, links included)
  Customer link of work order АА-000101: %s

  Push an event the way 1C does:
    curl -s -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \
      -d '{"events":[{"id":"try-1","type":"work_order","occurred_at":"%s","work_order":{"number":"АА-000101","version":10,"branch":"%s","status":"Готов","customer":{"external_id":"C-1","name":"Иван Петров","phones":["+79161234567"]}}}]}' \
      %s/api/dms/v1/events

  Read the change feed:
    curl -s -H 'Authorization: Bearer %s' '%s/api/dms/v1/changes?after=0'

DMS token (shown once):
%s
`, BranchCode, node.Name, base, base, filepath.Join(cfg.DataDir, "sms.log"), s.Links().URL(l.Salt),
		token, time.Now().UTC().Format(time.RFC3339), BranchCode, base, token, base, token)
	if signIn != "" {
		fmt.Fprintf(out, "\nAdvisor sign-in at %s/login (shown once): %s\n", base, signIn)
	}
	fmt.Fprintf(out, `
WhatsApp (needs the internet and a phone; docs/whatsapp.md):
  ./bin/naryad whatsapp link --account reception --branch %s --data-dir %s   # scan the QR with WhatsApp > Linked devices
`, BranchCode, cfg.DataDir)
	return nil
}

// sampleEvents are three work orders at different stages, as 1C would push them.
func sampleEvents(now time.Time) []json.RawMessage {
	at := now.Add(-2 * time.Hour).Format("2006-01-02T15:04:05")
	promised := now.Add(6 * time.Hour).Format("2006-01-02T15:04:05")
	raw := []string{
		`{"id":"demo-1","type":"work_order","occurred_at":"` + at + `","work_order":{"number":"АА-000101","version":1,"branch":"DEMO","status":"В работе",
		  "customer":{"external_id":"C-1","name":"Иван Петров","phones":["8 (916) 123-45-67"],"locale":"ru"},
		  "vehicle":{"external_id":"V-1","vin":"XW8ZZZ1ZZKG000001","plate":"А123ВС77","make":"Škoda","model":"Octavia","year":"2019","mileage_km":"95 000"},
		  "advisor":{"external_id":"E-7","name":"Ольга Смирнова"},"promised_at":"` + promised + `","currency":"RUB","paid":false,
		  "lines":[{"id":"1","kind":"работа","name":"Замена масла","qty":"1","unit_price":"1 500,00","total":"1 500,00"},
		           {"id":"2","kind":"товар","name":"Масло 5W-30, 4 л","qty":1,"unit_price":"4 200,00"},
		           {"id":"3","kind":"part","name":"Передние тормозные колодки","qty":1,"unit_price":"6 800,00","needs_approval":true},
		           {"id":"4","kind":"labor","name":"Замена колодок","qty":"1,5","unit_price":"1 200,00","needs_approval":"true"}]}}`,
		`{"id":"demo-2","type":"work_order","occurred_at":"` + at + `","work_order":{"number":"АА-000102","version":3,"branch":"DEMO","status":"Ожидаем запчасть",
		  "customer":{"external_id":"C-2","name":"ООО «Вектор»","phones":["+7 903 765-43-21"]},
		  "vehicle":{"external_id":"V-2","vin":"WVWZZZ1KZ8W000002","plate":"М456ОР99","make":"Volkswagen","model":"Tiguan","year":2021,"mileage_km":41200},
		  "currency":"RUB","lines":[{"id":"1","kind":"labor","name":"Диагностика подвески","qty":1,"unit_price":2500}]}}`,
		`{"id":"demo-3","type":"work_order","occurred_at":"` + at + `","work_order":{"number":"АА-000103","version":7,"branch":"DEMO","status":"Готов","paid":"Да",
		  "customer":{"external_id":"C-3","name":"Anna Kowalska","phones":["+48 601 234 567"],"locale":"pl"},
		  "vehicle":{"external_id":"V-3","plate":"WX12345","make":"Toyota","model":"Corolla","year":2018,"mileage_km":120500},
		  "currency":"RUB","lines":[{"id":"1","kind":"labor","name":"ТО-60","qty":1,"unit_price":"12 000"}]}}`,
		`{"id":"demo-4","type":"message","occurred_at":"` + at + `","message":{"work_order_number":"АА-000101","text":"Нашли износ тормозных колодок, отправили смету на согласование.","author":"Ольга Смирнова"}}`,
	}
	out := make([]json.RawMessage, len(raw))
	for i, r := range raw {
		out[i] = json.RawMessage(r)
	}
	return out
}
