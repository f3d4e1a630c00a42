package inbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// maxText bounds a reply or a note (an SMS of ten segments and then some).
const maxText = 2000

// The thread page's forms. Each posts, acts and redirects back to the page
// (post-redirect-get); a refused form comes back with ?err=<key>.

// back redirects to the thread page, with an error key when errKey is set.
func back(c *fiber.Ctx, th hub.Thread, errKey string) error {
	to := threadURL(th.ID)
	if errKey != "" {
		to += "?err=" + errKey
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// formText reads the "text" field: trimmed, required, bounded.
func formText(c *fiber.Ctx) (string, string) {
	text := strings.TrimSpace(c.FormValue("text"))
	switch {
	case text == "":
		return "", "empty"
	case utf8.RuneCountInString(text) > maxText:
		return "", "too_long"
	}
	return text, ""
}

// reply is POST /inbox/threads/:id/messages: the advisor's text, queued to
// the customer on the thread's channel and number. The advisor is the
// author, so the reply stops the first-response clock.
//
// On an SMS thread the customer's page link follows the text, so the
// customer can answer; a WhatsApp customer answers in WhatsApp.
func (h *Handler) reply(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	files, errKey := h.replyFiles(c)
	if errKey != "" {
		return back(c, th, errKey)
	}
	text, errKey := formText(c)
	if errKey == "empty" && len(files) > 0 {
		errKey = "" // a photo or a document may go without words
	}
	if errKey != "" {
		return back(c, th, errKey)
	}
	quoted, errKey, err := h.replyQuote(c, s, th)
	if err != nil {
		return h.Internal(c, "load quoted message", err)
	}
	if errKey != "" {
		return back(c, th, errKey)
	}
	body, err := h.withPageLink(c.UserContext(), th, text)
	if err != nil {
		return h.Internal(c, "customer link", err)
	}
	err = h.queueReply(c.UserContext(), store.Outgoing{
		ThreadID: th.ID, Channel: th.Channel, Recipient: th.Phone, Body: strings.TrimPrefix(body, "\n"), Author: staffpage.DisplayName(s.User),
	}, files, quoted)
	if err != nil {
		return h.Internal(c, "queue reply", err)
	}
	h.queued()
	h.Log.Info("inbox reply queued", "thread_id", th.ID, "user_id", s.User.ID)
	return back(c, th, "")
}

// withPageLink adds the customer's page link under body on an SMS thread,
// so the customer can answer and see the files; a WhatsApp customer
// answers in WhatsApp and gets the files there. A revoked link adds nothing.
func (h *Handler) withPageLink(ctx context.Context, th hub.Thread, body string) (string, error) {
	if h.customerLink == nil || th.Channel != hub.ChannelSMS {
		return body, nil
	}
	link, err := h.customerLink(ctx, th)
	if err != nil || link == "" {
		return body, err
	}
	return body + "\n" + link, nil
}

// note is POST /inbox/threads/:id/notes: a private note for colleagues,
// never queued to the customer.
func (h *Handler) note(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	text, errKey := formText(c)
	if errKey != "" {
		return back(c, th, errKey)
	}
	m := hub.Message{ThreadID: th.ID, Direction: hub.DirectionNote, Body: text, Author: staffpage.DisplayName(s.User)}
	if err := h.store.AddMessage(c.UserContext(), &m); err != nil {
		return h.Internal(c, "add note", err)
	}
	return back(c, th, "")
}

// assign is POST /inbox/threads/:id/assign with user=me or the id of an
// advisor or admin working at the thread's branch; audited in the audit
// log and in the thread's assignment audit (reason manual). The store
// checks the person in the assignment's transaction: an id of no colleague
// here comes back as ?err=bad_user; a mechanic, or a colleague disabled
// since the page offered them, is a 422 with the page saying why.
func (h *Handler) assign(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	ctx := c.UserContext() // bounded by withThread
	to := s.User.ID
	if want := c.FormValue("user"); want != "me" {
		id, err := strconv.ParseInt(want, 10, 64)
		if err != nil || id <= 0 {
			return back(c, th, "bad_user")
		}
		to = id
	}
	err := h.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.AssignThreadBy(ctx, th.ID, &to, store.ReasonManual, &s.User.ID); err != nil {
			return err
		}
		u, err := tx.User(ctx, to)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, h.auditEntry(c, s, store.AuditAssign, th, fmt.Sprintf("assignee=%d (%s)", u.ID, u.Login)))
	})
	switch {
	case errors.Is(err, store.ErrNotBranchStaff):
		return back(c, th, "bad_user")
	case errors.Is(err, store.ErrNotAssignable):
		return h.refuseThread(c, s, th, fiber.StatusUnprocessableEntity, "not_assignable")
	case errors.Is(err, store.ErrUserDisabled):
		return h.refuseThread(c, s, th, fiber.StatusUnprocessableEntity, "user_gone")
	case err != nil:
		return h.Internal(c, "assign thread", err)
	}
	return back(c, th, "")
}

// threadErrKey carries, in the request's locals, the error key a refused
// form shows the thread page with (instead of ?err= after a redirect).
type threadErrKey struct{}

// refuseThread shows the thread page with status and the words of errKey;
// nothing was changed.
func (h *Handler) refuseThread(c *fiber.Ctx, s staff.Staff, th hub.Thread, status int, errKey string) error {
	c.Locals(threadErrKey{}, errKey)
	return h.showThread(c, s, th, status, nil)
}

// resolve is POST /inbox/threads/:id/resolve; audited.
func (h *Handler) resolve(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	return h.setState(c, s, th, hub.ThreadResolved, store.AuditResolve)
}

// reopen is POST /inbox/threads/:id/reopen; audited.
func (h *Handler) reopen(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	return h.setState(c, s, th, hub.ThreadOpen, store.AuditReopen)
}

func (h *Handler) setState(c *fiber.Ctx, s staff.Staff, th hub.Thread, state, action string) error {
	if th.State == state {
		return back(c, th, "")
	}
	ctx := c.UserContext()
	err := h.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetThreadState(ctx, th.ID, state); err != nil {
			return err
		}
		return tx.Audit(ctx, h.auditEntry(c, s, action, th, "from="+th.State))
	})
	if err != nil {
		return h.Internal(c, action+" thread", err)
	}
	return back(c, th, "")
}

func (h *Handler) auditEntry(c *fiber.Ctx, s staff.Staff, action string, th hub.Thread, detail string) store.AuditEntry {
	return store.AuditEntry{UserID: &s.User.ID, Action: action, Subject: fmt.Sprintf("thread %d", th.ID), Detail: detail, IP: c.IP()}
}

// resend is POST /inbox/threads/:id/messages/:mid/resend: a failed message
// of this thread goes back to the outbox.
func (h *Handler) resend(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	mid, err := c.ParamsInt("mid")
	if err != nil || mid <= 0 {
		return notFound(c)
	}
	ctx := c.UserContext()
	m, err := h.store.StaffMessage(ctx, s.BranchIDs, th.ID, int64(mid))
	if errors.Is(err, store.ErrNotFound) {
		return notFound(c)
	}
	if err != nil {
		return h.Internal(c, "load message", err)
	}
	if th.Phone == "" {
		return back(c, th, "no_phone")
	}
	if strings.Contains(m.Body, "/l/"+hub.LinkMask) {
		// Only the link's hash is kept: the words could go again, the
		// link could not. The advisor offers the car again instead.
		return back(c, th, "loan_link")
	}
	// The failed item's text was scrubbed of the page link's token; the
	// resend carries the thread's live link in its place.
	var page string
	if h.customerLink != nil {
		if page, err = h.customerLink(ctx, th); err != nil {
			return h.Internal(c, "customer link", err)
		}
	}
	err = h.store.RequeueMessage(ctx, m.ID, page)
	if errors.Is(err, store.ErrNotFailed) {
		return back(c, th, "not_failed")
	}
	if err != nil {
		return h.Internal(c, "resend message", err)
	}
	h.Log.Info("inbox message requeued", "thread_id", th.ID, "message_id", m.ID, "user_id", s.User.ID)
	return back(c, th, "")
}

// replyFiles stores the file attached to a reply, if any: a photo, a short
// video or a PDF, checked by its content. errKey names a refusal.
func (h *Handler) replyFiles(c *fiber.Ctx) (files []hub.Attachment, errKey string) {
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return nil, "" // no file: a plain text reply
	}
	if h.media == nil {
		return nil, "file_type"
	}
	f, err := h.saveUpload(fh, true)
	switch {
	case errors.Is(err, errFileSize):
		return nil, "file_too_big"
	case err != nil:
		return nil, "file_type"
	}
	return []hub.Attachment{{SHA256: f.SHA256, Name: f.Name, ContentType: f.ContentType, SizeBytes: f.SizeBytes}}, ""
}
