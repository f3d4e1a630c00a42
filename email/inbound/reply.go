package inbound

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"naryad/hub"
	"naryad/hub/reply"
	"naryad/hub/store"
	"naryad/templates"
)

// maxMessageRunes is what the customer page keeps of a message (its
// maxMessageRunes): an e-mail reply is stored no longer.
const maxMessageRunes = 4000

// maxKeyBytes bounds a Message-ID stored as the dedupe key; a longer one
// is stored as its hash.
const maxKeyBytes = 250

// customerKinds are the files a customer may send from their page (hub/web/
// customer's customerKinds), checked by content, never by name or the
// declared type: an SVG or HTML named .jpg is refused.
var customerKinds = map[string]bool{"image/jpeg": true, "image/png": true, "image/heic": true, "application/pdf": true}

// storeReply lands a customer's reply in thread threadID once: its new
// words (the quoted history cut), the files the customer page would
// accept, and a staff-only note naming what was left out.
func (l *Listener) storeReply(ctx context.Context, threadID int64, raw []byte, msg parsed) error {
	text, files, refused, err := l.replyContent(msg)
	if err != nil {
		return err
	}
	if text == "" && len(files) == 0 && len(refused) == 0 {
		l.log.Info("smtp: empty reply dropped", "thread_id", threadID)
		return nil
	}
	key := messageKey(msg, raw)
	var stored hub.Message
	err = l.st.Tx(ctx, func(tx *store.Store) error {
		t, err := tx.Thread(ctx, threadID)
		if err != nil {
			return err
		}
		m, err := tx.AddEmailReply(ctx, t, key, text, files)
		if err != nil {
			return err
		}
		stored = m
		if len(refused) > 0 {
			line := hub.SystemLine(threadID, "naryad", templates.SysEmailFilesRefused, map[string]string{"files": strings.Join(refused, ", ")})
			if err := tx.AddMessage(ctx, &line); err != nil {
				return err
			}
		}
		// STOP/START and a feedback score work as they do by SMS.
		if err := l.opts.OptOut.Apply(ctx, tx, t, text); err != nil {
			return err
		}
		return reply.ApplyFeedbackReply(ctx, tx, t, m)
	})
	if errors.Is(err, store.ErrDuplicateEmail) {
		l.log.Info("smtp: reply already stored", "thread_id", threadID, "key", key)
		return nil
	}
	if err != nil {
		return fmt.Errorf("store reply in thread %d: %w", threadID, err)
	}
	l.opts.Queued() // a feedback follow-up may have queued a message
	l.log.Info("smtp: reply stored", "thread_id", threadID, "message_id", stored.ID, "files", len(files), "refused", len(refused))
	return nil
}

// replyContent is the reply's new words and its files: text/plain (or the
// HTML part as text), the quoted history cut, at most maxMessageRunes; the
// attachments the customer page accepts stored in the media store, the
// names of the others in refused.
func (l *Listener) replyContent(msg parsed) (text string, files []store.InboundFile, refused []string, err error) {
	var plain, htmlPart *part
	for i := range msg.parts {
		p := &msg.parts[i]
		switch {
		case !p.attachment && p.contentType == "text/plain" && plain == nil:
			plain = p
		case !p.attachment && p.contentType == "text/html" && htmlPart == nil:
			htmlPart = p
		case p.attachment:
			f, ok, err := l.keepFile(*p)
			if err != nil {
				return "", nil, nil, err
			}
			if ok {
				files = append(files, f)
			} else {
				refused = append(refused, hub.CleanFileName(p.filename))
			}
		}
	}
	switch {
	case plain != nil:
		text = plain.text()
	case htmlPart != nil:
		text = cleanText(htmlText(htmlPart.text()))
	}
	text = cutQuoted(text)
	if text == "" && len(files) == 0 {
		// Nothing but a subject ("Yes, confirmed" in the subject line).
		text = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(decodeHeader(msg.header.Get("Subject")), "Re:"), "RE:"))
	}
	if utf8.RuneCountInString(text) > maxMessageRunes {
		text = string([]rune(text)[:maxMessageRunes])
	}
	return text, files, refused, nil
}

// keepFile stores an attachment the customer page would accept; ok is
// false for any other (refused by its content, or too large: body nil).
func (l *Listener) keepFile(p part) (store.InboundFile, bool, error) {
	if len(p.body) == 0 {
		return store.InboundFile{}, false, nil
	}
	kind := hub.SniffFile(p.body)
	if !customerKinds[kind] {
		return store.InboundFile{}, false, nil
	}
	hash, err := l.media.Put(p.body)
	if err != nil {
		return store.InboundFile{}, false, fmt.Errorf("store attachment: %w", err)
	}
	return store.InboundFile{SHA256: hash, Name: hub.CleanFileName(p.filename), ContentType: kind, SizeBytes: int64(len(p.body))}, true, nil
}

// messageKey names one e-mail for the dedupe: its Message-ID, or without
// one a hash of what stays the same when a relay delivers it again (From,
// Date, Subject and the body; not the Received lines relays add).
func messageKey(msg parsed, raw []byte) string {
	id := strings.TrimSpace(cleanText(msg.header.Get("Message-Id")))
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	if id != "" && len(id) <= maxKeyBytes {
		return "id:" + id
	}
	h := sha256.New()
	if id != "" {
		h.Write([]byte("id\x00" + id))
	} else {
		for _, k := range []string{"From", "Date", "Subject"} {
			h.Write([]byte(k + "\x00" + msg.header.Get(k) + "\x00"))
		}
		h.Write(body(raw))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// body is the raw message after its header.
func body(raw []byte) []byte {
	s := string(raw)
	for _, sep := range []string{"\r\n\r\n", "\n\n"} {
		if i := strings.Index(s, sep); i >= 0 {
			return raw[i+len(sep):]
		}
	}
	return nil
}
