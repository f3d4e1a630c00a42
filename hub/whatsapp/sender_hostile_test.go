package whatsapp_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"runtime"
	"testing"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A photo an advisor attaches may declare a size its bytes never hold (a
// decompression bomb: a few hundred bytes claiming 30000×30000 pixels).
// It still goes, as a photo without a preview, and reading it allocates
// nothing near the pixels it claims. Truncated videos and voice notes go
// without a length or as plain audio, never a panic.
func TestSendSurvivesHostileFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newSendRig(t, s)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m := r.queue(t, sendCustomer, "",
			sendFile{"bomb.png", "image/png", pngBomb(30000, 30000)},
			sendFile{"cut.mp4", "video/mp4", mp4File(1000, 12500)[:40]},
			sendFile{"huge.mp4", "video/mp4", []byte("\x00\x00\x00\x01moov\xff\xff\xff\xff\xff\xff\xff\xff")},
			sendFile{"empty.ogg", "audio/ogg", []byte("OggS")},
			sendFile{"cut.ogg", "audio/ogg", opusFile()[:30]})
		r.runPools(t, sendFast())
		r.waitMessage(t, m.ID, leftQueue)
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 256<<20 {
			t.Fatalf("sending a 30000×30000 claim allocated %d MB", grew>>20)
		}
		sent := r.fake.Sent()
		if len(sent) != 5 {
			t.Fatalf("WhatsApp got %d messages, want 5", len(sent))
		}
		if img := sent[0].Message.GetImageMessage(); img == nil || len(img.GetJPEGThumbnail()) != 0 || img.GetWidth() != 0 {
			t.Fatalf("bomb went as %+v, want a photo without a preview", img)
		}
		for _, v := range sent[1:3] {
			if v.Message.GetVideoMessage().GetSeconds() != 0 {
				t.Fatalf("a truncated video got a length: %+v", v.Message.GetVideoMessage())
			}
		}
		for _, a := range sent[3:] {
			if a.Message.GetAudioMessage().GetPTT() {
				t.Fatalf("a truncated Ogg went as a voice note")
			}
		}
	})
}

// pngBomb is a PNG whose header claims w×h RGBA pixels and whose data
// holds almost none of them.
func pngBomb(w, h uint32) []byte {
	chunk := func(kind string, data []byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		b = append(append(b, kind...), data...)
		return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(kind), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, no interlace
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	out.Write(chunk("IHDR", ihdr))
	out.Write(chunk("IDAT", []byte{0x78, 0x9c, 0x62, 0x00, 0x00})) // a zlib stream cut short
	out.Write(chunk("IEND", nil))
	return out.Bytes()
}
