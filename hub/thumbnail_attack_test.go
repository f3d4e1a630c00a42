package hub_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"runtime"
	"testing"

	"naryad/hub"
)

// atkPNG16 is a real, valid PNG of w×h 16-bit RGBA pixels, all zero: it
// compresses to a few hundred kilobytes yet decodes to w·h·8 bytes.
func atkPNG16(t *testing.T, w, h int) []byte {
	t.Helper()
	chunk := func(out *bytes.Buffer, kind string, data []byte) {
		_ = binary.Write(out, binary.BigEndian, uint32(len(data)))
		c := append([]byte(kind), data...)
		out.Write(c)
		_ = binary.Write(out, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 16, 6, 0, 0, 0) // 16-bit, RGBA, deflate, filter 0, no interlace
	chunk(&out, "IHDR", ihdr)
	var idat bytes.Buffer
	z, _ := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	row := make([]byte, 1+w*8)
	for range h {
		_, _ = z.Write(row)
	}
	_ = z.Close()
	chunk(&out, "IDAT", idat.Bytes())
	chunk(&out, "IEND", nil)
	return out.Bytes()
}

// A 16-bit RGBA PNG under MaxThumbPixels but of 200 MB decoded (a few
// hundred kilobytes uploaded) is refused from its header like a bomb:
// fifteen such uploads at once would otherwise take gigabytes.
func TestAttackThumbnailRefusesA16BitPNGBomb(t *testing.T) {
	bomb := atkPNG16(t, 5000, 5000)
	if len(bomb) > 2<<20 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := hub.MakeThumbnail(bomb, "image/png")
	runtime.ReadMemStats(&after)
	if !errors.Is(err, hub.ErrImageTooLarge) {
		t.Errorf("16-bit bomb: %v, want ErrImageTooLarge (allocated %d MB)", err, (after.TotalAlloc-before.TotalAlloc)>>20)
	}
}

// atkProgressiveJPEG is a few hundred bytes: a progressive JPEG header of
// w×h, three full-resolution components, and the first DC scan. Go's
// decoder allocates 4 bytes per pixel and component of coefficients at
// that scan, before any pixel is read.
func atkProgressiveJPEG(w, h int, ySampling byte) []byte {
	seg := func(out []byte, marker byte, body []byte) []byte {
		out = append(out, 0xFF, marker)
		out = binary.BigEndian.AppendUint16(out, uint16(len(body)+2))
		return append(out, body...)
	}
	out := []byte{0xFF, 0xD8}
	out = seg(out, 0xDB, append([]byte{0}, bytes.Repeat([]byte{1}, 64)...)) // DQT 0
	sof := []byte{8}
	sof = binary.BigEndian.AppendUint16(sof, uint16(h))
	sof = binary.BigEndian.AppendUint16(sof, uint16(w))
	sof = append(sof, 3, 1, ySampling, 0, 2, 0x11, 0, 3, 0x11, 0)
	out = seg(out, 0xC2, sof)                                                     // SOF2: progressive
	out = seg(out, 0xC4, append([]byte{0x00, 1}, append(make([]byte, 15), 0)...)) // DC table 0: one 1-bit code for 0
	out = seg(out, 0xDA, []byte{3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 0, 0})           // SOS: DC first scan
	out = append(out, make([]byte, 64)...)
	return append(out, 0xFF, 0xD9)
}

// A progressive JPEG of 39 MP in a few hundred bytes passes the pixel
// limit, but its decoding would take 600 MB: refused from its header.
func TestAttackThumbnailRefusesAProgressiveJPEGBomb(t *testing.T) {
	bomb := atkProgressiveJPEG(7000, 5600, 0x11)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := hub.MakeThumbnail(bomb, "image/jpeg")
	runtime.ReadMemStats(&after)
	if !errors.Is(err, hub.ErrImageTooLarge) {
		t.Errorf("progressive bomb of %d bytes: %v, want ErrImageTooLarge (allocated %d MB)", len(bomb), err,
			(after.TotalAlloc-before.TotalAlloc)>>20)
	}
	// A phone's 12 MP progressive JPEG (chroma at a quarter) is not
	// refused for its size (this one has no real scan: unreadable).
	if _, err := hub.MakeThumbnail(atkProgressiveJPEG(4000, 3000, 0x22), "image/jpeg"); errors.Is(err, hub.ErrImageTooLarge) {
		t.Errorf("12 MP progressive 4:2:0: %v", err)
	}
}
