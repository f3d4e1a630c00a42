package hub

import (
	"sync"
	"time"
)

// Zones hands out time zones, each loaded once: loading one reads and
// parses the zone database, which hot paths (every ingested event, every
// open page) should not repeat. The zero value is ready; safe for
// concurrent use.
type Zones struct {
	m sync.Map // name → *time.Location
}

// Of returns the branch's time zone (UTC for an unknown name, as
// Branch.Location).
func (z *Zones) Of(b Branch) *time.Location {
	if loc, ok := z.m.Load(b.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc := b.Location()
	z.m.Store(b.TimeZone, loc)
	return loc
}
