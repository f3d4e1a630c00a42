// Package email is e-mail as a channel: the outbox's sender for
// hub.ChannelEmail (SMTP through go-mail, optional DKIM per branch with
// go-msgauth), the e-mail pool's SMS fallback, and a branch's sender
// settings on the admin page. The core (hub/...) knows none of it; app
// wires it.
package email

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/store"
)

// Store is what the sender reads: the thread (for its branch), the
// e-mail's parts and the branch's sender. *store.Store has them.
type Store interface {
	Thread(ctx context.Context, id int64) (hub.Thread, error)
	MessageEmail(ctx context.Context, messageID int64) (hub.MessageEmail, error)
	BranchEmailSettings(ctx context.Context, branchID int64) (hub.BranchEmailSettings, bool, error)
}

// Options configure a Sender.
type Options struct {
	SMTP SMTP
	// Addresses makes each message's bounce address (the envelope
	// sender); required: e-mail is off without a reply domain.
	Addresses *hub.MailAddresses
	// DefaultFrom is the sender of a branch without its own
	// (NARYAD_MAIL_FROM); "" leaves such a branch unable to send.
	DefaultFrom     string
	DefaultFromName string
	// Sealer opens the branches' DKIM keys.
	Sealer *hub.Sealer
	Logger *slog.Logger // default slog.Default()
	Now    func() time.Time
}

// Sender is the outbox's Sender for hub.ChannelEmail.
type Sender struct {
	store     Store
	transport *transport
	addrs     *hub.MailAddresses
	from      identity
	sealer    *hub.Sealer
	log       *slog.Logger
	now       func() time.Time
}

var _ outbox.Sender = (*Sender)(nil)

// NewSender checks the settings and builds the sender; it connects to
// nothing until the first Send.
func NewSender(st Store, opts Options) (*Sender, error) {
	if st == nil {
		return nil, errors.New("email: no store")
	}
	if opts.Addresses == nil {
		return nil, errors.New("email: no reply domain (NARYAD_MAIL_REPLY_DOMAIN)")
	}
	if opts.DefaultFrom != "" {
		if _, err := parseAddress(opts.DefaultFrom); err != nil {
			return nil, fmt.Errorf("email: default sender: %w", err)
		}
	}
	t, err := newTransport(opts.SMTP)
	if err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Sender{store: st, transport: t, addrs: opts.Addresses, sealer: opts.Sealer,
		from: identity{Address: opts.DefaultFrom, Name: opts.DefaultFromName}, log: opts.Logger, now: opts.Now}, nil
}

// Name is recorded with each attempt.
func (s *Sender) Name() string { return "smtp" }

// Send makes one attempt at a queued e-mail: it renders the message with
// its branch's sender, signs it when the branch has a DKIM key, and hands
// it to the SMTP server. The receipt's id is the Message-ID, which a
// reply's In-Reply-To and a bounce name.
func (s *Sender) Send(ctx context.Context, m outbox.Message) (outbox.Receipt, error) {
	parts, err := s.store.MessageEmail(ctx, m.MessageID)
	if errors.Is(err, store.ErrNotFound) {
		// Queued on the e-mail channel without its parts (not through
		// store.QueueMessage): no later attempt will find them either.
		return outbox.Receipt{}, permanent(stageCompose, err)
	}
	if err != nil {
		return outbox.Receipt{}, fmt.Errorf("email: %w", err)
	}
	th, err := s.store.Thread(ctx, m.ThreadID)
	if err != nil {
		return outbox.Receipt{}, fmt.Errorf("email: %w", err)
	}
	from, key, err := s.branchSender(ctx, th.BranchID)
	if err != nil {
		return outbox.Receipt{}, err
	}
	env, err := compose(draft{
		To: m.To, Text: m.Body, Parts: parts, From: from,
		Envelope: s.addrs.Bounce(m.MessageID), Date: s.now(),
	})
	if err != nil {
		return outbox.Receipt{}, permanent(stageCompose, err)
	}
	if key != nil {
		if env.Data, err = key.sign(env.Data); err != nil {
			return outbox.Receipt{}, fmt.Errorf("email: branch %d: %w", th.BranchID, err)
		}
	}
	if err := s.transport.send(ctx, env); err != nil {
		return outbox.Receipt{}, err
	}
	return outbox.Receipt{ProviderID: parts.HeaderID}, nil
}

// errNoSender is a branch that cannot send: it has no sender of its own
// and the deployment no NARYAD_MAIL_FROM. Permanent: nothing changes by
// waiting, and a branch with the SMS fallback reaches the customer so.
var errNoSender = errors.New("the branch has no e-mail sender and NARYAD_MAIL_FROM is not set")

// branchSender is the branch's From and its DKIM key (nil when it signs
// nothing), else the deployment's default sender.
func (s *Sender) branchSender(ctx context.Context, branchID int64) (identity, *dkimKey, error) {
	b, ok, err := s.store.BranchEmailSettings(ctx, branchID)
	if err != nil {
		return identity{}, nil, fmt.Errorf("email: %w", err)
	}
	if !ok || b.FromAddress == "" {
		if s.from.Address == "" {
			return identity{}, nil, permanent(stageCompose, errNoSender)
		}
		return s.from, nil, nil
	}
	from := identity{Address: b.FromAddress, Name: b.FromName}
	if b.DKIMDomain == "" || b.DKIMSelector == "" || b.DKIMKeySealed == "" {
		return from, nil, nil
	}
	// A key that no longer opens (the server secret changed) or parses
	// is an operator's to fix: a temporary error, so the message waits
	// rather than going out unsigned or failing for good.
	if s.sealer == nil {
		return identity{}, nil, fmt.Errorf("email: branch %d signs with DKIM but no sealer is configured", branchID)
	}
	pemText, err := s.sealer.Open(b.DKIMKeySealed)
	if err != nil {
		return identity{}, nil, fmt.Errorf("email: branch %d: open the DKIM key: %w", branchID, err)
	}
	signer, err := ParseDKIMKey(pemText)
	if err != nil {
		return identity{}, nil, fmt.Errorf("email: branch %d: DKIM key: %w", branchID, err)
	}
	return from, &dkimKey{Domain: b.DKIMDomain, Selector: b.DKIMSelector, Signer: signer}, nil
}
