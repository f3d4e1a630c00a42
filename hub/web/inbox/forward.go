package inbox

import (
	"cmp"
	"errors"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// forward is POST /inbox/threads/:id/messages/:mid/forward: an internal
// message of this thread with files (a mechanic's photos) goes to the
// customer as the advisor's, with its comment (or a default text) and the
// same files. Anything else is refused.
func (h *Handler) forward(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
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
	if m.Direction != hub.DirectionNote {
		return back(c, th, "not_forwardable")
	}
	files, err := h.store.Attachments(ctx, m.ID)
	if err != nil {
		return h.Internal(c, "load attachments", err)
	}
	if len(files) == 0 {
		return back(c, th, "not_forwardable")
	}
	// The default text speaks the branch's language: it is for the customer.
	branch, err := h.store.Branch(ctx, th.BranchID)
	if err != nil {
		return h.Internal(c, "load branch", err)
	}
	words := texts[branch.Locale]
	if words == nil {
		words = texts["en"]
	}
	body, err := h.withPageLink(ctx, th, cmp.Or(m.Body, words["forward_default"]))
	if err != nil {
		return h.Internal(c, "customer link", err)
	}
	out, err := h.store.ForwardFiles(ctx, store.Outgoing{
		ThreadID: th.ID, Channel: th.Channel, Recipient: th.Phone, Body: body, Author: staffpage.DisplayName(s.User),
	}, files)
	if err != nil {
		return h.Internal(c, "forward message", err)
	}
	h.queued()
	h.Log.Info("inbox files forwarded", "thread_id", th.ID, "from_message_id", m.ID, "message_id", out.ID, "user_id", s.User.ID)
	return back(c, th, "")
}
