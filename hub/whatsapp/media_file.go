package whatsapp

import (
	"mime"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"

	"naryad/hub"
)

// mediaFile is the file part of an incoming message: an image, sticker,
// document, voice note, audio or video, with what naming and typing the
// attachment needs.
type mediaFile struct {
	kind     string // photo, sticker, document, voice, audio, video
	msg      whatsmeow.DownloadableMessage
	mimetype string // as the sender's app declared it
	name     string // a document's own file name
	caption  string
	length   uint64
	setPath  func(path string) // a re-uploaded file's new direct path
}

// mediaOf finds the file of a message; nil when it has none. A sticker is
// kept as an image; a round video note as a video.
func mediaOf(m *waE2E.Message) *mediaFile {
	if im := m.GetImageMessage(); im != nil {
		return &mediaFile{kind: "photo", msg: im, mimetype: im.GetMimetype(), caption: im.GetCaption(), length: im.GetFileLength(),
			setPath: func(p string) { im.DirectPath = &p }}
	}
	if st := m.GetStickerMessage(); st != nil {
		return &mediaFile{kind: "sticker", msg: st, mimetype: st.GetMimetype(), length: st.GetFileLength(),
			setPath: func(p string) { st.DirectPath = &p }}
	}
	if d := m.GetDocumentMessage(); d != nil {
		return &mediaFile{kind: "document", msg: d, mimetype: d.GetMimetype(), name: d.GetFileName(), caption: d.GetCaption(),
			length: d.GetFileLength(), setPath: func(p string) { d.DirectPath = &p }}
	}
	if a := m.GetAudioMessage(); a != nil {
		kind := "audio"
		if a.GetPTT() {
			kind = "voice"
		}
		return &mediaFile{kind: kind, msg: a, mimetype: a.GetMimetype(), length: a.GetFileLength(),
			setPath: func(p string) { a.DirectPath = &p }}
	}
	v := m.GetVideoMessage()
	if v == nil {
		v = m.GetPtvMessage()
	}
	if v != nil {
		return &mediaFile{kind: "video", msg: v, mimetype: v.GetMimetype(), caption: v.GetCaption(), length: v.GetFileLength(),
			setPath: func(p string) { v.DirectPath = &p }}
	}
	return nil
}

// kindDefaults: the content type and extension of each kind when the
// message does not say.
var kindDefaults = map[string]struct{ contentType, ext string }{
	"photo": {"image/jpeg", ".jpg"}, "sticker": {"image/webp", ".webp"}, "voice": {"audio/ogg", ".ogg"},
	"audio": {"audio/mpeg", ".mp3"}, "video": {"video/mp4", ".mp4"}, "document": {"application/octet-stream", ""},
}

// extensions of the content types WhatsApp apps send.
var extensions = map[string]string{
	"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif", "image/heic": ".heic",
	"audio/ogg": ".ogg", "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/aac": ".aac", "audio/amr": ".amr",
	"video/mp4": ".mp4", "video/3gpp": ".3gp", "video/quicktime": ".mov", "application/pdf": ".pdf",
}

// contentType is the attachment's type: what the bytes show when they are
// a kind the hub recognises, else the declared mimetype without its
// parameters ("audio/ogg; codecs=opus" → "audio/ogg"). A type a browser
// would run (HTML, SVG, XML, scripts) is never taken from a stranger's
// message: such a file is served as plain bytes.
func (f *mediaFile) contentType(data []byte) string {
	if sniffed := hub.SniffFile(data); sniffed != "" {
		return sniffed
	}
	declared, _, err := mime.ParseMediaType(f.mimetype)
	if err != nil || declared == "" {
		return kindDefaults[f.kind].contentType
	}
	for _, active := range []string{"html", "xml", "svg", "script"} {
		if strings.Contains(declared, active) {
			return "application/octet-stream"
		}
	}
	return declared
}

// fileName is the attachment's name: a document keeps its own; anything
// else is named by kind and WhatsApp id ("photo-3EB0….jpg", "voice-….ogg").
func (f *mediaFile) fileName(waID, contentType string) string {
	if f.kind == "document" && strings.TrimSpace(f.name) != "" {
		return hub.CleanFileName(f.name)
	}
	ext, ok := extensions[contentType]
	if !ok {
		ext = kindDefaults[f.kind].ext
	}
	return hub.CleanFileName(f.kind + "-" + waID + ext)
}

// noun names the file in a note to staff ("A photo", "A document «x.pdf»").
func (f *mediaFile) noun() string {
	if f == nil {
		return "A file"
	}
	switch f.kind {
	case "document":
		if f.name != "" {
			return "A document «" + hub.CleanFileName(f.name) + "»"
		}
		return "A document"
	case "voice":
		return "A voice message"
	case "audio":
		return "An audio file"
	}
	return "A " + f.kind
}
