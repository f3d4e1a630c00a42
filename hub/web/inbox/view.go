package inbox

import (
	"html/template"

	"naryad/hub"
)

var viewFuncs = template.FuncMap{
	"snippet":     snippet,
	"channelIcon": channelIcon,
}

// snippet shortens a message body for the list and a notification.
func snippet(s string) string {
	r := []rune(s)
	if len(r) <= 90 {
		return s
	}
	return string(r[:90]) + "…"
}

// channelIcons are the channels' inline SVG glyphs (16×16, currentColor):
// a chat bubble with a handset for WhatsApp, a plain bubble for SMS, a
// globe for the customer's web page. Constant markup, no user data.
var channelIcons = map[string]string{
	hub.ChannelWhatsApp: `<circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M1.8 14.6l1-3" stroke="currentColor" stroke-width="1.5"/><path d="M5.6 5.2c.3-.5.8-.5 1 0l.5 1.1-.6.7c.4.9 1.1 1.6 2 2l.7-.6 1.1.5c.5.2.5.7 0 1-1.9 1.3-5.9-2.6-4.7-4.7z" fill="currentColor"/>`,
	hub.ChannelSMS:      `<path d="M2 3h12v8H6l-3 3v-3H2z" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/><circle cx="5.5" cy="7" r="1" fill="currentColor"/><circle cx="8" cy="7" r="1" fill="currentColor"/><circle cx="10.5" cy="7" r="1" fill="currentColor"/>`,
	"web":               `<circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M1.5 8h13M8 1.5c-2.4 2.8-2.4 10.2 0 13M8 1.5c2.4 2.8 2.4 10.2 0 13" fill="none" stroke="currentColor" stroke-width="1.2"/>`,
}

// channelIcon draws a channel's icon named by label (its text alternative,
// read by screen readers and shown as a tooltip); an unknown channel is
// drawn as the web page's.
func channelIcon(channel, label string) template.HTML {
	glyph, ok := channelIcons[channel]
	if !ok {
		channel, glyph = "web", channelIcons["web"]
	}
	return template.HTML(`<svg class="ch ch-` + channel + `" viewBox="0 0 16 16" width="16" height="16" role="img" aria-label="` +
		template.HTMLEscapeString(label) + `"><title>` + template.HTMLEscapeString(label) + `</title>` + glyph + `</svg>`)
}
