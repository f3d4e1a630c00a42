package dms

import (
	"math/big"
)

// maxMoneyMinor caps every amount of money the exchange stores (a price,
// a discount, a line's total, a work order's total) at 10^13 of the
// currency's minor unit: 100 billion roubles, far above any car service's
// bill, and low enough that the sums made of them later (a work order's
// total, a report over a million work orders) stay within int64. Past
// it, arithmetic would wrap around and store a negative total.
const maxMoneyMinor = 1e13

func moneyInRange(v int64) bool { return v >= -maxMoneyMinor && v <= maxMoneyMinor }

// moneyField parses an amount of money like decimalField, and rejects one
// over maxMoneyMinor.
func moneyField(f flexText, path string, scale int, isRequired bool, p *problems) int64 {
	if !f.Set || f.String() == "" {
		return decimalField(f, path, scale, isRequired, p)
	}
	if !short(f.Raw, path, p) {
		return 0
	}
	v, err := parseDecimal(f.String(), scale)
	if err != nil {
		p.add(path, err)
		return 0
	}
	if !moneyInRange(v) {
		p.addf(path, "out of range: %q is more than %d in the currency's minor unit", f.String(), int64(maxMoneyMinor))
		return 0
	}
	return v
}

// lineTotal is qty × unit price − discount with qty in thousandths,
// rounded half away from zero to the minor unit; a total out of range is
// a problem at path. Computed in big integers: qty × price alone can pass
// int64.
func lineTotal(qtyMilli, priceMinor, discountMinor int64, path string, p *problems) int64 {
	gross := new(big.Int).Mul(big.NewInt(qtyMilli), big.NewInt(priceMinor))
	half := big.NewInt(500)
	if gross.Sign() < 0 {
		half.Neg(half)
	}
	total := gross.Add(gross, half).Quo(gross, big.NewInt(1000)) // Quo truncates toward zero
	total.Sub(total, big.NewInt(discountMinor))
	if !total.IsInt64() || !moneyInRange(total.Int64()) {
		p.addf(path, "out of range: qty × unit_price − discount is more than %d in the currency's minor unit", int64(maxMoneyMinor))
		return 0
	}
	return total.Int64()
}
