package demo_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/app/demo"
	"naryad/hub"
	"naryad/hub/store/storetest"
	"naryad/templates"
)

var demoLoanLink = regexp.MustCompile(`The customer's link \(shown once\): https://hub\.example\.test/l/(nrd_\S+)`)

// The demo offers its Moscow Kia Rio on АА-000101 once: the first run
// prints the customer's link, which opens the loan; the thread has the
// offer's line; a second run leaves the loan as it is.
func TestDemoOffersACourtesyCarOnce(t *testing.T) {
	h := apptest.Start(t, storetest.SQLite(t))
	ctx := context.Background()
	guide := load(t, h, time.Now())
	m := demoLoanLink.FindStringSubmatch(guide)
	if m == nil {
		t.Fatalf("the guide has no courtesy-car link:\n%s", guide)
	}
	l, err := h.Store.LoanByToken(ctx, m[1])
	if err != nil || l.State != hub.LoanOffered || l.CustomerName != "Иван Петров" || l.OfferedBy == "" || !l.DueBackAt.After(l.HandoverAt) {
		t.Fatalf("the demo loan %+v %v", l, err)
	}
	msgs, err := h.Store.Messages(ctx, l.ThreadID)
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, msg := range msgs {
		if msg.TextKey == templates.SysLoanOffered && strings.Contains(msg.Text("ru"), "Kia Rio А 102 АА 777") {
			lines++
		}
	}
	if lines != 1 {
		t.Fatalf("%d offer lines in the thread, want 1", lines)
	}
	if again := load(t, h, time.Now()); strings.Contains(again, "Courtesy car:") {
		t.Fatalf("a second run offered the car again:\n%s", again)
	}
	b, err := h.Store.BranchByCode(ctx, demo.BranchCode)
	if err != nil {
		t.Fatal(err)
	}
	var open int64
	if err := h.Store.Gorm(ctx).Table("loans").Where("branch_id = ? AND state = ?", b.ID, hub.LoanOffered).Count(&open).Error; err != nil || open != 1 {
		t.Fatalf("%d open loans after two runs, want 1 (%v)", open, err)
	}
}
