package whatsapp

// The commands with the client constructor as a parameter, for tests that
// hand them the fake WhatsApp (the exported commands use whatsmeow's).
var (
	LinkCommandWith   = linkCommand
	LogoutCommandWith = logoutCommand
)
