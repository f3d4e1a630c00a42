package whatsapp

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"go.mau.fi/whatsmeow"
	wastore "go.mau.fi/whatsmeow/store"
)

// webVersionTimeout bounds asking web.whatsapp.com for its version: a hub
// that cannot reach it starts with the built-in one rather than waiting.
const webVersionTimeout = 10 * time.Second

// WebVersionFunc asks WhatsApp which web client version is current.
type WebVersionFunc func(ctx context.Context) (wastore.WAVersionContainer, error)

// LatestWebVersion asks web.whatsapp.com for the current web client
// version (whatsmeow.GetLatestVersion). WhatsApp refuses a client that
// advertises a version it no longer supports (405 "client outdated"), and
// the version built into whatsmeow ages between releases.
func LatestWebVersion(ctx context.Context) (wastore.WAVersionContainer, error) {
	ctx, cancel := context.WithTimeout(ctx, webVersionTimeout)
	defer cancel()
	v, err := whatsmeow.GetLatestVersion(ctx, &http.Client{Timeout: webVersionTimeout})
	if err != nil {
		return wastore.WAVersionContainer{}, err
	}
	return *v, nil
}

// useLatestWebVersion makes every client of this process advertise the
// current web client version, once per manager (one per process): the
// version is a process-wide variable of whatsmeow, read by every
// connection, so it is set before the first session or linking connects
// and never while one does. Without a WebVersion option (tests with a
// fake client) nothing is asked; when asking fails the built-in version
// stays and the log says why.
func (m *Manager) useLatestWebVersion(ctx context.Context) {
	m.version.Do(func() {
		if m.opts.WebVersion == nil {
			return
		}
		builtIn := wastore.GetWAVersion()
		ctx, cancel := context.WithTimeout(ctx, webVersionTimeout)
		defer cancel()
		v, err := m.opts.WebVersion(ctx)
		switch {
		case err != nil:
			m.log.Warn("whatsapp: cannot ask WhatsApp for the current web version; the built-in one is used",
				"version", builtIn.String(), "error", err)
		case v.IsZero():
			m.log.Warn("whatsapp: WhatsApp named no web version; the built-in one is used", "version", builtIn.String())
		default:
			wastore.SetWAVersion(v)
			m.log.Info("whatsapp: web client version", "version", v.String(), "built_in", builtIn.String())
		}
	})
}

// describeVersion is the version clients advertise, for staff tasks.
func describeVersion() string { return fmt.Sprintf("WhatsApp Web %s", wastore.GetWAVersion().String()) }
