package watest

import (
	"crypto/rand"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waMmsRetry"
	"go.mau.fi/whatsmeow/types/events"
	"go.mau.fi/whatsmeow/util/gcmutil"
	"go.mau.fi/whatsmeow/util/hkdfutil"
	"google.golang.org/protobuf/proto"
)

// MediaRetryFor is the phone's answer to a media-retry request for msg
// (an image, document, voice note, video or sticker message): the file was
// uploaded again and now sits at newDirectPath (put its bytes in
// Fake.Media). It is encrypted with the message's media key exactly as
// WhatsApp does, so whatsmeow.DecryptMediaRetryNotification reads it.
func MediaRetryFor(msg *events.Message, newDirectPath string) (*events.MediaRetry, error) {
	notif := &waMmsRetry.MediaRetryNotification{
		StanzaID:   proto.String(string(msg.Info.ID)),
		DirectPath: proto.String(newDirectPath),
		Result:     waMmsRetry.MediaRetryNotification_SUCCESS.Enum(),
	}
	return encryptRetry(msg, notif)
}

// MediaRetryNotFound is the phone's answer when it no longer has the file.
func MediaRetryNotFound(msg *events.Message) (*events.MediaRetry, error) {
	notif := &waMmsRetry.MediaRetryNotification{
		StanzaID: proto.String(string(msg.Info.ID)),
		Result:   waMmsRetry.MediaRetryNotification_NOT_FOUND.Enum(),
	}
	return encryptRetry(msg, notif)
}

func encryptRetry(msg *events.Message, notif *waMmsRetry.MediaRetryNotification) (*events.MediaRetry, error) {
	key := mediaKeyOf(msg.Message)
	if key == nil {
		return nil, fmt.Errorf("message %s has no media key", msg.Info.ID)
	}
	plain, err := proto.Marshal(notif)
	if err != nil {
		return nil, fmt.Errorf("encode media retry notification: %w", err)
	}
	iv := make([]byte, 12)
	if _, err := rand.Read(iv); err != nil {
		return nil, err
	}
	// The key derivation of whatsmeow's mediaretry.go (getMediaRetryKey).
	cipherKey := hkdfutil.SHA256(key, nil, []byte("WhatsApp Media Retry Notification"), 32)
	ciphertext, err := gcmutil.Encrypt(cipherKey, iv, plain, []byte(msg.Info.ID))
	if err != nil {
		return nil, fmt.Errorf("encrypt media retry notification: %w", err)
	}
	return &events.MediaRetry{
		Ciphertext: ciphertext, IV: iv, Timestamp: time.Now(),
		MessageID: msg.Info.ID, ChatID: msg.Info.Chat, SenderID: msg.Info.Sender, FromMe: msg.Info.IsFromMe,
	}, nil
}

func mediaKeyOf(m *waE2E.Message) []byte {
	switch {
	case m.GetImageMessage() != nil:
		return m.GetImageMessage().GetMediaKey()
	case m.GetDocumentMessage() != nil:
		return m.GetDocumentMessage().GetMediaKey()
	case m.GetAudioMessage() != nil:
		return m.GetAudioMessage().GetMediaKey()
	case m.GetVideoMessage() != nil:
		return m.GetVideoMessage().GetMediaKey()
	case m.GetStickerMessage() != nil:
		return m.GetStickerMessage().GetMediaKey()
	}
	return nil
}
