package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"naryad/hub/store"
	"naryad/templates"
)

// shareRow is one branch's line of the online-payment table, formatted.
type shareRow struct {
	Branch     string
	HandedOver int
	PaidOnline int
	Share      string // "33.3 %", or "—" when nothing was handed over
	Paid       string // "RUB 13,000.00 · €160.00", or "—"
}

// onlineShare loads the period's online-payment share of the branches
// (definitions in hub/store/payment_report.go).
func (h *Handler) onlineShare(ctx context.Context, branchIDs []int64, from, to time.Time) ([]shareRow, error) {
	shares, err := h.store.OnlinePaymentShare(ctx, branchIDs, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]shareRow, 0, len(shares))
	for _, s := range shares {
		r := shareRow{Branch: s.BranchCode, HandedOver: s.HandedOver, PaidOnline: s.PaidOnline, Share: "—", Paid: "—"}
		if s.HandedOver > 0 {
			p := s.SharePermille()
			r.Share = fmt.Sprintf("%d.%d %%", p/10, p%10)
		}
		if len(s.Paid) > 0 {
			sums := make([]string, len(s.Paid))
			for i, a := range s.Paid {
				sums[i] = money(a)
			}
			r.Paid = strings.Join(sums, " · ")
		}
		out = append(out, r)
	}
	return out, nil
}

// money writes an amount as the English pages do, its digit groups held
// together on a narrow screen.
func money(a store.CurrencyAmount) string {
	return strings.ReplaceAll(templates.MoneyText(templates.LocaleEN, a.Minor, a.Currency), " ", "\u00a0")
}
