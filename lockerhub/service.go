// Package lockerhub is the hub's end of the key lockers: it takes what a
// kiosk reports through lockerwire (events, its compartments), records it
// once, reacts to it (a line in the work order's thread, a locker_event
// change for the DMS, alarms for staff, messages to the customer), and hands
// the kiosk what it needs to decide on its own while the hub is away:
// compartments, work orders with their hashed codes, staff PINs and remote
// openings. It also issues the codes customers type at the kiosk.
package lockerhub

import (
	"context"
	"errors"
	"fmt"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/lockerwire"
	"naryad/templates"
)

// Service records kiosk syncs and issues locker codes.
type Service struct {
	store  *store.Store
	texts  *templates.Renderer
	links  *hub.Links
	zones  hub.Zones
	queued func() // called after a commit that queued messages (wakes the outbox)
}

// New builds the service; queued may be nil.
func New(st *store.Store, texts *templates.Renderer, links *hub.Links, queued func()) *Service {
	if queued == nil {
		queued = func() {}
	}
	return &Service{store: st, texts: texts, links: links, queued: queued}
}

// SiteByToken finds the live site a kiosk token belongs to; store.ErrNotFound
// when none does (unknown or revoked).
func (s *Service) SiteByToken(ctx context.Context, token string) (hub.LockerSite, error) {
	return s.store.LockerSiteByTokenHash(ctx, hub.HashToken(token))
}

// InvalidError is a sync request refused for its content; nothing of it
// was stored.
type InvalidError struct{ msg string }

func (e *InvalidError) Error() string { return e.msg }

func invalidf(format string, args ...any) error {
	return &InvalidError{fmt.Sprintf(format, args...)}
}

// IsInvalid tells whether err refuses the request for its content.
func IsInvalid(err error) bool {
	var inv *InvalidError
	return errors.As(err, &inv)
}

// Sync records a kiosk's report and answers with what it needs next. The
// request is validated first and stored in one transaction: every event
// once (a re-sent one changes nothing and is still accepted), each new one
// with its effects, then the kiosk's view of its compartments.
func (s *Service) Sync(ctx context.Context, site hub.LockerSite, req lockerwire.SyncRequest) (lockerwire.SyncResponse, error) {
	branch, err := s.store.Branch(ctx, site.BranchID)
	if err != nil {
		return lockerwire.SyncResponse{}, fmt.Errorf("sync locker site %d: %w", site.ID, err)
	}
	compartments, err := s.store.LockerCompartments(ctx, site.ID)
	if err != nil {
		return lockerwire.SyncResponse{}, fmt.Errorf("sync locker site %d: %w", site.ID, err)
	}
	if err := s.validate(ctx, site, compartments, req); err != nil {
		return lockerwire.SyncResponse{}, err
	}
	queued := false
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		r := newRecorder(s, tx, site, branch, compartments)
		for _, e := range req.Events {
			if err := r.record(ctx, e); err != nil {
				return fmt.Errorf("event %q (%s): %w", e.ID, e.Kind, err)
			}
		}
		if err := tx.MirrorLockerCompartments(ctx, site.ID, req.Compartments); err != nil {
			return err
		}
		queued = r.queued
		return tx.TouchLockerSite(ctx, site.ID, time.Now())
	})
	if err != nil {
		return lockerwire.SyncResponse{}, fmt.Errorf("sync locker site %d: %w", site.ID, err)
	}
	if queued {
		s.queued()
	}
	resp, err := s.answer(ctx, site, branch, req.Known)
	if err != nil {
		return lockerwire.SyncResponse{}, fmt.Errorf("sync locker site %d: answer: %w", site.ID, err)
	}
	resp.Accepted = make([]string, len(req.Events))
	for i, e := range req.Events {
		resp.Accepted[i] = e.ID
	}
	return resp, nil
}
