package whatsapp

import (
	"fmt"
	"strings"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// content is what an incoming message says: its text (a file's caption)
// and the file to download, if any.
type content struct {
	text string
	file *mediaFile
}

// readContent reads a message, or says why it is not one the hub keeps:
// status updates, newsletters, edits and deletions, reactions and other
// protocol traffic, and anything without words or a file.
func readContent(evt *events.Message) (content, string) {
	m, info := evt.Message, evt.Info
	if why := chatIgnored(evt); why != "" {
		return content{}, why
	}
	switch {
	case m == nil:
		return content{}, "no content"
	case evt.IsEdit || info.Edit != types.EditAttributeEmpty:
		return content{}, "edit or revoke"
	case m.GetProtocolMessage() != nil:
		return content{}, "protocol message"
	case m.GetReactionMessage() != nil:
		return content{}, "reaction"
	}
	if f := mediaOf(m); f != nil {
		return content{text: cleanWords(f.caption, maxWordsRunes), file: f}, ""
	}
	text := m.GetConversation()
	if text == "" {
		text = m.GetExtendedTextMessage().GetText()
	}
	if loc := m.GetLocationMessage(); text == "" && loc != nil {
		text = strings.TrimSpace(fmt.Sprintf("Location: %.6f, %.6f %s %s", loc.GetDegreesLatitude(), loc.GetDegreesLongitude(),
			loc.GetName(), loc.GetAddress()))
	}
	if c := m.GetContactMessage(); text == "" && c != nil {
		text = strings.TrimSpace("Contact: " + c.GetDisplayName() + "\n" + c.GetVcard())
	}
	if text = cleanWords(text, maxWordsRunes); text == "" {
		return content{}, "no text or file"
	}
	return content{text: text}, ""
}

// chatIgnored says why the hub keeps nothing of a chat (status updates,
// one's own broadcast lists, newsletters); "" for the chats it keeps.
func chatIgnored(evt *events.Message) string {
	info := evt.Info
	switch {
	case info.Chat == types.StatusBroadcastJID:
		return "status broadcast"
	case info.Chat.Server == types.BroadcastServer && info.IsFromMe:
		return "own broadcast list"
	case info.Chat.Server == types.NewsletterServer:
		return "newsletter"
	}
	return ""
}
