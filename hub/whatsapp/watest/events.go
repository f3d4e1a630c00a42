package watest

import (
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

// Builders of the events WhatsApp sends, as whatsmeow parses them.

// PhoneJID is a user's phone-number JID from digits ("79161234567").
func PhoneJID(digits string) types.JID { return types.NewJID(digits, types.DefaultUserServer) }

// LIDJID is a user's hidden (LID) identity.
func LIDJID(lid string) types.JID { return types.NewJID(lid, types.HiddenUserServer) }

// GroupJID is a group's JID.
func GroupJID(id string) types.JID { return types.NewJID(id, types.GroupServer) }

// Direct is a message from a user in their direct chat with the account,
// addressed by phone number.
func Direct(from types.JID, id, pushName string, m *waE2E.Message) *events.Message {
	return &events.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: from.ToNonAD(), Sender: from, AddressingMode: types.AddressingModePN},
			ID:            types.MessageID(id), PushName: pushName, Timestamp: time.Now().Truncate(time.Second), Type: "text",
		},
		Message: m,
	}
}

// DirectLID is a message from a user known by LID, with the phone number
// as the alternative address when WhatsApp gives it (pn may be empty).
func DirectLID(lid, pn types.JID, id, pushName string, m *waE2E.Message) *events.Message {
	e := Direct(lid, id, pushName, m)
	e.Info.AddressingMode = types.AddressingModeLID
	e.Info.SenderAlt = pn
	return e
}

// InGroup is a message a member wrote in a group.
func InGroup(group, from types.JID, id, pushName string, m *waE2E.Message) *events.Message {
	e := Direct(from, id, pushName, m)
	e.Info.Chat = group
	e.Info.IsGroup = true
	return e
}

// Text is a plain text message.
func Text(s string) *waE2E.Message { return &waE2E.Message{Conversation: proto.String(s)} }

// Image is a photo whose media sits at directPath (put the bytes in Fake.Media).
func Image(directPath, caption, mimetype string) *waE2E.Message {
	return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
		DirectPath: proto.String(directPath), Caption: proto.String(caption), Mimetype: proto.String(mimetype),
		MediaKey: []byte("0123456789abcdef0123456789abcdef"), FileLength: proto.Uint64(1),
	}}
}

// Document is a file with a name.
func Document(directPath, fileName, mimetype, caption string) *waE2E.Message {
	return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
		DirectPath: proto.String(directPath), FileName: proto.String(fileName), Mimetype: proto.String(mimetype),
		Caption: proto.String(caption), MediaKey: []byte("0123456789abcdef0123456789abcdef"), FileLength: proto.Uint64(1),
	}}
}

// Voice is a voice note.
func Voice(directPath string) *waE2E.Message {
	return &waE2E.Message{AudioMessage: &waE2E.AudioMessage{
		DirectPath: proto.String(directPath), Mimetype: proto.String("audio/ogg; codecs=opus"), PTT: proto.Bool(true),
		MediaKey: []byte("0123456789abcdef0123456789abcdef"), FileLength: proto.Uint64(1),
	}}
}

// Video is a video clip.
func Video(directPath, caption string) *waE2E.Message {
	return &waE2E.Message{VideoMessage: &waE2E.VideoMessage{
		DirectPath: proto.String(directPath), Caption: proto.String(caption), Mimetype: proto.String("video/mp4"),
		MediaKey: []byte("0123456789abcdef0123456789abcdef"), FileLength: proto.Uint64(1),
	}}
}

// Receipt reports messages the account sent as delivered or read
// (types.ReceiptTypeDelivered, types.ReceiptTypeRead) by the chat's user.
func Receipt(chat types.JID, typ types.ReceiptType, ids ...string) *events.Receipt {
	r := &events.Receipt{
		MessageSource: types.MessageSource{Chat: chat, Sender: chat},
		Timestamp:     time.Now(), Type: typ,
	}
	for _, id := range ids {
		r.MessageIDs = append(r.MessageIDs, types.MessageID(id))
	}
	return r
}
