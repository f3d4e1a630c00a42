package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"naryad/hub/store"
	"naryad/locker/station"
	"naryad/lockerhub"
	"naryad/lockerwire"
)

// localHub is the kiosk's link to the hub when both run in one process
// (`naryad serve --locker-port`): the same Sync the HTTP endpoint calls,
// without the network, so the locker works exactly as a separate kiosk.
type localHub struct {
	svc   *lockerhub.Service
	token string
}

func (l localHub) Sync(ctx context.Context, req lockerwire.SyncRequest) (lockerwire.SyncResponse, error) {
	site, err := l.svc.SiteByToken(ctx, l.token)
	if errors.Is(err, store.ErrNotFound) {
		return lockerwire.SyncResponse{}, errors.New("NARYAD_LOCKER_TOKEN is unknown or revoked: create one with `naryad locker site add`")
	}
	if err != nil {
		return lockerwire.SyncResponse{}, err
	}
	return l.svc.Sync(ctx, site, req)
}

// newStation builds the in-process locker when --locker-port is set; nil
// otherwise. The kiosk keeps its own small database under the data
// directory, as on a kiosk PC, so its offline rules are the same.
func (s *Server) newStation(ctx context.Context) (*station.Station, error) {
	if s.cfg.LockerPort == "" {
		return nil, nil
	}
	st, err := station.New(ctx, station.Options{
		Port: s.cfg.LockerPort, SetMeansOpen: s.cfg.LockBitOpen,
		Hub:     localHub{svc: s.lockers, token: s.cfg.LockerToken},
		DataDir: filepath.Join(s.cfg.DataDir, "kiosk"), Addr: s.cfg.KioskAddr, Logger: s.log.With("module", "locker"),
	})
	if err != nil {
		return nil, fmt.Errorf("locker on %s: %w", s.cfg.LockerPort, err)
	}
	return st, nil
}
