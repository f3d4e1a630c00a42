package inbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/web/staffpage"
)

// assignLine is the thread page's line under its assignee: the latest
// assignment from the audit (who, when, why), the observers and the
// follow/unfollow button.
type assignLine struct {
	T         map[string]string
	URL, CSRF string
	Last      string // "Assigned 02.01 15:04: round robin"
	Observers string
	Following bool
}

// addAssignLine fills p.Assign for the thread page.
func (h *Handler) addAssignLine(ctx context.Context, c *fiber.Ctx, s staff.Staff, th hub.Thread, loc *time.Location, p *threadPage) error {
	tt := teamTexts[staffpage.Locale(c, teamTexts)]
	line := &assignLine{T: tt, URL: threadURL(th.ID), CSRF: s.CSRF}
	last, err := h.store.ThreadAssignments(ctx, th.ID, 1)
	if err != nil {
		return err
	}
	if len(last) == 1 {
		why := tt["r_"+last[0].Reason]
		if last[0].ByName != "" && last[0].Reason == "manual" {
			why += " (" + last[0].ByName + ")"
		}
		line.Last = fmt.Sprintf(tt["last_assignment"], last[0].At.In(loc).Format("02.01 15:04"), why)
	}
	observers, err := h.store.ThreadObservers(ctx, th.ID)
	if err != nil {
		return err
	}
	names := make([]string, len(observers))
	for i, u := range observers {
		names[i] = staffpage.DisplayName(u)
		line.Following = line.Following || u.ID == s.User.ID
	}
	line.Observers = strings.Join(names, ", ")
	p.Assign = line
	return nil
}

// follow is POST /inbox/threads/:id/follow: the user observes the thread
// (its messages count in their queue); repeating it changes nothing.
func (h *Handler) follow(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	if err := h.store.FollowThread(c.UserContext(), th.ID, s.User.ID); err != nil {
		return h.Internal(c, "follow thread", err)
	}
	return back(c, th, "")
}

// unfollow is POST /inbox/threads/:id/unfollow.
func (h *Handler) unfollow(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	if err := h.store.UnfollowThread(c.UserContext(), th.ID, s.User.ID); err != nil {
		return h.Internal(c, "unfollow thread", err)
	}
	return back(c, th, "")
}
