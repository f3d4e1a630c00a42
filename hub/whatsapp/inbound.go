package whatsapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"naryad/hub"
	"naryad/hub/reply"
	"naryad/hub/store"
)

// storeTimeout bounds the database work for one event: whatsmeow's event
// goroutine waits for it.
const storeTimeout = 15 * time.Second

// InboundOptions configure Inbound. Only Logger, OptOut and Now matter in
// production; the media fields are there for tests and have defaults.
type InboundOptions struct {
	Logger *slog.Logger
	OptOut reply.OptOutWords // STOP/START words a customer may send
	Now    func() time.Time  // time.Now when nil

	MediaPoll      time.Duration                   // how often the worker looks for due files (2 s)
	MediaAttempts  int                             // failed downloads before a file is given up (8)
	MediaBackoff   func(attempt int) time.Duration // wait after failed download n (30 s doubling to 30 min)
	MediaRetryWait time.Duration                   // wait for the phone to upload an expired file again (10 min)
	MaxMediaBytes  int64                           // bigger files are not downloaded (100 MiB)
}

// Inbound stores what WhatsApp brings: messages routed to their thread or
// a lead (inbound_route.go), delivery receipts (receipts.go), and files,
// which a worker downloads after the message is stored (media.go).
type Inbound struct {
	st     *store.Store
	media  *hub.Media
	log    *slog.Logger
	optOut reply.OptOutWords
	now    func() time.Time
	wake   chan struct{} // a new file to download: the worker looks now

	poll, retryWait time.Duration
	attempts        int
	backoff         func(attempt int) time.Duration
	maxBytes        int64
}

// NewInbound makes the handler of incoming events; its Handle is the
// Manager's EventHandler and RunMedia its download worker.
func NewInbound(st *store.Store, media *hub.Media, opts InboundOptions) *Inbound {
	in := &Inbound{st: st, media: media, log: opts.Logger, optOut: opts.OptOut, now: opts.Now, wake: make(chan struct{}, 1),
		poll: opts.MediaPoll, retryWait: opts.MediaRetryWait, attempts: opts.MediaAttempts, backoff: opts.MediaBackoff,
		maxBytes: opts.MaxMediaBytes}
	if in.log == nil {
		in.log = slog.Default()
	}
	if in.now == nil {
		in.now = time.Now
	}
	if in.poll <= 0 {
		in.poll = 2 * time.Second
	}
	if in.retryWait <= 0 {
		in.retryWait = 10 * time.Minute
	}
	if in.attempts <= 0 {
		in.attempts = 8
	}
	if in.backoff == nil {
		in.backoff = func(n int) time.Duration { return hub.Backoff(n, 30*time.Second, 30*time.Minute) }
	}
	if in.maxBytes <= 0 {
		in.maxBytes = 100 << 20
	}
	return in
}

// Handle takes one event of an account's client. It returns false only
// when storing failed, so whatsmeow does not acknowledge the message and
// WhatsApp delivers it again; everything else (ignored, duplicate, stored)
// is true. A panic is logged and reported as a failure: the message is
// not acknowledged, never lost.
func (in *Inbound) Handle(s Session, evt any) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			in.log.Error("whatsapp inbound: panic", "account_id", s.Account.ID, "event", fmt.Sprintf("%T", evt),
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			ok = false
		}
	}()
	switch e := evt.(type) {
	case *events.Message:
		return in.handleMessage(s, e)
	case *events.UndecryptableMessage:
		return in.handleUndecryptable(s, e)
	case *events.Receipt:
		return in.handleReceipt(s, e)
	case *events.MediaRetry:
		return in.handleMediaRetry(s, e)
	case *events.GroupInfo:
		return in.handleGroupInfo(s, e)
	}
	return true
}

// The inbound handler is an EventHandler.
var _ EventHandler = (*Inbound)(nil).Handle

// handleMessage stores a message in ONE transaction (or fills the
// unreadable stand-in kept for it, see handleUndecryptable): the dedupe check,
// the routing (which may open a lead), the message with all it implies
// (store.AddWAInbound), a note about other open work orders, the
// customer's STOP/START and feedback score, and the file to download.
func (in *Inbound) handleMessage(s Session, evt *events.Message) bool {
	log := in.log.With("account_id", s.Account.ID, "wa_id", string(evt.Info.ID), "chat", evt.Info.Chat.String())
	if handled, ok := in.handleChange(s, evt); handled {
		return ok
	}
	c, why := readContent(evt)
	if why != "" {
		log.Debug("whatsapp inbound: ignored", "reason", why)
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	chat := evt.Info.Chat.ToNonAD().String()
	var r routed
	var m hub.Message
	var filled bool // it replaced its unreadable stand-in
	err := in.st.Tx(ctx, func(tx *store.Store) error {
		known, err := tx.WAInboundLookup(ctx, s.Account.ID, chat, string(evt.Info.ID))
		if err != nil {
			return err
		}
		if known.Stored {
			return store.ErrWADuplicate
		}
		if known.UnreadableID != 0 {
			filled = true
			r.in = store.WAInbound{AccountID: s.Account.ID}
		} else if r, err = in.route(ctx, tx, s, evt, c.text); err != nil || r.ignore != "" {
			return err
		}
		r.in.Chat, r.in.WAID, r.in.Body, r.in.FilesPending = chat, string(evt.Info.ID), c.text, c.file != nil
		r.in.SentAt = in.sentAt(evt.Info.Timestamp)
		r.in.Sender = evt.Info.Sender.ToNonAD().String()
		if filled {
			if m, err = tx.FillWAUnreadable(ctx, known.UnreadableID, r.in); err != nil {
				return err
			}
			if r.in.Thread, err = tx.Thread(ctx, m.ThreadID); err != nil {
				return err
			}
		} else {
			if m, err = tx.AddWAInbound(ctx, r.in); err != nil {
				return err
			}
			if err := in.noteOnce(ctx, tx, r.in.Thread.ID, r.note); err != nil {
				return err
			}
		}
		if err := in.recordExtras(ctx, tx, s, evt, m); err != nil {
			return err
		}
		if m.Direction == hub.DirectionIn {
			if err := in.optOut.Apply(ctx, tx, r.in.Thread, c.text); err != nil {
				return err
			}
			if err := reply.ApplyFeedbackReply(ctx, tx, r.in.Thread, m); err != nil {
				return err
			}
		}
		if c.file == nil {
			return nil
		}
		return in.queueFile(ctx, tx, s.Account.ID, m.ID, evt)
	})
	switch {
	case errors.Is(err, store.ErrWADuplicate):
		log.Debug("whatsapp inbound: already stored")
		return true
	case err != nil:
		log.Error("whatsapp inbound: not stored, WhatsApp will deliver it again", "error", err)
		return false
	case r.ignore != "":
		log.Info("whatsapp inbound: ignored", "reason", r.ignore)
		return true
	}
	if c.file != nil {
		in.signal()
	}
	log.Info("whatsapp inbound: stored", "thread_id", r.in.Thread.ID, "message_id", m.ID, "direction", m.Direction,
		"lead", r.lead, "file", c.file != nil, "was_unreadable", filled)
	return true
}

// liveWindow is how late a message may arrive and still count as live:
// it takes the time it arrived. WhatsApp's times have whole seconds, so
// taking them for live messages would put a customer's words before a
// note written a moment earlier in the same second; the inbox shows
// minutes, so within this window the two times look the same.
const liveWindow = time.Minute

// sentAt is the time a message takes in its thread: for a message that
// arrives late (a backlog after an outage), WhatsApp's time of writing,
// so it shows when it was written and sits there in the thread; for a
// live one, or when WhatsApp's time is missing or ahead of the clock,
// now.
func (in *Inbound) sentAt(ts time.Time) time.Time {
	now := in.now()
	if ts.IsZero() || ts.Unix() <= 0 || now.Sub(ts) < liveWindow { // a time ahead of the clock is < 0
		return now
	}
	return ts
}

// noteOnce adds a system note to the thread unless it would only repeat
// the one before (a customer writing five lines gets one note, not five).
// The English body tells a repeat: it is rendered from the key and
// parameters, so the same line has the same body.
func (in *Inbound) noteOnce(ctx context.Context, tx *store.Store, threadID int64, note *hub.Message) error {
	if note == nil {
		return nil
	}
	repeats, err := tx.WAInboundNoteRepeats(ctx, threadID, note.Body)
	if err != nil || repeats {
		return err
	}
	line := *note
	line.ThreadID = threadID
	return tx.AddMessage(ctx, &line)
}

// queueFile keeps what the worker needs to download the message's file:
// the raw message and the parts of its MessageInfo a media-retry request
// names (kept small: the rest of MessageInfo is not needed and not all of
// it encodes).
func (in *Inbound) queueFile(ctx context.Context, tx *store.Store, accountID, messageID int64, evt *events.Message) error {
	raw, err := proto.Marshal(evt.Message)
	if err != nil {
		return fmt.Errorf("encode WhatsApp message %s: %w", evt.Info.ID, err)
	}
	info := types.MessageInfo{MessageSource: evt.Info.MessageSource, ID: evt.Info.ID, Type: evt.Info.Type,
		PushName: evt.Info.PushName, Timestamp: evt.Info.Timestamp, MediaType: evt.Info.MediaType}
	info.BroadcastRecipients = nil
	rawInfo, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("encode info of WhatsApp message %s: %w", evt.Info.ID, err)
	}
	return tx.QueueWAMedia(ctx, &store.WAMedia{AccountID: accountID, MessageID: messageID, WAID: string(evt.Info.ID),
		Info: rawInfo, Proto: raw})
}

// signal wakes the media worker without waiting.
func (in *Inbound) signal() {
	select {
	case in.wake <- struct{}{}:
	default:
	}
}
