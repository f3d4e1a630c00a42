package yookassa_test

import (
	"testing"

	"naryad/hub"
	"naryad/payments"
	"naryad/payments/yookassa"
)

func TestNewChecksTheSettings(t *testing.T) {
	good := payments.ProviderConfig{Account: "506751", SecretKey: "live_abc"}
	p, err := yookassa.New(good)
	if err != nil {
		t.Fatalf("New(%+v): %v", good, err)
	}
	if p.Name() != hub.ProviderYooKassa {
		t.Errorf("Name() = %q", p.Name())
	}
	for name, edit := range map[string]func(*payments.ProviderConfig){
		"no shop id":         func(c *payments.ProviderConfig) { c.Account = "" },
		"shop id not digits": func(c *payments.ProviderConfig) { c.Account = "shop1" },
		"no key":             func(c *payments.ProviderConfig) { c.SecretKey = "" },
		"a Stripe key":       func(c *payments.ProviderConfig) { c.SecretKey = "sk_test_1" },
		"VAT code 13":        func(c *payments.ProviderConfig) { c.VATCode = 13 },
		"VAT code -1":        func(c *payments.ProviderConfig) { c.VATCode = -1 },
		"tax system 7":       func(c *payments.ProviderConfig) { c.TaxSystem = 7 },
		"base URL not http":  func(c *payments.ProviderConfig) { c.BaseURL = "ftp://x" },
	} {
		cfg := good
		edit(&cfg)
		if _, err := yookassa.New(cfg); err == nil {
			t.Errorf("%s: New(%+v) accepted it", name, cfg)
		}
	}
	for _, key := range []string{"test_abc", "live_abc"} {
		cfg := good
		cfg.SecretKey = key
		cfg.VATCode, cfg.TaxSystem = 12, 6
		if _, err := yookassa.New(cfg); err != nil {
			t.Errorf("New with key %s, VAT 12, tax 6: %v", key, err)
		}
	}
}
