// Package app is the composition root: the one place that builds the whole
// hub for `naryad serve` (storage, message templates, SMS providers, the
// outbox workers, WhatsApp, the DMS exchange, reminders, the key lockers and
// every web page) and runs it. Nothing else constructs the whole hub; the
// core (hub/...) knows none of the integrations wired here. See
// docs/architecture.md.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/cli"
	"naryad/dms"
	"naryad/hub"
	"naryad/hub/loanpurge"
	"naryad/hub/outbox"
	"naryad/hub/realtime"
	"naryad/hub/reply"
	"naryad/hub/sms"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/account"
	"naryad/hub/web/admin"
	"naryad/hub/web/customer"
	"naryad/hub/web/inbox"
	"naryad/hub/web/loan"
	"naryad/hub/web/profile"
	"naryad/hub/web/report"
	"naryad/hub/web/unsubscribe"
	"naryad/hub/whatsapp"
	"naryad/identity"
	"naryad/identity/stripeid"
	"naryad/lockerhub"
	lockerpanel "naryad/lockerhub/panel"
	"naryad/payments"
	"naryad/reminders"
	remindersadmin "naryad/reminders/adminpage"
	"naryad/templates"
)

// Command is `naryad serve`.
func Command() cli.Command {
	return cli.Command{
		Name:    "serve",
		Summary: "run the hub: exchange API, customer links, message delivery",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			return func(ctx context.Context, io cli.IO) error {
				s, err := New(ctx, cfg, io.Log)
				if err != nil {
					return err
				}
				return s.Run(ctx)
			}
		},
	}
}

// Server is a running hub.
type Server struct {
	cfg         *cli.Config
	log         *slog.Logger
	store       *store.Store
	app         *fiber.App
	outbox      *outbox.Pool
	ingester    *dms.Ingester
	links       *hub.Links
	live        *realtime.Realtime
	lockers     *lockerhub.Service
	done        chan struct{} // closed at shutdown: ends open event streams
	remind      *reminders.Scheduler
	reminderRun *reminders.Runner // the scheduler's runner (tests scan with it: export_test.go)
	whatsApp    *whatsApp         // nil when WhatsApp is off
	whatsAppOff *outbox.Pool      // when it is off: WhatsApp threads' messages go by SMS
	payments    *payments.Service
	loanPurge   *loanpurge.Purger // deletes loans' identity photos after the retention (#20)
	identity    *identity.Service
	// mail is e-mail (#21): mail.addrs is the one *hub.MailAddresses
	// (nil when NARYAD_MAIL_REPLY_DOMAIN is unset) for the reminders and
	// the inbound listener; mail.pool sends (nil without NARYAD_SMTP_HOST).
	mail   *mailOut
	mailIn *mailIn // the SMTP listener for replies and bounces; nil without NARYAD_SMTP_LISTEN
}

// New opens storage (migrating it) and builds every part of the hub.
func New(ctx context.Context, cfg *cli.Config, log *slog.Logger) (*Server, error) {
	return NewWith(ctx, cfg, log, Deps{})
}

// Deps are the hub's doors to the outside world that tests replace.
type Deps struct {
	// WhatsAppClient makes the client of a WhatsApp account; default
	// whatsapp.NewWhatsmeowClient (tests pass a watest.Registry's).
	WhatsAppClient whatsapp.NewClientFunc
	// PaymentBaseURLs points payment providers at other API addresses by
	// provider name (hub.Provider…): stripe-mock, the YooKassa fake;
	// default the providers' real ones.
	PaymentBaseURLs map[string]string
	// ReminderClock is the reminders' clock (their scan's "now": the day
	// counted from, the quiet hours); default time.Now. A test moves it
	// to the next reminder's day.
	ReminderClock func() time.Time
}

// NewWith is New with some outside-world doors replaced.
func NewWith(ctx context.Context, cfg *cli.Config, log *slog.Logger, deps Deps) (*Server, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	s, err := build(ctx, cfg, log, st, deps)
	if err != nil {
		st.Close()
		return nil, err
	}
	return s, nil
}

func build(ctx context.Context, cfg *cli.Config, log *slog.Logger, st *store.Store, deps Deps) (_ *Server, err error) {
	secret, err := hub.LoadSecret(cfg.Secret, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("server secret: %w", err)
	}
	// Old English system lines get keys (read in every language); one that
	// fails to is still read by its body, so the hub starts anyway.
	if n, err := st.KeyOldSystemLines(ctx); err != nil {
		log.Warn("old system lines not keyed", "keyed", n, "error", err)
	} else if n > 0 {
		log.Info("old system lines keyed", "keyed", n)
	}
	// Link tokens that messages and ended outbox rows kept in plain text
	// before masking are masked, once (one-way; the links keep working).
	if n, err := st.MaskOldLinks(ctx); err != nil {
		log.Warn("old link tokens not masked", "masked", n, "error", err)
	} else if n > 0 {
		log.Info("old link tokens masked", "masked", n)
	}
	links, err := hub.NewLinks(secret, cfg.BaseURL())
	if err != nil {
		return nil, err
	}
	renderer, err := templates.New(st)
	if err != nil {
		return nil, err
	}
	renderer.LogBadOverrides(log)
	smsProvider, twilio := newSMSProvider(cfg)
	pool, err := outbox.New(st, map[string]outbox.Sender{hub.ChannelSMS: sms.OutboxSender(smsProvider)}, outbox.Options{
		Workers: cfg.OutboxWorkers, MaxAttempts: cfg.OutboxMaxAttempts, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	media := hub.NewMedia(filepath.Join(cfg.DataDir, "media"))
	var wa *whatsApp
	var adminWhatsApp admin.WhatsApp // a nil interface when WhatsApp is off, not a nil *Manager
	var inboxWhatsApp inbox.ChatSignals
	if cfg.WhatsApp {
		newClient, webVersion := deps.WhatsAppClient, whatsapp.WebVersionFunc(nil) // a fake client needs no version
		if newClient == nil {
			newClient, webVersion = whatsapp.NewWhatsmeowClient, whatsapp.LatestWebVersion
		}
		if wa, err = newWhatsApp(ctx, cfg, st, media, links, newClient, webVersion, pool.Wake, log); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				wa.close()
			}
		}()
		adminWhatsApp, inboxWhatsApp = wa.manager, wa.signals
	}
	var waOff *outbox.Pool
	if !cfg.WhatsApp {
		if waOff, err = newWhatsAppOffPool(st, links, pool.Wake, log); err != nil {
			return nil, err
		}
	}
	mail, err := newMailOut(cfg, st, secret, links, pool.Wake, log)
	if err != nil {
		return nil, err
	}
	// A message may be queued on any channel: every outbox looks.
	queued := func() {
		pool.Wake()
		wa.wake()
		if waOff != nil {
			waOff.Wake()
		}
		mail.wake()
	}
	lockerSync := lockerhub.New(st, renderer, links, queued)
	ingester, err := dms.NewIngester(dms.IngesterOptions{
		Store: st, Links: links, Renderer: renderer, Media: media,
		LinkTTL: cfg.LinkTTL, Queued: queued, Lockers: lockerSync, SMSOnly: !cfg.WhatsApp,
	})
	if err != nil {
		return nil, err
	}
	// The pages' Payments (customer, inbox, admin) are this service.
	pay, err := newPayments(cfg, st, secret, renderer, links, queued, lockerSync, deps.PaymentBaseURLs, log)
	if err != nil {
		return nil, err
	}
	// The loan page's Identity and the admin's IdentityCheck (#20).
	idCheck, err := newIdentity(cfg, st, secret, queued, deps.PaymentBaseURLs, log)
	if err != nil {
		return nil, err
	}
	live, err := realtime.New(st, cfg.DatabaseURL, realtime.Options{Logger: log, Broker: realtime.BrokerOptions{Buffer: streamBuffer}})
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	customerPage, err := customer.New(st, media, live.Broker(), customer.Options{
		Secret: secret, UploadMaxBytes: int64(cfg.UploadMaxBytes), SecureCookies: strings.HasPrefix(cfg.BaseURL(), "https://"),
		RateLimit: cfg.CustomerRateLimit, Logger: log, Done: done, OptOut: reply.NewOptOutWords(cfg.OptOutList()),
		PublicURL: cfg.BaseURL(), // where a payment provider sends the customer back
		Payments:  pay, PayOrigins: paymentPageOrigins(),
	})
	if err != nil {
		return nil, err
	}

	// The courtesy car's page (/l/<token>, issue 20): Stripe Identity for
	// the branches that use it, the deposit through the payments service,
	// the key through the branch's locker.
	loanPage, err := loan.New(st, media, loan.Options{
		Secret: secret, SecureCookies: strings.HasPrefix(cfg.BaseURL(), "https://"),
		RateLimit: cfg.CustomerRateLimit, UploadMaxBytes: int64(cfg.UploadMaxBytes), PublicURL: cfg.BaseURL(),
		FormOrigins: append(paymentPageOrigins(), stripeid.HostedOrigin), Texts: renderer, Queued: queued, Logger: log,
		Identity: idCheck, Deposits: pay, Keys: lockerSync.LoanKeys(),
	})
	if err != nil {
		return nil, err
	}

	staffPages, err := staff.New(st, staff.Options{Secret: secret, SecureCookies: strings.HasPrefix(cfg.BaseURL(), "https://"),
		PasswordWait: cfg.LoginWait, Logger: log})
	if err != nil {
		return nil, err
	}

	inboxPage, err := inbox.New(st, staffPages.RequireStaff, inbox.Options{
		Logger: log, Media: media, Queued: queued, Texts: renderer, Broker: live.Broker(), Done: done, WhatsApp: inboxWhatsApp, Payments: pay,
		PublicURL: cfg.BaseURL(), // a courtesy-car offer's link: PublicURL + "/l/" + token
		Identity:  idCheck,       // cancels a loan's Stripe verification moved to photos
		CustomerLink: func(ctx context.Context, t hub.Thread) (string, error) {
			l, err := st.ActiveMagicLink(ctx, t.ID)
			if errors.Is(err, store.ErrNotFound) {
				return "", nil // revoked: the reply goes without a link
			}
			if err != nil {
				return "", err
			}
			return links.URL(l.Salt), nil
		},
	})
	if err != nil {
		return nil, err
	}

	reportPage, err := report.New(st, staffPages.RequireStaff, report.Options{Logger: log})
	if err != nil {
		return nil, err
	}
	// E-mail (#21): the reminders write e-mails only when this hub sends
	// them (NARYAD_SMTP_HOST, and so NARYAD_MAIL_REPLY_DOMAIN); otherwise
	// they go on their threads. unsubscribes makes and checks the one-click
	// unsubscribe addresses the reminders' e-mails carry.
	unsubscribes, err := hub.NewUnsubscribes(secret, cfg.BaseURL())
	if err != nil {
		return nil, err
	}
	unsubscribePage, err := unsubscribe.New(st, unsubscribes, unsubscribe.Options{Logger: log})
	if err != nil {
		return nil, err
	}
	reminderRunner := reminders.NewRunner(st, renderer, links, queued, reminders.RunnerOptions{Rules: reminders.DefaultRules(), Logger: log,
		Mail: mail.sendingAddresses(), Unsubscribes: unsubscribes, Now: deps.ReminderClock})
	adminPages, err := admin.New(st, staffPages.RequireStaff, admin.Options{Logger: log, WhatsApp: adminWhatsApp, Payments: pay, Identity: idCheck})
	if err != nil {
		return nil, err
	}
	remindersPage, err := remindersadmin.New(st, staffPages.RequireStaff, remindersadmin.Options{Logger: log, Reminders: reminderRunner})
	if err != nil {
		return nil, err
	}
	accountPages, err := account.New(st, account.Options{
		Secret: secret, SecureCookies: strings.HasPrefix(cfg.BaseURL(), "https://"),
		RateLimit: cfg.CustomerRateLimit, Logger: log, Media: media,
		Codes: account.SMSCodeSender(smsProvider), WhatsAppCodes: wa.signInCodes(),
	})
	if err != nil {
		return nil, err
	}
	emailPage, err := newMailPage(cfg, st, secret, mail, staffPages.RequireStaff, log)
	if err != nil {
		return nil, err
	}
	profilePage, err := profile.New(st, staffPages.RequireStaff, profile.Options{Logger: log})
	if err != nil {
		return nil, err
	}
	lockerPanel, err := lockerpanel.New(st, staffPages.RequireStaff, lockerpanel.Options{Logger: log})
	if err != nil {
		return nil, err
	}

	// The SMTP listener for the replies and bounces of e-mail (issue 21).
	mailListener, err := newMailIn(cfg, st, media, links, mail, queued, log)
	if err != nil {
		return nil, err
	}

	s := &Server{cfg: cfg, log: log, store: st, outbox: pool, ingester: ingester, links: links, live: live, lockers: lockerSync, done: done, whatsApp: wa, whatsAppOff: waOff, payments: pay, identity: idCheck, mail: mail, mailIn: mailListener,
		remind: reminders.NewScheduler(st, reminderRunner, reminders.SchedulerOptions{Logger: log}), reminderRun: reminderRunner}
	s.loanPurge = loanpurge.New(st, media, loanpurge.Options{Logger: log})
	bodies := newBodyGate(cfg)
	s.app = newApp(cfg, log, bodies)
	s.routes(routeDeps{
		bodies:    bodies,
		dms:       dms.NewHandler(st, ingester, media, cfg.DMSMaxBodyBytes, log),
		lockers:   lockerhub.NewHandler(lockerSync, log),
		twilio:    twilioStatusFor(cfg, st, twilio, log),
		customer:  customerPage,
		loan:      loanPage,
		account:   accountPages,
		staff:     staffPages,
		inbox:     inboxPage,
		report:    reportPage,
		profile:   profilePage,
		admin:     adminPages,
		reminders: remindersPage,
		email:     emailPage,
		panel:     lockerPanel,
		payments:  pay,
		identity:  idCheck,
		unsub:     unsubscribePage,
		health:    newHealthCheck(st, media, log),
	})
	log.Info("hub configured", "database", st.Dialect(), "data_dir", cfg.DataDir, "sms_provider", smsProvider.Name(), "public_url", cfg.BaseURL())
	return s, nil
}

// newSMSProvider builds the configured SMS provider; twilio is nil unless
// it is Twilio (its status callback route needs it).
func newSMSProvider(cfg *cli.Config) (sms.Provider, *sms.Twilio) {
	if cfg.SMSProvider == "twilio" {
		t := sms.NewTwilio(sms.TwilioConfig{
			AccountSID: cfg.TwilioAccountSID, AuthToken: cfg.TwilioAuthToken, From: cfg.TwilioFrom,
			BaseURL: cfg.TwilioBaseURL, StatusCallbackURL: cfg.BaseURL() + twilioStatusPath,
		})
		return t, t
	}
	return sms.NewLog(filepath.Join(cfg.DataDir, "sms.log")), nil
}

func twilioStatusFor(cfg *cli.Config, st *store.Store, t *sms.Twilio, log *slog.Logger) *twilioStatus {
	if t == nil {
		return nil
	}
	return &twilioStatus{store: st, twilio: t, callbackURL: cfg.BaseURL() + twilioStatusPath, log: log}
}

// Run serves until ctx ends, then shuts down in order: HTTP first (no new
// work), then the outbox (in-flight sends finish), then storage.
func (s *Server) Run(ctx context.Context) error {
	defer s.store.Close()
	defer s.whatsApp.close()
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := s.outbox.Run(workCtx); err != nil {
			s.log.Error("outbox stopped", "error", err)
		}
	}()
	locker, err := s.newStation(ctx)
	if err != nil {
		stopWork()
		wg.Wait()
		return err
	}
	if locker != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := locker.Run(workCtx); err != nil {
				s.log.Error("locker stopped", "error", err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := s.remind.Run(workCtx); err != nil {
			s.log.Error("reminders stopped", "error", err)
		}
	}()
	if s.whatsApp != nil {
		wg.Go(func() { s.whatsApp.run(workCtx) })
	}
	wg.Go(func() { s.payments.Run(workCtx) }) // the checks that catch lost payment webhooks
	// Hourly: the identity photos of loans past the branch's retention.
	wg.Go(func() { s.loanPurge.Run(workCtx) })
	if s.mail.pool != nil {
		wg.Go(func() {
			if err := s.mail.pool.Run(workCtx); err != nil {
				s.log.Error("e-mail outbox stopped", "error", err)
			}
		})
	}
	if s.whatsAppOff != nil {
		wg.Go(func() {
			if err := s.whatsAppOff.Run(workCtx); err != nil {
				s.log.Error("whatsapp-off outbox stopped", "error", err)
			}
		})
	}
	if s.cfg.DebugAddr != "" {
		wg.Add(1)
		go func() { defer wg.Done(); serveDebug(workCtx, s.cfg.DebugAddr, s.log) }()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := s.live.Run(workCtx); err != nil {
			s.log.Error("live updates stopped", "error", err)
		}
	}()
	// Pages may only subscribe once the tail knows where it starts, or an
	// event committed in between would reach nobody until a reconnect.
	select {
	case <-s.live.Ready():
	case <-ctx.Done():
	}

	if s.mailIn != nil {
		smtpLn, err := s.mailIn.listen()
		if err != nil {
			stopWork()
			wg.Wait()
			return err
		}
		// Stopped with the other work, after HTTP.
		wg.Go(func() { s.mailIn.run(workCtx, smtpLn, s.log) })
	}

	listenErr := make(chan error, 1)
	var ln *Listener
	if raw, err := net.Listen(s.app.Config().Network, s.cfg.Addr); err != nil {
		listenErr <- err
	} else {
		ln = NewListener(raw)
		go func() { listenErr <- s.app.Listener(ln) }()
		s.log.Info("listening", "addr", s.cfg.Addr)
	}

	select {
	case <-ctx.Done():
	case err = <-listenErr:
		err = fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	s.log.Info("shutting down")
	close(s.done) // ends the open event streams
	if ln != nil {
		if shutdownErr := s.app.ShutdownWithTimeout(10 * time.Second); shutdownErr != nil {
			s.log.Warn("http shutdown", "error", shutdownErr, "open", ln.Open())
		}
		// A Shutdown that came before Serve had started found nothing to
		// stop; a closed listener ends such a Serve at its first Accept.
		ln.Close()
	}
	stopWork()
	wg.Wait()
	s.log.Info("stopped")
	return err
}

// App exposes the HTTP handler for tests that drive it in process.
func (s *Server) App() *fiber.App { return s.app }

// Ingester applies DMS events in process (the demo data goes in this way).
func (s *Server) Ingester() *dms.Ingester { return s.ingester }

// Links makes customer links.
func (s *Server) Links() *hub.Links { return s.links }

// Payments is the hub's payments service (tests run its checks with Poll
// rather than waiting for its poller).
func (s *Server) Payments() *payments.Service { return s.payments }

// Identity is the hub's identity check service (the courtesy car's loan).
func (s *Server) Identity() *identity.Service { return s.identity }

// Store is the hub's storage.
func (s *Server) Store() *store.Store { return s.store }

// Close releases storage when Run is not called.
func (s *Server) Close() error { return errors.Join(s.whatsApp.close(), s.store.Close()) }

// streamBuffer is how many live events an open page may fall behind before
// it is dropped and reconnects (replaying from the database). A page gets
// a handful of events a day; the buffer is paid for by every open page.
const streamBuffer = 32
