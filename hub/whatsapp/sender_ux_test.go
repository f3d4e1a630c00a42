package whatsapp_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp/watest"
)

// customerSaid stores a customer's WhatsApp message in the rig's thread,
// as the inbound handler does.
func (r *sendRig) customerSaid(t *testing.T, waID, body string) hub.Message {
	t.Helper()
	jid := watest.PhoneJID(sendCustomerDigits).String()
	m, err := r.s.AddWAInbound(t.Context(), store.WAInbound{AccountID: r.acc.ID, Chat: jid, WAID: waID, Thread: r.thread,
		Direction: hub.DirectionIn, Body: body, Author: "customer", Sender: jid})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// An advisor's reply to one customer message goes quoted: WhatsApp shows
// the customer which message it answers.
func TestSendQuotesTheCustomerMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newSendRig(t, s)
		asked := r.customerSaid(t, "3EB0CUSTOMER", "Когда будет готово?")
		var reply hub.Message
		err := s.Tx(t.Context(), func(tx *store.Store) error {
			var err error
			reply, err = tx.ForwardFiles(t.Context(), store.Outgoing{ThreadID: r.thread.ID, Channel: hub.ChannelWhatsApp,
				Recipient: sendCustomer, Body: "Завтра к обеду", Author: "Анна"}, nil)
			if err != nil {
				return err
			}
			return tx.AddMessageQuote(t.Context(), reply.ID, &asked.ID, asked.Body)
		})
		if err != nil {
			t.Fatal(err)
		}
		r.runPools(t, sendFast())
		r.waitMessage(t, reply.ID, leftQueue)

		sent := r.fake.Sent()
		if len(sent) != 1 {
			t.Fatalf("WhatsApp got %+v", sent)
		}
		ext := sent[0].Message.GetExtendedTextMessage()
		ci := ext.GetContextInfo()
		if ext.GetText() != "Завтра к обеду" || sent[0].Message.Conversation != nil {
			t.Fatalf("message = %+v, want the words as an extended text", sent[0].Message)
		}
		if ci.GetStanzaID() != "3EB0CUSTOMER" || ci.GetParticipant() != watest.PhoneJID(sendCustomerDigits).String() ||
			ci.GetQuotedMessage().GetConversation() != "Когда будет готово?" || ci.RemoteJID != nil {
			t.Fatalf("context = %+v, want the customer's message quoted", ci)
		}
	})
}

// Every message to a chat with disappearing messages carries its timer.
func TestSendKeepsTheChatTimer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newSendRig(t, s)
		week := uint32(7 * 24 * 3600)
		if err := s.SetWAChatTimer(t.Context(), r.acc.ID, watest.PhoneJID(sendCustomerDigits).String(), week, r.f.Branch.CreatedAt); err != nil {
			t.Fatal(err)
		}
		m := r.queue(t, sendCustomer, "Голосовое от мастера", sendFile{"voice.ogg", "audio/ogg", opusFile()})
		r.runPools(t, sendFast())
		r.waitMessage(t, m.ID, leftQueue)
		sent := r.fake.Sent()
		if len(sent) != 2 {
			t.Fatalf("WhatsApp got %+v", sent)
		}
		if got := sent[0].Message.GetExtendedTextMessage().GetContextInfo().GetExpiration(); got != week {
			t.Errorf("text expiration = %d, want %d", got, week)
		}
		if got := sent[1].Message.GetAudioMessage().GetContextInfo().GetExpiration(); got != week {
			t.Errorf("voice note expiration = %d, want %d", got, week)
		}
	})
}

// Photos go with their size and a JPEG preview, videos with their length,
// documents with their name, Ogg Opus audio as a voice note and other
// audio as an audio file.
func TestSendDescribesFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newSendRig(t, s)
		m := r.queue(t, sendCustomer, "",
			sendFile{"car.png", "image/png", pngFile(t, 640, 480)},
			sendFile{"walkaround.mp4", "video/mp4", mp4File(1000, 12500)},
			sendFile{"ЗН-1.pdf", "application/pdf", []byte("%PDF-1.7 заказ-наряд")},
			sendFile{"voice.ogg", "audio/ogg", opusFile()},
			sendFile{"engine.mp3", "audio/mpeg", []byte("ID3\x04\x00 engine noise")})
		r.runPools(t, sendFast())
		r.waitMessage(t, m.ID, leftQueue)
		sent := r.fake.Sent()
		if len(sent) != 5 {
			t.Fatalf("WhatsApp got %d messages, want 5", len(sent))
		}
		img := sent[0].Message.GetImageMessage()
		if img.GetWidth() != 640 || img.GetHeight() != 480 {
			t.Fatalf("photo size %d×%d, want 640×480", img.GetWidth(), img.GetHeight())
		}
		thumb, err := jpeg.Decode(bytes.NewReader(img.GetJPEGThumbnail()))
		if err != nil {
			t.Fatalf("preview is no JPEG: %v", err)
		}
		if b := thumb.Bounds(); b.Dx() != 100 || b.Dy() != 75 {
			t.Fatalf("preview %d×%d, want 100×75", b.Dx(), b.Dy())
		}
		if r, g, b, _ := thumb.At(10, 10).RGBA(); r>>8 < 150 || g>>8 > 100 || b>>8 > 100 {
			t.Fatalf("preview's corner is %d,%d,%d, want the photo's red", r>>8, g>>8, b>>8)
		}
		if v := sent[1].Message.GetVideoMessage(); v.GetSeconds() != 13 {
			t.Fatalf("video length %d s, want 13 (12.5 rounded up)", v.GetSeconds())
		}
		if d := sent[2].Message.GetDocumentMessage(); d.GetFileName() != "ЗН-1.pdf" {
			t.Fatalf("document name %q", d.GetFileName())
		}
		if a := sent[3].Message.GetAudioMessage(); !a.GetPTT() || a.GetMimetype() != "audio/ogg; codecs=opus" {
			t.Fatalf("Ogg Opus went as %+v, want a voice note", a)
		}
		if a := sent[4].Message.GetAudioMessage(); a.GetPTT() || a.GetMimetype() != "audio/mpeg" {
			t.Fatalf("MP3 went as %+v, want an audio file", a)
		}
	})
}

// pngFile is a w×h photo, red on the left half.
func pngFile(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{R: 220, G: 30, B: 30, A: 255}
			if x >= w/2 {
				c = color.RGBA{R: 30, G: 30, B: 220, A: 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// mp4File is the boxes of an MP4 that matter here: ftyp, and moov with a
// version 0 movie header of a timescale and duration.
func mp4File(timescale, duration uint32) []byte {
	box := func(kind string, body []byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
		return append(append(b, kind...), body...)
	}
	mvhd := make([]byte, 100)
	binary.BigEndian.PutUint32(mvhd[12:], timescale)
	binary.BigEndian.PutUint32(mvhd[16:], duration)
	out := box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2mp41"))
	out = append(out, box("free", nil)...)
	return append(out, box("moov", box("mvhd", mvhd))...)
}

// opusFile is the first page of an Ogg Opus recording.
func opusFile() []byte {
	head := []byte("OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00")
	page := append([]byte("OggS\x00\x02"), make([]byte, 20)...) // version, flags, granule, serial, page, checksum
	page = append(page, 1, byte(len(head)))                     // one segment
	return append(page, head...)
}
