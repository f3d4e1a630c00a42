package inbox

import (
	"context"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// What WhatsApp adds to a conversation: quotes both ways, reactions on the
// message they react to, the customer's edits and deletions (kept for
// staff as evidence), read receipts when an advisor opens the thread, and
// "typing…" while they write.

// ChatSignals is the WhatsApp channel's side of the thread page
// (whatsapp.Signals). Both calls return at once; the work runs behind.
type ChatSignals interface {
	MarkRead(threadID int64)
	Typing(threadID int64, composing bool)
}

// marks are what the page shows on a message besides its words.
type marks struct {
	Quote     string // the words it quotes
	QuoteID   int64  // the quoted message, when the thread has it
	Reactions []reactionView
	Edited    bool
	Original  string // the words before the customer's edit
	Revoked   bool   // the customer deleted it for everyone; staff still see it
	Quotable  bool   // an advisor may answer it quoted (?quote=<id>)
}

type reactionView struct{ Emoji, Author string }

// whatsAppView fills the page's WhatsApp parts: each message's marks, the
// message the reply would quote, and the read receipts (in the background).
func (h *Handler) whatsAppView(ctx context.Context, c *fiber.Ctx, th hub.Thread, p *threadPage) error {
	p.WhatsApp = th.Channel == hub.ChannelWhatsApp
	m, err := h.store.ThreadMessageMarks(ctx, th.ID)
	if err != nil {
		return err
	}
	quote, _ := strconv.ParseInt(c.Query("quote"), 10, 64)
	for i := range p.Messages {
		v := &p.Messages[i]
		if q, ok := m.Quotes[v.ID]; ok {
			v.Quote = q.Text
			if q.QuotedID != nil {
				v.QuoteID = *q.QuotedID
			}
		}
		for _, r := range m.Reactions[v.ID] {
			v.Reactions = append(v.Reactions, reactionView{Emoji: r.Emoji, Author: r.Author})
		}
		if ch, ok := m.Changes[v.ID]; ok {
			v.Revoked, v.Edited = ch.RevokedAt != nil, ch.EditedAt != nil
			if v.Edited && ch.OriginalBody != v.Body {
				v.Original = ch.OriginalBody
			}
		}
		v.Quotable = p.WhatsApp && v.Direction == hub.DirectionIn && !v.Revoked
		if quote == v.ID && v.Quotable {
			p.Quote = v
		}
	}
	if h.signals != nil && p.WhatsApp {
		h.signals.MarkRead(th.ID)
	}
	return nil
}

// replyQuote reads the reply's reply_to: a customer message of this
// thread that the reply answers quoted. Anything else is refused.
func (h *Handler) replyQuote(c *fiber.Ctx, s staff.Staff, th hub.Thread) (*hub.Message, string, error) {
	raw := c.FormValue("reply_to")
	if raw == "" {
		return nil, "", nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return nil, "not_quotable", nil
	}
	m, err := h.store.StaffMessage(c.UserContext(), s.BranchIDs, th.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "not_quotable", nil
	}
	if err != nil {
		return nil, "", err
	}
	if m.Direction != hub.DirectionIn {
		return nil, "not_quotable", nil
	}
	revoked, err := h.store.RevokedMessageIDs(c.UserContext(), th.ID)
	if err != nil {
		return nil, "", err
	}
	if revoked[m.ID] {
		return nil, "not_quotable", nil // deleted by the customer: quoting it would show it again
	}
	return &m, "", nil
}

// queueReply queues the reply with its files and, in the same
// transaction, the message it quotes: the sender finds the quote whenever
// it picks the reply up.
func (h *Handler) queueReply(ctx context.Context, o store.Outgoing, files []hub.Attachment, quoted *hub.Message) error {
	return h.store.Tx(ctx, func(tx *store.Store) error {
		m, err := tx.ForwardFiles(ctx, o, files)
		if err != nil || quoted == nil {
			return err
		}
		return tx.AddMessageQuote(ctx, m.ID, &quoted.ID, quoted.Body)
	})
}

// typing is POST /inbox/threads/:id/typing with state=composing or paused:
// the reply box's script says an advisor writes, or stopped. 204 either way.
func (h *Handler) typing(c *fiber.Ctx, _ staff.Staff, th hub.Thread) error {
	state := c.FormValue("state")
	if state != "composing" && state != "paused" {
		return c.SendStatus(fiber.StatusBadRequest)
	}
	if h.signals != nil && th.Channel == hub.ChannelWhatsApp {
		h.signals.Typing(th.ID, state == "composing")
	}
	return c.SendStatus(fiber.StatusNoContent)
}
