package whatsapp

import (
	"fmt"
	"log/slog"

	waLog "go.mau.fi/whatsmeow/util/log"
)

// slogWA hands whatsmeow's log lines to slog. Debug lines are dropped:
// whatsmeow logs every frame at that level, far too much for the hub's log.
type slogWA struct {
	log    *slog.Logger
	module string
}

// newWALogger is whatsmeow's logger for a slog logger (slog.Default when nil).
func newWALogger(log *slog.Logger, module string) waLog.Logger {
	if log == nil {
		log = slog.Default()
	}
	return slogWA{log: log, module: module}
}

func (l slogWA) Errorf(msg string, args ...any) {
	l.log.Error(fmt.Sprintf(msg, args...), "whatsmeow", l.module)
}
func (l slogWA) Warnf(msg string, args ...any) {
	l.log.Warn(fmt.Sprintf(msg, args...), "whatsmeow", l.module)
}
func (l slogWA) Infof(msg string, args ...any) {
	l.log.Info(fmt.Sprintf(msg, args...), "whatsmeow", l.module)
}
func (l slogWA) Debugf(string, ...any) {}

// Sub names a part of whatsmeow, e.g. "Database/Upgrade".
func (l slogWA) Sub(module string) waLog.Logger {
	if l.module != "" {
		module = l.module + "/" + module
	}
	return slogWA{log: l.log, module: module}
}
