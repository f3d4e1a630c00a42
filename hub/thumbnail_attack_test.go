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
