package whatsapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waMmsRetry"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// The download worker: files of incoming messages (wa_media rows) are
// fetched with the account's client after the message is stored, so
// whatsmeow's event goroutine never waits for a download.

const (
	mediaBatch       = 20               // files looked at per round
	noClientWait     = 30 * time.Second // the account has no client here now: look again later
	downloadTimeout  = 2 * time.Minute
	retryAskTimeout  = 20 * time.Second
	mediaStoreBudget = 30 * time.Second
)

// RunMedia downloads due files until ctx ends (then it returns nil): every
// MediaPoll, and at once when Handle stored a message with a file. A file
// whose account has no client now waits; one the server says expired is
// asked from the sender's phone again (SendMediaRetryReceipt, answered by
// events.MediaRetry in Handle); other failures back off, and after
// MediaAttempts the file is given up with a note in the thread.
func (in *Inbound) RunMedia(ctx context.Context, clients Clients) error {
	tick := time.NewTicker(in.poll)
	defer tick.Stop()
	for {
		in.mediaRound(ctx, clients)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-in.wake:
		}
	}
}

// mediaRound handles one batch of due files; the next poll takes the rest.
func (in *Inbound) mediaRound(ctx context.Context, clients Clients) {
	qctx, cancel := context.WithTimeout(ctx, mediaStoreBudget)
	due, err := in.st.DueWAMedia(qctx, in.now(), mediaBatch)
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			in.log.Error("whatsapp media: list due files", "error", err)
		}
		return
	}
	for _, job := range due {
		if ctx.Err() != nil {
			return
		}
		in.fetchSafely(ctx, clients, job)
	}
}

// fetchSafely keeps one bad file from stopping the worker.
func (in *Inbound) fetchSafely(ctx context.Context, clients Clients, job store.WAMedia) {
	defer func() {
		if r := recover(); r != nil {
			in.log.Error("whatsapp media: panic", "media_id", job.ID, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	in.fetch(ctx, clients, job)
}

// fetch tries one file once.
func (in *Inbound) fetch(ctx context.Context, clients Clients, job store.WAMedia) {
	log := in.log.With("media_id", job.ID, "account_id", job.AccountID, "wa_id", job.WAID, "message_id", job.MessageID)
	msg := &waE2E.Message{}
	if err := proto.Unmarshal(job.Proto, msg); err != nil {
		in.giveUp(ctx, log, job, nil, fmt.Sprintf("the stored message is unreadable (%v)", err))
		return
	}
	f := mediaOf(msg)
	switch {
	case f == nil:
		in.giveUp(ctx, log, job, nil, "the message has no file")
		return
	case f.length > uint64(in.maxBytes):
		in.giveUp(ctx, log, job, f, fmt.Sprintf("it is larger than %d MB", in.maxBytes>>20))
		return
	}
	cli, ok := clients.Client(job.AccountID)
	if !ok || cli == nil {
		in.storeStep(ctx, log, "postpone", func(ctx context.Context) error {
			return in.st.PostponeWAMedia(ctx, job.ID, in.now().Add(noClientWait))
		})
		return
	}
	dctx, cancel := context.WithTimeout(ctx, downloadTimeout)
	data, err := cli.Download(dctx, f.msg)
	cancel()
	switch {
	case ctx.Err() != nil:
		return // shutting down: not an attempt
	case err == nil:
		in.keep(ctx, log, job, f, data)
	case expired(err) && job.RetryAskedAt == nil:
		in.askRetry(ctx, log, cli, job, f)
	default:
		in.failAttempt(ctx, log, job, f, err)
	}
}

// expired: the server no longer has the file; the sender's phone may
// upload it again.
func expired(err error) bool {
	return errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith404) || errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith410)
}

// keep stores the file, then attaches it in the transaction that deletes
// the row: a crash before the commit downloads and stores it again (the
// media store keeps one copy per content), never attaches it twice.
func (in *Inbound) keep(ctx context.Context, log *slog.Logger, job store.WAMedia, f *mediaFile, data []byte) {
	hash, err := in.media.Put(data)
	if err != nil {
		in.failAttempt(ctx, log, job, f, err)
		return
	}
	contentType := f.contentType(data)
	file := &store.InboundFile{SHA256: hash, Name: f.fileName(job.WAID, contentType), ContentType: contentType, SizeBytes: int64(len(data))}
	in.storeStep(ctx, log, "attach", func(ctx context.Context) error {
		done, err := in.st.FinishWAMedia(ctx, job.ID, file, nil)
		if err == nil && done {
			log.Info("whatsapp media: attached", "name", file.Name, "content_type", file.ContentType, "bytes", file.SizeBytes)
		}
		return err
	})
}

// askRetry asks the sender's phone to upload an expired file again; the
// answer comes as an events.MediaRetry. Until then (or retryWait) the
// file waits.
func (in *Inbound) askRetry(ctx context.Context, log *slog.Logger, cli Client, job store.WAMedia, f *mediaFile) {
	var info types.MessageInfo
	if err := json.Unmarshal(job.Info, &info); err != nil {
		in.giveUp(ctx, log, job, f, fmt.Sprintf("the stored message is unreadable (%v)", err))
		return
	}
	rctx, cancel := context.WithTimeout(ctx, retryAskTimeout)
	err := cli.SendMediaRetryReceipt(rctx, &info, f.msg.GetMediaKey())
	cancel()
	if err != nil {
		in.failAttempt(ctx, log, job, f, fmt.Errorf("ask the phone to upload it again: %w", err))
		return
	}
	log.Info("whatsapp media: expired on the server, asked the phone to upload it again")
	at := in.now()
	in.storeStep(ctx, log, "note retry", func(ctx context.Context) error {
		return in.st.MarkWAMediaRetryAsked(ctx, job.ID, at, at.Add(in.retryWait))
	})
}

// failAttempt counts a failed download and backs off, or gives the file
// up once MediaAttempts have failed.
func (in *Inbound) failAttempt(ctx context.Context, log *slog.Logger, job store.WAMedia, f *mediaFile, cause error) {
	attempt := job.Attempts + 1
	if attempt >= in.attempts {
		in.giveUp(ctx, log, job, f, cause.Error())
		return
	}
	log.Warn("whatsapp media: download failed, will retry", "attempt", attempt, "error", cause)
	in.storeStep(ctx, log, "record failure", func(ctx context.Context) error {
		return in.st.FailWAMediaAttempt(ctx, job.ID, cause.Error(), in.now().Add(in.backoff(attempt)))
	})
}

// giveUp ends a file that cannot be had, with a note in its thread; a
// customer's message then reaches the DMS with its caption alone.
func (in *Inbound) giveUp(ctx context.Context, log *slog.Logger, job store.WAMedia, f *mediaFile, reason string) {
	note := hub.SystemLine(0, "naryad", templates.SysMediaFailed, map[string]string{"file": f.noun(), "reason": reason})
	log.Warn("whatsapp media: given up", "reason", reason)
	in.storeStep(ctx, log, "give up", func(ctx context.Context) error {
		_, err := in.st.FinishWAMedia(ctx, job.ID, nil, &note)
		return err
	})
}

// storeStep runs one database step of the worker with a timeout; a
// failure leaves the row due, so the step comes again.
func (in *Inbound) storeStep(ctx context.Context, log *slog.Logger, what string, fn func(ctx context.Context) error) {
	sctx, cancel := context.WithTimeout(ctx, mediaStoreBudget)
	defer cancel()
	if err := fn(sctx); err != nil && ctx.Err() == nil {
		log.Error("whatsapp media: "+what, "error", err)
	}
}

// handleMediaRetry takes the phone's answer to a retry request: a new
// path for the file, written into the stored message and due now; or the
// phone no longer has it, and the file is given up. It returns false only
// when the database failed.
func (in *Inbound) handleMediaRetry(s Session, evt *events.MediaRetry) bool {
	log := in.log.With("account_id", s.Account.ID, "wa_id", string(evt.MessageID))
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	job, err := in.st.WAMediaByWAID(ctx, s.Account.ID, string(evt.MessageID))
	if errors.Is(err, store.ErrNotFound) {
		log.Debug("whatsapp media retry: no file waits for it")
		return true
	}
	if err != nil {
		log.Error("whatsapp media retry", "error", err)
		return false
	}
	log = log.With("media_id", job.ID, "message_id", job.MessageID)
	msg := &waE2E.Message{}
	f := (*mediaFile)(nil)
	if proto.Unmarshal(job.Proto, msg) == nil {
		f = mediaOf(msg)
	}
	if f == nil {
		return true // the worker gives it up on its next look
	}
	notif, err := whatsmeow.DecryptMediaRetryNotification(evt, f.msg.GetMediaKey())
	var step func(ctx context.Context) error
	switch {
	case errors.Is(err, whatsmeow.ErrMediaNotAvailableOnPhone) ||
		(err == nil && notif.GetResult() == waMmsRetry.MediaRetryNotification_NOT_FOUND):
		note := hub.SystemLine(0, "naryad", templates.SysMediaGone, map[string]string{"file": f.noun()})
		step = func(ctx context.Context) error { _, err := in.st.FinishWAMedia(ctx, job.ID, nil, &note); return err }
	case err != nil || notif.GetResult() != waMmsRetry.MediaRetryNotification_SUCCESS || notif.GetDirectPath() == "":
		reason := fmt.Sprintf("the phone did not upload it again (%s)", notif.GetResult())
		if err != nil {
			reason = err.Error()
		}
		log.Warn("whatsapp media retry failed", "reason", reason)
		step = func(ctx context.Context) error {
			return in.st.FailWAMediaAttempt(ctx, job.ID, reason, in.now().Add(in.backoff(job.Attempts+1)))
		}
	default:
		f.setPath(notif.GetDirectPath())
		raw, err := proto.Marshal(msg)
		if err != nil {
			log.Error("whatsapp media retry: encode", "error", err)
			return true
		}
		step = func(ctx context.Context) error { return in.st.SetWAMediaProto(ctx, job.ID, raw, in.now()) }
		defer in.signal()
	}
	if err := step(ctx); err != nil {
		log.Error("whatsapp media retry: not stored", "error", err)
		return false
	}
	return true
}
