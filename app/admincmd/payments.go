package admincmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/lockerhub"
	"naryad/payments"
	"naryad/templates"
)

// Environment variables the provider's secrets may come from instead of
// a file flag; a secret is never a plain flag value (it would show in the
// process list and the shell's history).
const (
	EnvPaymentSecretKey     = "NARYAD_PAYMENT_SECRET_KEY"     // or NARYAD_PAYMENT_SECRET_KEY_FILE
	EnvPaymentWebhookSecret = "NARYAD_PAYMENT_WEBHOOK_SECRET" // or NARYAD_PAYMENT_WEBHOOK_SECRET_FILE
)

// PaymentsSetCommand is `naryad payments set`: a branch's payment provider
// and credentials, checked and sealed as on /admin (payments.Service's
// Configure); it prints the webhook address to paste into the provider's
// dashboard. getenv reads the secrets' variables; providers are the
// provider packages the binary has (app.PaymentProviders).
func PaymentsSetCommand(getenv func(string) string, providers map[string]payments.Factory) cli.Command {
	return cli.Command{
		Name:    "payments set",
		Summary: "set a branch's online payment provider (stripe, yookassa) and its credentials",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			branch := fs.String("branch", "", "branch code (required)")
			var setup hub.PaymentSetup
			fs.StringVar(&setup.Provider, "provider", "", "stripe or yookassa (required)")
			fs.StringVar(&setup.Account, "account", "", "YooKassa's shop id; Stripe needs none")
			secretFile := fs.String("secret-key-file", "", "file holding the API secret key (or "+EnvPaymentSecretKey+"(_FILE)); empty keeps the stored one")
			webhookFile := fs.String("webhook-secret-file", "", "file holding Stripe's webhook signing secret whsec_… (or "+EnvPaymentWebhookSecret+"(_FILE))")
			fs.StringVar(&setup.Methods, "methods", "", "comma-separated payment methods, e.g. card,blik,p24; empty: the provider's defaults for the currency")
			fs.IntVar(&setup.VATCode, "vat-code", 0, "YooKassa receipt vat_code of every line, 1-12; 0: no fiscal receipt")
			fs.IntVar(&setup.TaxSystem, "tax-system", 0, "YooKassa receipt tax_system_code, 1-6; 0: not sent")
			return func(ctx context.Context, io cli.IO) error {
				if strings.TrimSpace(*branch) == "" {
					return errors.New("--branch: required")
				}
				if strings.TrimSpace(setup.Provider) == "" {
					return errors.New("--provider: required (stripe or yookassa)")
				}
				var err error
				if setup.SecretKey, err = secretFrom(*secretFile, EnvPaymentSecretKey, getenv); err != nil {
					return fmt.Errorf("--secret-key-file: %w", err)
				}
				if setup.WebhookSecret, err = secretFrom(*webhookFile, EnvPaymentWebhookSecret, getenv); err != nil {
					return fmt.Errorf("--webhook-secret-file: %w", err)
				}
				return withPayments(ctx, cfg, providers, func(s *store.Store, svc *payments.Service) error {
					b, err := s.BranchByCode(ctx, *branch)
					if err != nil {
						return fmt.Errorf("--branch: %w", err)
					}
					if err := svc.Configure(ctx, b.ID, setup); err != nil {
						return err
					}
					if err := s.Audit(ctx, store.AuditEntry{Action: store.AuditAdminChanged, Subject: "branch " + b.Code + " payments",
						Detail: "provider " + strings.ToLower(strings.TrimSpace(setup.Provider))}); err != nil {
						return err
					}
					url, err := svc.WebhookURL(ctx, b.ID)
					if err != nil {
						return err
					}
					fmt.Fprintf(io.Stdout, "branch %s takes online payments by %s. Webhook address for the provider's dashboard:\n%s\n",
						b.Code, strings.ToLower(strings.TrimSpace(setup.Provider)), url)
					if bp, err := s.BranchPayment(ctx, b.ID); err == nil && bp.Provider == hub.ProviderStripe && bp.WebhookSealed == "" {
						// The address is needed to make the endpoint whose
						// secret goes here, so a first set has none yet.
						fmt.Fprintf(io.Stdout, "warning: no webhook signing secret yet: until it is set (--webhook-secret-file), Stripe's webhooks are refused "+
							"and payments are seen only by the hub's checks 5, 30 and 120 minutes after each page was made\n")
					}
					return nil
				})
			}
		},
	}
}

// PaymentsOffCommand is `naryad payments off`: the branch stops offering
// online payments; payments made before stay. Pages still open at the
// provider are closed first; while one cannot be, the branch stays on.
func PaymentsOffCommand(providers map[string]payments.Factory) cli.Command {
	return cli.Command{
		Name:    "payments off",
		Summary: "turn a branch's online payments off",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			branch := fs.String("branch", "", "branch code (required)")
			return func(ctx context.Context, io cli.IO) error {
				if strings.TrimSpace(*branch) == "" {
					return errors.New("--branch: required")
				}
				return withPayments(ctx, cfg, providers, func(s *store.Store, svc *payments.Service) error {
					b, err := s.BranchByCode(ctx, *branch)
					if err != nil {
						return fmt.Errorf("--branch: %w", err)
					}
					if err := svc.Disable(ctx, b.ID); err != nil {
						return err
					}
					if err := s.Audit(ctx, store.AuditEntry{Action: store.AuditAdminChanged, Subject: "branch " + b.Code + " payments", Detail: "off"}); err != nil {
						return err
					}
					fmt.Fprintf(io.Stdout, "branch %s no longer takes online payments\n", b.Code)
					return nil
				})
			}
		},
	}
}

// withPayments opens the database and builds the payments service the way
// the server does, with the same server secret sealing the credentials.
func withPayments(ctx context.Context, cfg *cli.Config, providers map[string]payments.Factory, fn func(*store.Store, *payments.Service) error) error {
	secret, err := hub.LoadSecret(cfg.Secret, cfg.DataDir)
	if err != nil {
		return fmt.Errorf("server secret: %w", err)
	}
	sealer, err := hub.NewSealer(secret)
	if err != nil {
		return err
	}
	links, err := hub.NewLinks(secret, cfg.BaseURL())
	if err != nil {
		return err
	}
	return store.With(ctx, cfg, func(s *store.Store) error {
		texts, err := templates.New(s)
		if err != nil {
			return err
		}
		// `payments off` may record a payment found paid while closing the
		// open ones: it then sends the pickup PIN as the server would.
		svc, err := payments.New(payments.Options{Store: s, Sealer: sealer, Texts: texts, Links: links,
			Lockers: lockerhub.New(s, texts, links, nil), Providers: providers, PublicURL: cfg.BaseURL(),
			// The server's API addresses (empty: the providers' own), so
			// `payments off` closes pages where they were made.
			BaseURLs: map[string]string{hub.ProviderStripe: cfg.StripeBaseURL, hub.ProviderYooKassa: cfg.YooKassaBaseURL}})
		if err != nil {
			return err
		}
		return fn(s, svc)
	})
}

// maxSecretFile bounds a secret file: a provider's key with a line break.
const maxSecretFile = 4096

// secretFrom reads a secret from the file a flag names, else from the
// environment variable or the file its _FILE variant names; "" when none
// is given.
func secretFrom(path, env string, getenv func(string) string) (string, error) {
	if path == "" {
		if v := strings.TrimSpace(getenv(env)); v != "" {
			return v, nil
		}
		path = getenv(env + "_FILE")
	}
	if path == "" {
		return "", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read secret: %w", err)
	}
	defer f.Close()
	// A key is ~100 bytes: reading a little more than any key tells a
	// wrong file (a log, /dev/zero) from a key without reading it all.
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return "", fmt.Errorf("read secret: %w", err)
	}
	if len(b) > maxSecretFile {
		return "", fmt.Errorf("%s is longer than a key (%d bytes at most): is it the right file?", path, maxSecretFile)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return v, nil
}
