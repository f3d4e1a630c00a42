package store

import (
	"time"

	"naryad/hub"
)

// zone is the IANA zone called name, loaded once per process (UTC for an
// unknown name, as hub.Branch.Location).
func (s *Store) zone(name string) *time.Location {
	if s.zones == nil { // a Store not made by Connect
		return hub.Branch{TimeZone: name}.Location()
	}
	return s.zones.Of(hub.Branch{TimeZone: name})
}
