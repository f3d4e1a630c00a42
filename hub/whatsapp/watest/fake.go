// Package watest is a fake WhatsApp for tests: a whatsapp.Client that
// records what the hub sends and lets a test emit whatsmeow's own event
// structs (events.Message with waE2E messages, receipts, LoggedOut,
// TemporaryBan, Disconnected, …) as if they came from WhatsApp's servers.
// It is the only fake of the channel: everything behind it is the hub's
// real code, on a real database.
package watest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"naryad/hub/whatsapp"
)

// Sent is one message the hub sent.
type Sent struct {
	To      types.JID
	Message *waE2E.Message
	ID      types.MessageID
}

// Fake is one account's fake client. Its exported fields configure it;
// set them before the hub uses the client, or under Lock.
type Fake struct {
	sync.Mutex
	Device *wastore.Device

	// OnWhatsApp lists the numbers (digits only, no '+') IsOnWhatsApp finds.
	OnWhatsApp map[string]bool
	// ConnectErr, when set, fails Connect (called with the attempt number, from 1).
	ConnectErr func(attempt int) error
	// RefuseConnect, when set, has WhatsApp refuse the connection once it
	// is made, with the reason it returns for the attempt (0 accepts): as
	// in whatsmeow, Connect then returns nil and the refusal arrives as an
	// event (405 as events.ClientOutdated, see refusal).
	RefuseConnect func(attempt int) events.ConnectFailureReason
	// DecryptedEventBuffer is whatsmeow's Client.EnableDecryptedEventBuffer
	// (off by default there too): without it, a message redelivered after
	// its handler failed can no longer be decrypted and is dropped (see Deliver).
	DecryptedEventBuffer bool
	// SendErr, when set, fails SendMessage to a chat (Err463 is WhatsApp's
	// refusal of a message without the new contact's privacy token).
	SendErr func(to types.JID, m *waE2E.Message) error
	// BlocksGroupAdds lists the numbers (digits) whose privacy settings
	// let nobody add them to a group: CreateGroup leaves them out with
	// error 403 and an invite request, as WhatsApp does.
	BlocksGroupAdds map[string]bool
	// Media maps a direct path to the bytes Download returns; MediaErr
	// fails Download for a direct path (e.g. whatsmeow.ErrMediaDownloadFailedWith410).
	Media    map[string][]byte
	MediaErr map[string]error
	// QRCodes are sent down GetQRChannel's channel; PairResult ends it
	// (whatsmeow.QRChannelSuccess by default, after which the device gets JID PairJID).
	QRCodes    []string
	PairResult *whatsmeow.QRChannelItem
	PairJID    types.JID

	handlers     []whatsmeow.EventHandlerWithSuccessStatus
	connected    bool
	connects     int
	sent         []Sent
	attempts     []Sent
	invites      []types.JID
	uploads      [][]byte
	retries      []types.MessageID
	groups       []whatsmeow.ReqCreateGroup
	left         []types.JID
	checked      []string
	nextID       int
	qrRelease    chan struct{}
	disconnected int
	queued       []queuedMessage   // not acknowledged: WhatsApp delivers them at the next Connect
	lost         []types.MessageID // redelivered without the buffer: undecryptable, dropped
	reads        []ReadMark        // signals.go
	presence     []types.Presence  // signals.go
	chatStates   []ChatState       // signals.go
}

// New makes a fake for a device; a NewClientFunc closing over a registry
// of fakes is what a test hands the hub.
func New(device *wastore.Device) *Fake {
	return &Fake{Device: device, OnWhatsApp: map[string]bool{}, Media: map[string][]byte{}, MediaErr: map[string]error{},
		BlocksGroupAdds: map[string]bool{}}
}

// The fake is a client.
var _ whatsapp.Client = (*Fake)(nil)

// Registry hands out one fake per device JID (or per new device), so a test
// can reach the fake the hub is using for an account.
type Registry struct {
	mu    sync.Mutex
	fakes []*Fake
	// Setup, when set, configures each new fake before the hub gets it.
	Setup func(*Fake)
}

// NewClient is the registry's whatsapp.NewClientFunc.
func (r *Registry) NewClient(device *wastore.Device) whatsapp.Client {
	f := New(device)
	if r.Setup != nil {
		r.Setup(f)
	}
	r.mu.Lock()
	r.fakes = append(r.fakes, f)
	r.mu.Unlock()
	return f
}

// All lists the fakes made so far, oldest first.
func (r *Registry) All() []*Fake {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Fake(nil), r.fakes...)
}

// For returns the newest fake whose device has the JID (user part), or nil.
func (r *Registry) For(user string) *Fake {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.fakes) - 1; i >= 0; i-- {
		f := r.fakes[i]
		f.Lock()
		id := f.Device.ID
		f.Unlock()
		if id != nil && id.User == user {
			return f
		}
	}
	return nil
}

// Emit delivers an event to the hub's handlers as whatsmeow would, on the
// caller's goroutine, and reports whether every handler succeeded (for a
// message: whether it would be acknowledged).
func (f *Fake) Emit(evt any) bool {
	f.Lock()
	hs := append([]whatsmeow.EventHandlerWithSuccessStatus(nil), f.handlers...)
	f.Unlock()
	ok := true
	for _, h := range hs {
		ok = h(evt) && ok
	}
	return ok
}

// Connect counts the attempt, fails it when ConnectErr says so, and
// otherwise connects and emits Connected.
func (f *Fake) Connect() error {
	f.Lock()
	f.connects++
	n, connErr := f.connects, f.ConnectErr
	f.Unlock()
	if connErr != nil {
		if err := connErr(n); err != nil {
			return err
		}
	}
	if reason := f.refusal(n); reason != 0 {
		f.Emit(refusalEvent(reason))
		return nil
	}
	f.Lock()
	f.connected = true
	f.Unlock()
	f.Emit(&events.Connected{})
	f.redeliver()
	return nil
}

// Disconnect drops the connection (whatsmeow emits nothing for a
// disconnect the client asked for).
func (f *Fake) Disconnect() {
	f.Lock()
	f.connected = false
	f.disconnected++
	f.Unlock()
}

// Drop simulates the server closing the connection: Disconnected is emitted.
func (f *Fake) Drop() {
	f.Lock()
	f.connected = false
	f.Unlock()
	f.Emit(&events.Disconnected{})
}

func (f *Fake) IsConnected() bool { f.Lock(); defer f.Unlock(); return f.connected }
func (f *Fake) IsLoggedIn() bool {
	f.Lock()
	defer f.Unlock()
	return f.connected && f.Device.ID != nil
}

// Connects counts Connect calls.
func (f *Fake) Connects() int { f.Lock(); defer f.Unlock(); return f.connects }

// Logout unlinks the device as whatsmeow does: its session is deleted.
func (f *Fake) Logout(ctx context.Context) error {
	f.Lock()
	f.connected = false
	f.Unlock()
	if f.Device.ID == nil {
		return errors.New("not logged in")
	}
	return f.Device.Delete(ctx)
}

func (f *Fake) AddEventHandlerWithSuccessStatus(h whatsmeow.EventHandlerWithSuccessStatus) uint32 {
	f.Lock()
	defer f.Unlock()
	f.handlers = append(f.handlers, h)
	return uint32(len(f.handlers))
}

// GetQRChannel sends QRCodes one by one, then PairResult. On success the
// device gets PairJID (saved to its store, as whatsmeow does) and
// PairSuccess and Connected are emitted first.
func (f *Fake) GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	f.Lock()
	codes, result, jid := append([]string(nil), f.QRCodes...), f.PairResult, f.PairJID
	f.qrRelease = make(chan struct{})
	release := f.qrRelease
	f.Unlock()
	if result == nil {
		result = &whatsmeow.QRChannelSuccess
	}
	ch := make(chan whatsmeow.QRChannelItem, len(codes)+1)
	go func() {
		defer close(ch)
		for _, c := range codes {
			select {
			case ch <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: c, Timeout: 20 * time.Second}:
			case <-ctx.Done():
				return
			}
		}
		select { // a test calls ScanQR to finish, as a phone scanning the code
		case <-release:
		case <-ctx.Done():
			return
		}
		if *result == whatsmeow.QRChannelSuccess {
			if err := f.pair(ctx, jid); err != nil {
				ch <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventError, Error: err}
				return
			}
		}
		ch <- *result
	}()
	return ch, nil
}

// ScanQR finishes a GetQRChannel as a phone scanning the code would.
func (f *Fake) ScanQR() {
	f.Lock()
	defer f.Unlock()
	if f.qrRelease != nil {
		close(f.qrRelease)
		f.qrRelease = nil
	}
}

func (f *Fake) pair(ctx context.Context, jid types.JID) error {
	if jid.IsEmpty() {
		jid = types.NewJID("48500100200", types.DefaultUserServer)
		jid.Device = 7
	}
	f.Lock()
	SignedByPhone(f.Device) // the identity a phone signs when linking
	f.Device.ID = &jid
	f.Unlock()
	if err := f.Device.Save(ctx); err != nil {
		return fmt.Errorf("fake pair: %w", err)
	}
	f.Lock()
	f.connected = true
	f.Unlock()
	f.Emit(&events.PairSuccess{ID: jid})
	f.Emit(&events.Connected{})
	return nil
}

// PairPhone returns a fixed code; a test finishes with ScanQR-like Pair.
func (f *Fake) PairPhone(ctx context.Context, phone string, _ bool, _ whatsmeow.PairClientType, _ string) (string, error) {
	if strings.TrimLeft(phone, "0123456789") != "" || phone == "" {
		return "", errors.New("phone must be digits only")
	}
	return "FAKE-CODE", nil
}

// Pair completes a phone-code pairing as the phone would.
func (f *Fake) Pair(ctx context.Context, jid types.JID) error { return f.pair(ctx, jid) }

// Err463 is the error whatsmeow returns when WhatsApp refuses a message
// to a new contact for want of their privacy token.
var Err463 = fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 463)

// GenerateMessageID makes a new id, as whatsmeow's does (3EB0…).
func (f *Fake) GenerateMessageID() types.MessageID {
	f.Lock()
	defer f.Unlock()
	f.nextID++
	return types.MessageID(fmt.Sprintf("3EB0FAKE%06d", f.nextID))
}

// SendMessage records the attempt and the message under the id the
// caller chose (SendRequestExtra.ID) or a new one, unless the fake is not
// connected, SendErr fails it, or a file message lacks what Upload returns
// (WhatsApp takes it, but no phone can fetch the file: the hub must never
// send one).
func (f *Fake) SendMessage(ctx context.Context, to types.JID, m *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	if len(extra) > 1 {
		return whatsmeow.SendResponse{}, errors.New("only one extra parameter may be provided to SendMessage")
	}
	var id types.MessageID
	if len(extra) == 1 {
		id = extra[0].ID
	}
	if id == "" {
		id = f.GenerateMessageID()
	}
	if to.Device > 0 {
		return whatsmeow.SendResponse{}, whatsmeow.ErrRecipientADJID
	}
	f.Lock()
	sendErr, connected := f.SendErr, f.connected
	f.attempts = append(f.attempts, Sent{To: to, Message: m, ID: id})
	f.Unlock()
	if !connected {
		return whatsmeow.SendResponse{}, whatsmeow.ErrNotConnected
	}
	if err := checkMediaFields(m); err != nil {
		return whatsmeow.SendResponse{}, err
	}
	if sendErr != nil {
		if err := sendErr(to, m); err != nil {
			return whatsmeow.SendResponse{}, err
		}
	}
	f.Lock()
	defer f.Unlock()
	f.sent = append(f.sent, Sent{To: to, Message: m, ID: id})
	return whatsmeow.SendResponse{ID: id, Timestamp: time.Now()}, nil
}

// Attempts lists every SendMessage call, failed ones too, oldest first.
func (f *Fake) Attempts() []Sent {
	f.Lock()
	defer f.Unlock()
	return append([]Sent(nil), f.attempts...)
}

// checkMediaFields fails a file message that lacks a field Upload returns.
func checkMediaFields(m *waE2E.Message) error {
	type media interface {
		GetURL() string
		GetDirectPath() string
		GetMediaKey() []byte
		GetFileEncSHA256() []byte
		GetFileSHA256() []byte
		GetFileLength() uint64
	}
	var file media
	switch {
	case m.GetImageMessage() != nil:
		file = m.GetImageMessage()
	case m.GetVideoMessage() != nil:
		file = m.GetVideoMessage()
	case m.GetAudioMessage() != nil:
		file = m.GetAudioMessage()
	case m.GetDocumentMessage() != nil:
		file = m.GetDocumentMessage()
	case m.GetStickerMessage() != nil:
		file = m.GetStickerMessage()
	default:
		return nil
	}
	var missing []string
	for name, empty := range map[string]bool{
		"URL": file.GetURL() == "", "DirectPath": file.GetDirectPath() == "", "MediaKey": len(file.GetMediaKey()) == 0,
		"FileEncSHA256": len(file.GetFileEncSHA256()) == 0, "FileSHA256": len(file.GetFileSHA256()) == 0, "FileLength": file.GetFileLength() == 0,
	} {
		if empty {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("fake: file message without %s from Upload", strings.Join(missing, ", "))
	}
	return nil
}

// Sent lists what was sent, oldest first.
func (f *Fake) Sent() []Sent { f.Lock(); defer f.Unlock(); return append([]Sent(nil), f.sent...) }

// Upload records the file and returns a response whose direct path serves
// the same bytes back through Download.
func (f *Fake) Upload(ctx context.Context, data []byte, appInfo whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	f.Lock()
	defer f.Unlock()
	f.uploads = append(f.uploads, data)
	path := fmt.Sprintf("/v/t62/fake-%d", len(f.uploads))
	f.Media[path] = data
	plain := sha256.Sum256(data)
	enc := sha256.Sum256(append([]byte("enc"), data...)) // stands in for the ciphertext's hash
	return whatsmeow.UploadResponse{URL: "https://mmg.whatsapp.net" + path, DirectPath: path,
		MediaKey: []byte("0123456789abcdef0123456789abcdef"), FileEncSHA256: enc[:], FileSHA256: plain[:],
		FileLength: uint64(len(data))}, nil
}

// Uploads lists uploaded files.
func (f *Fake) Uploads() [][]byte {
	f.Lock()
	defer f.Unlock()
	return append([][]byte(nil), f.uploads...)
}

// Download serves Media by the message's direct path, or MediaErr's error.
func (f *Fake) Download(ctx context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error) {
	f.Lock()
	defer f.Unlock()
	path := msg.GetDirectPath()
	if err, ok := f.MediaErr[path]; ok {
		return nil, err
	}
	data, ok := f.Media[path]
	if !ok {
		return nil, whatsmeow.ErrMediaDownloadFailedWith404
	}
	return data, nil
}

// SendMediaRetryReceipt records the request; a test answers it by emitting
// an events.MediaRetry (see MediaRetryFor).
func (f *Fake) SendMediaRetryReceipt(ctx context.Context, info *types.MessageInfo, mediaKey []byte) error {
	f.Lock()
	defer f.Unlock()
	f.retries = append(f.retries, info.ID)
	return nil
}

// MediaRetries lists the messages whose media the hub asked to re-upload.
func (f *Fake) MediaRetries() []types.MessageID {
	f.Lock()
	defer f.Unlock()
	return append([]types.MessageID(nil), f.retries...)
}

// IsOnWhatsApp answers from OnWhatsApp. Queries are "+<digits>".
func (f *Fake) IsOnWhatsApp(ctx context.Context, phones []string) ([]types.IsOnWhatsAppResponse, error) {
	f.Lock()
	defer f.Unlock()
	out := make([]types.IsOnWhatsAppResponse, 0, len(phones))
	for _, p := range phones {
		f.checked = append(f.checked, p)
		digits := strings.TrimPrefix(p, "+")
		r := types.IsOnWhatsAppResponse{Query: p, IsIn: f.OnWhatsApp[digits]}
		if r.IsIn {
			r.JID = types.NewJID(digits, types.DefaultUserServer)
		}
		out = append(out, r)
	}
	return out, nil
}

// Checked lists the numbers IsOnWhatsApp was asked about.
func (f *Fake) Checked() []string {
	f.Lock()
	defer f.Unlock()
	return append([]string(nil), f.checked...)
}

// CreateGroup records the request and returns a new group.
func (f *Fake) CreateGroup(ctx context.Context, req whatsmeow.ReqCreateGroup) (*types.GroupInfo, error) {
	f.Lock()
	defer f.Unlock()
	if !f.connected {
		return nil, whatsmeow.ErrNotConnected
	}
	if len([]rune(req.Name)) > 25 {
		return nil, fmt.Errorf("fake: group name %q is longer than 25 characters (406 not acceptable)", req.Name)
	}
	f.groups = append(f.groups, req)
	jid := types.NewJID(fmt.Sprintf("120363%012d", len(f.groups)), types.GroupServer)
	info := &types.GroupInfo{JID: jid, GroupName: types.GroupName{Name: req.Name}}
	for _, p := range req.Participants {
		gp := types.GroupParticipant{JID: p}
		if f.BlocksGroupAdds[p.User] {
			gp.Error = 403
			gp.AddRequest = &types.GroupParticipantAddRequest{Code: "FAKEADD" + p.User, Expiration: time.Now().Add(72 * time.Hour)}
		}
		info.Participants = append(info.Participants, gp)
	}
	return info, nil
}

// GetGroupInviteLink returns the group's invite link (the same one each
// time unless reset) and records that it was asked for.
func (f *Fake) GetGroupInviteLink(ctx context.Context, jid types.JID, reset bool) (string, error) {
	f.Lock()
	defer f.Unlock()
	if !f.connected {
		return "", whatsmeow.ErrNotConnected
	}
	f.invites = append(f.invites, jid)
	return whatsmeow.InviteLinkPrefix + "FAKE" + jid.User, nil
}

// InviteLinks lists the groups whose invite link was asked for.
func (f *Fake) InviteLinks() []types.JID {
	f.Lock()
	defer f.Unlock()
	return append([]types.JID(nil), f.invites...)
}

// Groups lists the groups created.
func (f *Fake) Groups() []whatsmeow.ReqCreateGroup {
	f.Lock()
	defer f.Unlock()
	return append([]whatsmeow.ReqCreateGroup(nil), f.groups...)
}

// LeaveGroup records that the account left a group.
func (f *Fake) LeaveGroup(ctx context.Context, jid types.JID) error {
	f.Lock()
	defer f.Unlock()
	f.left = append(f.left, jid)
	return nil
}

// Left lists the groups left.
func (f *Fake) Left() []types.JID {
	f.Lock()
	defer f.Unlock()
	return append([]types.JID(nil), f.left...)
}
