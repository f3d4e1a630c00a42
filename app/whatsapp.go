package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"naryad/cli"
	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/reply"
	"naryad/hub/store"
	"naryad/hub/web/account"
	"naryad/hub/whatsapp"
)

// The WhatsApp outbox. A message waits out a lost connection for about ten
// minutes of backoff (5 s doubling, 8 attempts) before it goes by SMS; the
// send timeout covers uploading a document.
const (
	whatsAppMaxAttempts = 8
	whatsAppSendTimeout = 2 * time.Minute
	whatsAppLease       = whatsAppSendTimeout + time.Minute

	// whatsAppLeaderLock is the advisory lock whose holder runs the
	// WhatsApp connections: one instance at a time, because a session used
	// from two places knocks itself off (StreamReplaced), and the instance
	// holding the connections must be the one that sends and downloads.
	whatsAppLeaderLock = 0x6e61727961640008 // "naryad" + issue 8
	// whatsAppLeaderRetry is how often an instance without the lock asks again.
	whatsAppLeaderRetry = 15 * time.Second
)

// whatsApp is the WhatsApp channel of one hub process.
type whatsApp struct {
	store    *store.Store
	sessions *whatsapp.Sessions
	manager  *whatsapp.Manager
	inbound  *whatsapp.Inbound
	groups   *whatsapp.Groups
	followup *whatsapp.Followups
	signals  *whatsapp.Signals // read receipts and "typing…" for the inbox
	codes    *whatsapp.Codes   // account sign-in codes by WhatsApp
	pool     *outbox.Pool
	log      *slog.Logger
}

// newWhatsApp opens whatsmeow's session store and builds the channel;
// webVersion asks WhatsApp for its current web version (nil with a fake
// client); smsQueued wakes the SMS outbox when a message falls back to SMS.
func newWhatsApp(ctx context.Context, cfg *cli.Config, st *store.Store, media *hub.Media, links *hub.Links,
	newClient whatsapp.NewClientFunc, webVersion whatsapp.WebVersionFunc, smsQueued func(), log *slog.Logger) (*whatsApp, error) {
	sessions, err := whatsapp.OpenSessions(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: %w", err)
	}
	inbound := whatsapp.NewInbound(st, media, whatsapp.InboundOptions{Logger: log, OptOut: reply.NewOptOutWords(cfg.OptOutList())})
	manager := whatsapp.NewManager(st, sessions, newClient, whatsapp.ManagerOptions{Logger: log, Handler: inbound.Handle,
		WebVersion: webVersion})
	groups := whatsapp.NewGroups(st, whatsapp.GroupOptions{Logger: log})
	sender := whatsapp.NewSender(st, media, manager, whatsapp.SenderOptions{Logger: log, Groups: groups})
	pool, err := outbox.New(st, map[string]outbox.Sender{hub.ChannelWhatsApp: sender}, outbox.Options{
		Workers: cfg.OutboxWorkers, MaxAttempts: whatsAppMaxAttempts, SendTimeout: whatsAppSendTimeout, Lease: whatsAppLease,
		Reroute: whatsapp.NewFallback(st, links, whatsapp.FallbackOptions{Logger: log, Queued: smsQueued}),
		Logger:  log,
	})
	if err != nil {
		sessions.Close()
		return nil, fmt.Errorf("whatsapp outbox: %w", err)
	}
	followup := whatsapp.NewFollowups(st, links, whatsapp.FollowupOptions{Logger: log, Queued: smsQueued})
	signals := whatsapp.NewSignals(st, manager, whatsapp.SignalOptions{Logger: log})
	return &whatsApp{store: st, sessions: sessions, manager: manager, inbound: inbound, groups: groups, followup: followup, signals: signals,
		codes: whatsapp.NewCodes(sender), pool: pool, log: log}, nil
}

// run leads the channel whenever this instance holds the leader lock (on
// SQLite, always): connections, media downloads, group sweeps, SMS
// follow-ups of undelivered messages and the WhatsApp outbox. Until ctx
// ends it keeps asking for the lock, so another instance takes over when
// the leader stops.
func (w *whatsApp) run(ctx context.Context) {
	for {
		led, err := w.store.WithScanLock(ctx, whatsAppLeaderLock, w.lead)
		switch {
		case err != nil:
			w.log.Error("whatsapp leader lock", "error", err)
		case !led:
			w.log.Debug("whatsapp runs on another instance")
		}
		t := time.NewTimer(whatsAppLeaderRetry)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// lead runs every part of the channel until ctx ends.
func (w *whatsApp) lead(ctx context.Context) error {
	w.log.Info("whatsapp connections run on this instance")
	parts := map[string]func(context.Context) error{
		"connections":                            w.manager.Run,
		"media":                                  func(ctx context.Context) error { return w.inbound.RunMedia(ctx, w.manager) },
		"group sweeps":                           func(ctx context.Context) error { return w.groups.RunSweeper(ctx, w.manager, 0) },
		"SMS follow-ups of undelivered messages": func(ctx context.Context) error { return w.followup.Run(ctx, 0) },
		"outbox":                                 w.pool.Run,
	}
	var wg sync.WaitGroup
	for name, run := range parts {
		wg.Go(func() {
			if err := run(ctx); err != nil {
				w.log.Error("whatsapp "+name+" stopped", "error", err)
			}
		})
	}
	wg.Wait()
	return nil
}

// signInCodes is what sends account sign-in codes by WhatsApp; nil (SMS
// only) on a hub without the channel. (A nil *whatsapp.Codes in the
// interface would not be nil, hence the explicit check.)
func (w *whatsApp) signInCodes() account.OptionalCodeSender {
	if w == nil {
		return nil
	}
	return w.codes
}

// wake asks the WhatsApp outbox to look for work now.
func (w *whatsApp) wake() {
	if w != nil {
		w.pool.Wake()
	}
}

// close releases the session store.
func (w *whatsApp) close() error {
	if w == nil {
		return nil
	}
	w.signals.Wait() // receipts and presence under way end within their timeout
	return w.sessions.Close()
}

// whatsAppOff stands in for the channel on a hub that runs no WhatsApp
// (NARYAD_WHATSAPP=false): a message of a thread that was on WhatsApp goes
// by SMS instead, with the page link, rather than waiting for a sender.
type whatsAppOff struct{}

func (whatsAppOff) Name() string { return "whatsapp-off" }

func (whatsAppOff) Send(context.Context, outbox.Message) (outbox.Receipt, error) {
	return outbox.Receipt{}, outbox.Reroute("WhatsApp is off on this hub (NARYAD_WHATSAPP=false)")
}

// newWhatsAppOffPool is the outbox of WhatsApp threads on such a hub.
func newWhatsAppOffPool(st *store.Store, links *hub.Links, smsQueued func(), log *slog.Logger) (*outbox.Pool, error) {
	return outbox.New(st, map[string]outbox.Sender{hub.ChannelWhatsApp: whatsAppOff{}}, outbox.Options{
		Workers: 1, Logger: log,
		Reroute: whatsapp.NewFallback(st, links, whatsapp.FallbackOptions{Logger: log, Queued: smsQueued}),
	})
}
