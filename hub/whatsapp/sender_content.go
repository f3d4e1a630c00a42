package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"naryad/hub"
	"naryad/hub/outbox"
)

// sendPart is one WhatsApp message of an outgoing message: the text, or
// one of its files.
type sendPart struct {
	msg  *waE2E.Message
	what string // for errors: "message", "file «Заказ-наряд.pdf»"
}

// content turns a message into what WhatsApp gets: each file uploaded and
// sent as a photo, video, audio or document, the words as the caption of
// the first file that takes one (audio takes none: then the words go first,
// on their own); with no files, the words as a text message.
func (s *Sender) content(ctx context.Context, cli Client, m outbox.Message) ([]sendPart, error) {
	files, err := s.store.Attachments(ctx, m.MessageID)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: %w", err)
	}
	if len(files) == 0 {
		return []sendPart{{msg: &waE2E.Message{Conversation: proto.String(m.Body)}, what: "message"}}, nil
	}
	captionAt := -1
	if m.Body != "" {
		for i, f := range files {
			if sendMediaType(f.ContentType) != whatsmeow.MediaAudio {
				captionAt = i
				break
			}
		}
	}
	var parts []sendPart
	if m.Body != "" && captionAt < 0 {
		parts = append(parts, sendPart{msg: &waE2E.Message{Conversation: proto.String(m.Body)}, what: "message"})
	}
	for i, f := range files {
		caption := ""
		if i == captionAt {
			caption = m.Body
		}
		p, err := s.filePart(ctx, cli, f, caption)
		if err != nil {
			return nil, err
		}
		parts = append(parts, p)
	}
	return parts, nil
}

// filePart reads a file from the media store and uploads it. A file gone
// from the data directory will not come back: the message is rerouted
// (the customer's page says what it can).
func (s *Sender) filePart(ctx context.Context, cli Client, f hub.Attachment, caption string) (sendPart, error) {
	what := fmt.Sprintf("file «%s»", f.Name)
	data, err := os.ReadFile(s.media.Path(f.SHA256))
	if errors.Is(err, fs.ErrNotExist) {
		return sendPart{}, outbox.Reroute("the %s is missing from the media store", what)
	}
	if err != nil {
		return sendPart{}, fmt.Errorf("whatsapp: read %s: %w", what, err)
	}
	kind := sendMediaType(f.ContentType)
	up, err := cli.Upload(ctx, data, kind)
	if err != nil {
		return sendPart{}, fmt.Errorf("whatsapp: upload %s: %w", what, err)
	}
	msg := sendFileMessage(kind, f, up, caption)
	describeFile(msg, data)
	return sendPart{msg: msg, what: what}, nil
}

// sendMediaType is how WhatsApp encrypts and shows a file of a content type.
func sendMediaType(contentType string) whatsmeow.MediaType {
	switch {
	case strings.HasPrefix(contentType, "image/"):
		return whatsmeow.MediaImage
	case strings.HasPrefix(contentType, "video/"):
		return whatsmeow.MediaVideo
	case strings.HasPrefix(contentType, "audio/"):
		return whatsmeow.MediaAudio
	}
	return whatsmeow.MediaDocument
}

// sendFileMessage is the WhatsApp message of an uploaded file, carrying
// the upload's keys and hashes so the customer's phone can fetch and
// decrypt it.
func sendFileMessage(kind whatsmeow.MediaType, f hub.Attachment, up whatsmeow.UploadResponse, caption string) *waE2E.Message {
	var capt *string
	if caption != "" {
		capt = proto.String(caption)
	}
	mime := proto.String(f.ContentType)
	switch kind {
	case whatsmeow.MediaImage:
		return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
			Caption: capt, Mimetype: mime, URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath),
			MediaKey: up.MediaKey, FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
		}}
	case whatsmeow.MediaVideo:
		return &waE2E.Message{VideoMessage: &waE2E.VideoMessage{
			Caption: capt, Mimetype: mime, URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath),
			MediaKey: up.MediaKey, FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
		}}
	case whatsmeow.MediaAudio:
		return &waE2E.Message{AudioMessage: &waE2E.AudioMessage{
			Mimetype: mime, URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath),
			MediaKey: up.MediaKey, FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
		}}
	}
	return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
		Caption: capt, Mimetype: mime, FileName: proto.String(f.Name), Title: proto.String(f.Name),
		URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath),
		MediaKey: up.MediaKey, FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
	}}
}
