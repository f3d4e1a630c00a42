package whatsapp

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
)

// Client is the part of whatsmeow the hub uses.
type Client interface {
	Connect() error
	Disconnect()
	IsConnected() bool
	IsLoggedIn() bool
	Logout(ctx context.Context) error
	AddEventHandlerWithSuccessStatus(handler whatsmeow.EventHandlerWithSuccessStatus) uint32

	GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error)
	PairPhone(ctx context.Context, phone string, showPushNotification bool, clientType whatsmeow.PairClientType, clientDisplayName string) (string, error)

	GenerateMessageID() types.MessageID
	SendMessage(ctx context.Context, to types.JID, message *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error)
	Upload(ctx context.Context, plaintext []byte, appInfo whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
	Download(ctx context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error)
	SendMediaRetryReceipt(ctx context.Context, message *types.MessageInfo, mediaKey []byte) error
	IsOnWhatsApp(ctx context.Context, phones []string) ([]types.IsOnWhatsAppResponse, error)

	// Read receipts and "typing…" (signals.go).
	MarkRead(ctx context.Context, ids []types.MessageID, timestamp time.Time, chat, sender types.JID, receiptTypeExtra ...types.ReceiptType) error
	SendPresence(ctx context.Context, state types.Presence) error
	SendChatPresence(ctx context.Context, jid types.JID, state types.ChatPresence, media types.ChatPresenceMedia) error

	CreateGroup(ctx context.Context, req whatsmeow.ReqCreateGroup) (*types.GroupInfo, error)
	LeaveGroup(ctx context.Context, jid types.JID) error
	GetGroupInviteLink(ctx context.Context, jid types.JID, reset bool) (string, error)
}

// The real client is a Client.
var _ Client = (*whatsmeow.Client)(nil)

// NewClientFunc makes the client of one device (an account's session).
// Production passes NewWhatsmeowClient; tests pass a fake's constructor.
type NewClientFunc func(device *wastore.Device) Client

// NewWhatsmeowClient makes a real whatsmeow client. Acks for incoming
// messages are sent only after the hub's handler returned true (the message
// is stored), so a crash between receiving and storing makes WhatsApp
// deliver it again instead of losing it.
//
// A message whose handler failed (the database down, the disk full) is
// not acknowledged, and WhatsApp delivers it again after a reconnect (the
// session reconnects for that, see messageHandled). By then the signal
// session has moved past its ciphertext, which whatsmeow could no longer
// decrypt: the decrypted-event buffer (table whatsmeow_event_buffer) keeps
// the plaintext until a handler took it, so the redelivery is readable.
// A message that cannot be decrypted at all is asked again from the
// account's own phone (AutomaticMessageRerequestFromPhone); the thread
// shows a placeholder meanwhile (events.UndecryptableMessage).
//
// whatsmeow's own reconnecting is off: the Manager reconnects, with the
// hub's backoff, after recording the disconnection for the admin page, and
// it must be the only one deciding, or a ban or a replaced session would
// be reconnected behind its back.
func NewWhatsmeowClient(device *wastore.Device) Client {
	cli := whatsmeow.NewClient(device, nil)
	cli.SynchronousAck = true
	cli.EnableDecryptedEventBuffer = true
	cli.AutomaticMessageRerequestFromPhone = true
	cli.EnableAutoReconnect = false
	return cli
}
