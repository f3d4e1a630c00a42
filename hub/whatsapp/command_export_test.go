package whatsapp

import "naryad/cli"

// The commands with the client constructor as a parameter, for tests that
// hand them the fake WhatsApp (the exported commands use whatsmeow's).
var (
	LinkCommandWith   = func(c NewClientFunc) cli.Command { return linkCommand(c, nil) }
	LogoutCommandWith = func(c NewClientFunc) cli.Command { return logoutCommand(c, nil) }
)
