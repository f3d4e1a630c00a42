package whatsapp_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// mediaOrder is a customer with one open work order on the rig, whose
// WhatsApp messages land in the returned thread.
func mediaOrder(t *testing.T, r *inRig) hub.Thread {
	t.Helper()
	ivan := r.customer(t, "C-1", ivanPhone)
	return r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
}

// attachmentsOf waits until the message with this body has n files.
func attachmentsOf(t *testing.T, r *inRig, threadID int64, body string, n int) (hub.Message, []hub.Attachment) {
	t.Helper()
	var m hub.Message
	var files []hub.Attachment
	watest.Eventually(t, "the file of "+body, func() bool {
		for _, x := range r.messages(t, threadID) {
			if x.Body == body && x.Direction != hub.DirectionSystem {
				m = x
			}
		}
		if m.ID == 0 {
			return false
		}
		var err error
		files, err = r.s.Attachments(t.Context(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(files) >= n
	})
	return m, files
}

func pending(t *testing.T, r *inRig) int64 { return r.count(t, "SELECT COUNT(*) FROM wa_media") }

func TestMediaLandsAsAttachments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		order := mediaOrder(t, r)
		r.client.Set(r.acc.ID, r.fake)
		r.fake.Lock()
		r.fake.Media["/v/photo"] = []byte("\xff\xd8\xff a photo")
		r.fake.Media["/v/png"] = []byte("not really a png")
		r.fake.Media["/v/doc"] = []byte("%PDF-1.4 an invoice")
		r.fake.Media["/v/voice"] = []byte("OggS voice")
		r.fake.Media["/v/video"] = []byte("\x00\x00\x00\x18ftypmp42 a video")
		r.fake.Media["/v/svg"] = []byte("<svg onload=alert(1)>")
		r.fake.Media["/v/sticker"] = []byte("RIFF webp")
		r.fake.Unlock()
		sticker := &waE2E.Message{StickerMessage: &waE2E.StickerMessage{DirectPath: proto.String("/v/sticker"),
			Mimetype: proto.String("image/webp"), MediaKey: []byte("0123456789abcdef0123456789abcdef"), FileLength: proto.Uint64(9)}}
		from := watest.PhoneJID(ivanDigits)
		cases := []struct {
			id, caption string
			msg         *waE2E.Message
			name, typ   string
		}{
			{"IMG1", "царапина на двери", watest.Image("/v/photo", "царапина на двери", "image/jpeg"), "photo-IMG1.jpg", "image/jpeg"},
			{"IMG2", "скриншот", watest.Image("/v/png", "скриншот", "image/png"), "photo-IMG2.png", "image/png"},
			{"DOC1", "счёт", watest.Document("/v/doc", "Счёт 12.pdf", "application/pdf", "счёт"), "Счёт 12.pdf", "application/pdf"},
			{"AUD1", "", watest.Voice("/v/voice"), "voice-AUD1.ogg", "audio/ogg"},
			{"VID1", "стук", watest.Video("/v/video", "стук"), "video-VID1.mp4", "video/mp4"},
			{"DOC2", "картинка", watest.Document("/v/svg", "", "image/svg+xml", "картинка"), "document-DOC2", "application/octet-stream"},
			{"STK1", "", sticker, "sticker-STK1.webp", "image/webp"},
		}
		for _, c := range cases {
			r.emit(t, watest.Direct(from, c.id, "Иван", c.msg))
		}
		// Stored at once, caption as the text, before any download.
		if msgs := r.messages(t, order.ID); len(msgs) != len(cases) || msgs[0].Body != "царапина на двери" || msgs[3].Body != "" {
			t.Fatalf("messages %+v", msgs)
		}
		r.runMedia(t)
		watest.Eventually(t, "every file downloaded", func() bool { return pending(t, r) == 0 })

		msgs := r.messages(t, order.ID)
		for i, c := range cases {
			files, err := s.Attachments(t.Context(), msgs[i].ID)
			if err != nil || len(files) != 1 {
				t.Fatalf("%s: files %+v %v", c.id, files, err)
			}
			f := files[0]
			if f.Name != c.name || f.ContentType != c.typ {
				t.Errorf("%s: %q %q, want %q %q", c.id, f.Name, f.ContentType, c.name, c.typ)
			}
			if data, err := os.ReadFile(r.media.Path(f.SHA256)); err != nil || int64(len(data)) != f.SizeBytes {
				t.Errorf("%s: stored file %d bytes, %v", c.id, len(data), err)
			}
		}
		// The DMS hears of each message once, with its file.
		changes := r.changes(t, hub.ChangeCustomerMessage)
		if len(changes) != len(cases) {
			t.Fatalf("%d customer_message changes, want %d", len(changes), len(cases))
		}
		var names []string
		for _, c := range changes {
			atts, _ := c["attachments"].([]any)
			if len(atts) != 1 {
				t.Fatalf("change without its file: %v", c)
			}
			names = append(names, atts[0].(map[string]any)["name"].(string))
		}
		if !slices.Contains(names, "Счёт 12.pdf") || !slices.Contains(names, "voice-AUD1.ogg") {
			t.Errorf("files named in the changes: %v", names)
		}
	})
}

func TestExpiredMediaIsAskedFromThePhoneAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		order := mediaOrder(t, r)
		r.client.Set(r.acc.ID, r.fake)
		r.fake.Lock()
		r.fake.MediaErr["/v/old"] = whatsmeow.ErrMediaDownloadFailedWith410
		r.fake.Unlock()
		evt := watest.Direct(watest.PhoneJID(ivanDigits), "OLD1", "Иван", watest.Image("/v/old", "старое фото", "image/jpeg"))
		r.emit(t, evt)
		r.runMedia(t)

		watest.Eventually(t, "a media retry request", func() bool { return len(r.fake.MediaRetries()) > 0 })
		if got := r.fake.MediaRetries(); !slices.Equal(got, []types.MessageID{"OLD1"}) {
			t.Fatalf("retries asked for %v", got)
		}
		r.fake.Lock()
		r.fake.Media["/v/new"] = []byte("\xff\xd8\xff uploaded again")
		r.fake.Unlock()
		answer, err := watest.MediaRetryFor(evt, "/v/new")
		if err != nil {
			t.Fatal(err)
		}
		r.emit(t, answer)

		_, files := attachmentsOf(t, r, order.ID, "старое фото", 1)
		if files[0].Name != "photo-OLD1.jpg" || files[0].SizeBytes != int64(len("\xff\xd8\xff uploaded again")) {
			t.Fatalf("file %+v", files[0])
		}
		if n := len(r.fake.MediaRetries()); n != 1 {
			t.Errorf("asked %d times", n)
		}
		watest.Eventually(t, "no file pending", func() bool { return pending(t, r) == 0 })
	})
}

func TestExpiredMediaGoneFromThePhoneIsGivenUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		order := mediaOrder(t, r)
		r.client.Set(r.acc.ID, r.fake)
		evt := watest.Direct(watest.PhoneJID(ivanDigits), "OLD2", "Иван", watest.Document("/v/missing", "акт.pdf", "application/pdf", ""))
		r.emit(t, evt) // no bytes at /v/missing: the fake answers 404
		r.runMedia(t)
		watest.Eventually(t, "a media retry request", func() bool { return len(r.fake.MediaRetries()) > 0 })
		answer, err := watest.MediaRetryNotFound(evt)
		if err != nil {
			t.Fatal(err)
		}
		r.emit(t, answer)
		if n := pending(t, r); n != 0 {
			t.Fatalf("%d files still pending", n)
		}
		msgs := r.messages(t, order.ID)
		last := msgs[len(msgs)-1]
		if last.Direction != hub.DirectionSystem || !strings.Contains(last.Body, "акт.pdf") || !strings.Contains(last.Body, "could not be downloaded") {
			t.Fatalf("note %+v", last)
		}
		if c := r.changes(t, hub.ChangeCustomerMessage); len(c) != 1 || c[0]["attachments"] != nil {
			t.Fatalf("the DMS hears of the message without a file: %v", c)
		}
	})
}

func TestMediaGivenUpAfterItsAttempts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		var mu sync.Mutex
		var waits []int
		r := newInRig(t, s, whatsapp.InboundOptions{MediaAttempts: 3, MediaBackoff: func(n int) time.Duration {
			mu.Lock()
			defer mu.Unlock()
			waits = append(waits, n)
			return 0
		}})
		order := mediaOrder(t, r)
		r.client.Set(r.acc.ID, r.fake)
		r.fake.Lock()
		r.fake.MediaErr["/v/bad"] = errors.New("connection reset by peer")
		r.fake.Unlock()
		r.emit(t, watest.Direct(watest.PhoneJID(ivanDigits), "BAD1", "Иван", watest.Video("/v/bad", "видео")))
		r.runMedia(t)
		watest.Eventually(t, "the file given up", func() bool { return pending(t, r) == 0 })

		msgs := r.messages(t, order.ID)
		last := msgs[len(msgs)-1]
		if last.Direction != hub.DirectionSystem || !strings.Contains(last.Body, "A video") || !strings.Contains(last.Body, "connection reset by peer") {
			t.Fatalf("note %+v", last)
		}
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(waits, []int{1, 2}) {
			t.Errorf("backoff asked for attempts %v, want [1 2] before giving up on the third", waits)
		}
		if c := r.changes(t, hub.ChangeCustomerMessage); len(c) != 1 || c[0]["text"] != "видео" {
			t.Fatalf("customer_message changes %v", c)
		}
	})
}

func TestMediaWaitsForAClient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		order := mediaOrder(t, r)
		r.fake.Lock()
		r.fake.Media["/v/later"] = []byte("\xff\xd8\xff later")
		r.fake.Unlock()
		r.emit(t, watest.Direct(watest.PhoneJID(ivanDigits), "LATE1", "Иван", watest.Image("/v/later", "позже", "image/jpeg")))
		r.runMedia(t)
		// Without a client the file is put off (not counted as an attempt).
		watest.Eventually(t, "the file put off", func() bool {
			return r.count(t, "SELECT COUNT(*) FROM wa_media WHERE next_attempt_at > ?", time.Now().UTC().Add(10*time.Second)) == 1
		})
		if n := r.count(t, "SELECT COUNT(*) FROM wa_media WHERE attempts = 0"); n != 1 {
			t.Fatal("waiting for a client counted as a failed attempt")
		}
		r.client.Set(r.acc.ID, r.fake)
		r.clock.Add(time.Minute)
		attachmentsOf(t, r, order.ID, "позже", 1)
	})
}

func TestMediaRetryForAnUnknownFileIsHarmless(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		evt := watest.Direct(watest.PhoneJID(ivanDigits), "NONE1", "Иван", watest.Image("/v/x", "", "image/jpeg"))
		answer, err := watest.MediaRetryFor(evt, "/v/y")
		if err != nil {
			t.Fatal(err)
		}
		r.emit(t, answer)
		r.emit(t, &events.MediaRetry{MessageID: "NONE2"})
	})
}
