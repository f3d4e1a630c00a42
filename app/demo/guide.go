package demo

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"naryad/app"
	"naryad/cli"
	"naryad/hub"
)

// printGuide prints where everything is and how to try it; example is the
// status-change batch the curl command sends.
func printGuide(ctx context.Context, out io.Writer, s *app.Server, cfg *cli.Config, node hub.DMSNode, token, example string, acct account) error {
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
naryad demo data is ready (branches %s in Moscow and %s in Warsaw, DMS node %q).

  Hub:               %s  (health: %s/healthz)
  SMS sent so far:   %s  (one JSON line per SMS, links included)
  Customer link of work order АА-000101: %s

  Push a status change the way 1C does: АА-000101 is now «Готов». Parts of the
  work order an event leaves out keep what is stored (docs/exchange.md):
    curl -s -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' --data-binary @- \
      %s/api/dms/v1/events <<'EOF'
%s
EOF

  Read the change feed:
    curl -s -H 'Authorization: Bearer %s' '%s/api/dms/v1/changes?after=0'

DMS token (shown once):
%s
`, BranchCode, PolishBranchCode, node.Name, base, base, filepath.Join(cfg.DataDir, "sms.log"), s.Links().URL(l.Salt),
		token, base, example, token, base, token)
	if acct.login != "" {
		fmt.Fprintf(out, `
Sign-in at %s/login (shown once): %s / %s
  an admin of both branches: inbox, /mechanic, /reports, /lockers and /admin
`, base, acct.login, acct.password)
	}
	fmt.Fprintf(out, `
WhatsApp (needs the internet and a phone; docs/whatsapp.md):
  ./bin/naryad whatsapp link --account reception --branch %s --data-dir %s   # scan the QR with WhatsApp > Linked devices
`, BranchCode, cfg.DataDir)
	return nil
}
