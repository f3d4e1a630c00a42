package yookassa

import (
	"encoding/json"
	"errors"
	"math/big"
	"strings"

	"naryad/hub"
	"naryad/payments"
)

// Receipt limits of YooKassa: an item's description is at most 128
// characters, a receipt has at most 80 items (YooKassa's own receipts;
// third-party cash registers take 100), the customer's name 256.
const (
	maxItemDescription = 128
	maxItems           = 80
	maxFullName        = 256
)

// buildReceipt makes the 54-FZ receipt of a payment or refund of
// amountMinor: the lines as items adding up to the amount, the VAT code on
// every item, and the customer's phone or e-mail (one is required).
func buildReceipt(c payments.ReceiptCustomer, lines []payments.ReceiptLine, amountMinor int64, currency string, vatCode, taxSystem int) (*receipt, error) {
	customer := receiptCustomer{
		FullName: hub.TruncateRunes(strings.TrimSpace(c.Name), maxFullName),
		Phone:    digits(c.Phone),
		Email:    strings.TrimSpace(c.Email),
	}
	if customer.Phone == "" && customer.Email == "" {
		return nil, errors.New("the fiscal receipt needs the customer's phone or e-mail")
	}
	fitted, err := fitLines(lines, amountMinor)
	if err != nil {
		return nil, err
	}
	r := &receipt{Customer: customer, TaxSystemCode: taxSystem}
	for _, l := range fitted {
		subject := "service"
		if l.Kind == hub.LinePart {
			subject = "commodity"
		}
		desc := hub.TruncateRunes(strings.Join(strings.Fields(l.Description), " "), maxItemDescription)
		if desc == "" {
			desc = "Услуга"
			if subject == "commodity" {
				desc = "Товар"
			}
		}
		r.Items = append(r.Items, receiptItem{
			Description: desc,
			// Quantity 1 at the line's total keeps the item exact: a
			// unit price of total/quantity would need rounding.
			Quantity:       json.Number("1.000"),
			Amount:         amount{Value: formatAmount(l.AmountMinor), Currency: currency},
			VATCode:        vatCode,
			PaymentMode:    "full_payment",
			PaymentSubject: subject,
		})
	}
	return r, nil
}

// fitLines returns receipt lines whose amounts add up to amountMinor
// exactly, as YooKassa demands. The lines with a positive amount are kept
// as they are when they already add up (the usual case); otherwise (the
// DMS sent an amount due apart from the lines, a discount line, rounding)
// each is scaled by amount/sum, rounded down, and what rounding left is
// folded into the largest line. Lines that come to zero are dropped, and
// beyond maxItems the rest is merged into one last line.
func fitLines(lines []payments.ReceiptLine, amountMinor int64) ([]payments.ReceiptLine, error) {
	if amountMinor <= 0 {
		return nil, errors.New("the receipt's amount must be positive")
	}
	var kept []payments.ReceiptLine
	sum := new(big.Int)
	for _, l := range lines {
		if l.AmountMinor > 0 {
			kept = append(kept, l)
			sum.Add(sum, big.NewInt(l.AmountMinor))
		}
	}
	if len(kept) == 0 {
		return nil, errors.New("the receipt needs at least one line with a positive amount")
	}
	if !sum.IsInt64() || sum.Int64() != amountMinor {
		total := big.NewInt(amountMinor)
		var scaled int64
		largest := 0
		for i := range kept {
			if kept[i].AmountMinor > kept[largest].AmountMinor {
				largest = i
			}
		}
		for i := range kept {
			v := new(big.Int).Mul(big.NewInt(kept[i].AmountMinor), total)
			v.Quo(v, sum)
			kept[i].AmountMinor = v.Int64() // ≤ amountMinor, so it fits
			scaled += kept[i].AmountMinor
		}
		kept[largest].AmountMinor += amountMinor - scaled
		nonzero := kept[:0]
		for _, l := range kept {
			if l.AmountMinor > 0 {
				nonzero = append(nonzero, l)
			}
		}
		kept = nonzero
	}
	if len(kept) > maxItems {
		rest := payments.ReceiptLine{Description: "Прочие работы и запчасти по заказу", QtyMilli: 1000, Kind: hub.LinePart}
		for _, l := range kept[maxItems-1:] {
			rest.AmountMinor += l.AmountMinor
			if l.Kind != hub.LinePart {
				rest.Kind = hub.LineLabor
			}
		}
		kept = append(kept[:maxItems-1:maxItems-1], rest)
	}
	return kept, nil
}

// digits keeps a phone's digits: YooKassa takes the E.164 number without
// the plus ("79001234567").
func digits(phone string) string {
	var b strings.Builder
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
