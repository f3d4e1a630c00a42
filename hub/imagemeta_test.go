package hub_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"reflect"
	"testing"

	"golang.org/x/image/webp"

	"naryad/hub"
)

// gpsEXIF is an APP1 EXIF segment as a phone writes it: the orientation
// (6: turn 90° clockwise) and a GPS IFD whose latitude reference and
// a marker string are easy to look for.
func gpsEXIF() []byte {
	le := binary.LittleEndian
	tiff := []byte("II*\x00\x08\x00\x00\x00")
	ifd0 := make([]byte, 2+2*12+4)
	le.PutUint16(ifd0, 2)
	entry := func(b []byte, tag, typ uint16, count, value uint32) {
		le.PutUint16(b, tag)
		le.PutUint16(b[2:], typ)
		le.PutUint32(b[4:], count)
		le.PutUint32(b[8:], value)
	}
	entry(ifd0[2:], 0x0112, 3, 1, 6)                    // orientation
	entry(ifd0[14:], 0x8825, 4, 1, uint32(8+len(ifd0))) // GPS IFD pointer
	gps := make([]byte, 2+12+4)
	le.PutUint16(gps, 1)
	entry(gps[2:], 0x0001, 2, 2, uint32('N')) // GPSLatitudeRef "N"
	body := append([]byte("Exif\x00\x00"), tiff...)
	body = append(body, ifd0...)
	body = append(body, gps...)
	body = append(body, "GPS-52.2297N-21.0122E"...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	return append(seg, body...)
}

func segment(marker byte, body string) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	return append(seg, body...)
}

func testPicture() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 48, 32))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 13)
	}
	return img
}

// A phone's JPEG: EXIF with GPS, XMP, a comment, a JFXX thumbnail, an
// MPF index and a second file after the end. Stripped, only the picture
// is left (the same pixels, decoded) with the orientation in an EXIF of
// its own.
func TestStripJPEGMetadata(t *testing.T) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testPicture(), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	plain := buf.Bytes()
	phone := append([]byte{}, plain[:2]...)
	phone = append(phone, segment(0xE0, "JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00")...)
	phone = append(phone, gpsEXIF()...)
	phone = append(phone, segment(0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>GPS-XMP</x:xmpmeta>")...)
	phone = append(phone, segment(0xE0, "JFXX\x00\x10GPS-JFXX")...)
	phone = append(phone, segment(0xE2, "MPF\x00GPS-MPF")...)
	phone = append(phone, segment(0xED, "Photoshop 3.0\x00GPS-IPTC")...)
	phone = append(phone, segment(0xFE, "GPS-COMMENT home address")...)
	phone = append(phone, plain[2:]...)
	phone = append(phone, "GPS-TRAILER motion photo video"...)

	out, err := hub.StripImageMetadata(phone, "image/jpeg")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("GPS")) || bytes.Contains(out, []byte("xmpmeta")) {
		t.Fatalf("metadata left: %q", out[:min(len(out), 400)])
	}
	if o := hub.JPEGOrientation(out); o != 6 {
		t.Fatalf("orientation %d, want 6 kept", o)
	}
	want, err := jpeg.Decode(bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	got, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("stripped JPEG does not decode: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("the pixels changed")
	}
	if !bytes.HasPrefix(out, []byte("\xff\xd8\xff\xe0")) || !bytes.Contains(out, []byte("JFIF\x00")) {
		t.Fatal("JFIF's APP0 is not first")
	}
	// An upright photo gets no EXIF at all; stripping twice changes nothing.
	clean, err := hub.StripImageMetadata(plain, "image/jpeg")
	if err != nil || bytes.Contains(clean, []byte("Exif")) {
		t.Fatalf("upright: %v", err)
	}
	again, err := hub.StripImageMetadata(out, "image/jpeg")
	if err != nil || !bytes.Equal(again, out) {
		t.Fatalf("stripping twice: %v", err)
	}
}

// pngChunk is a PNG chunk with its CRC.
func pngChunk(kind, data string) []byte {
	b := make([]byte, 4, 12+len(data))
	binary.BigEndian.PutUint32(b, uint32(len(data)))
	b = append(b, kind...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE([]byte(kind+data)))
}

// A PNG with text, EXIF and time chunks and data after IEND keeps its
// picture and its transparency and colour chunks only.
func TestStripPNGMetadata(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 20, 10))
	for x := 0; x < 20; x++ {
		img.Set(x, 5, color.NRGBA{200, 10, 10, 128})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	plain := buf.Bytes()
	ihdrEnd := 8 + 25
	in := append([]byte{}, plain[:ihdrEnd]...)
	in = append(in, pngChunk("gAMA", "\x00\x00\xb1\x8f")...)
	in = append(in, pngChunk("tEXt", "Comment\x00GPS-TEXT")...)
	in = append(in, pngChunk("eXIf", "MM\x00*GPS-EXIF")...)
	in = append(in, pngChunk("tIME", "\x07\xea\x0c\x07\x0c\x00\x00")...)
	in = append(in, pngChunk("iTXt", "XML:com.adobe.xmp\x00\x00\x00\x00\x00GPS-XMP")...)
	in = append(in, plain[ihdrEnd:]...)
	in = append(in, "GPS-TRAILER"...)

	out, err := hub.StripImageMetadata(in, "image/png")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("GPS")) || bytes.Contains(out, []byte("tIME")) {
		t.Fatalf("metadata left: %q", out)
	}
	if !bytes.Contains(out, []byte("gAMA")) {
		t.Fatal("gamma dropped")
	}
	want, _ := png.Decode(bytes.NewReader(plain))
	got, err := png.Decode(bytes.NewReader(out))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("the pixels changed: %v", err)
	}
}

// A WebP with EXIF and XMP chunks (flagged in VP8X) keeps its picture,
// with the flags cleared and the RIFF size right.
func TestStripWebPMetadata(t *testing.T) {
	simple, err := base64.StdEncoding.DecodeString("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
	if err != nil {
		t.Fatal(err)
	}
	vp8l := simple[12:] // the VP8L chunk
	vp8x := []byte("VP8X\x0a\x00\x00\x00")
	vp8x = append(vp8x, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0)                  // EXIF and XMP flags, a 1×1 canvas
	exif := append([]byte("EXIF\x09\x00\x00\x00"), "GPS-EXIF\x00\x00"...) // odd size, padded
	xmp := append([]byte("XMP \x08\x00\x00\x00"), "GPS-XMP!"...)
	body := append(append(append(append([]byte("WEBP"), vp8x...), vp8l...), exif...), xmp...)
	in := append([]byte("RIFF\x00\x00\x00\x00"), body...)
	binary.LittleEndian.PutUint32(in[4:], uint32(len(body)))
	in = append(in, "GPS-TRAILER"...)

	out, err := hub.StripImageMetadata(in, "image/webp")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("GPS")) {
		t.Fatalf("metadata left: %q", out)
	}
	if flags := out[20]; flags&0x0C != 0 {
		t.Fatalf("VP8X flags %#x still name EXIF or XMP", flags)
	}
	if n := binary.LittleEndian.Uint32(out[4:]); int(n) != len(out)-8 {
		t.Fatalf("RIFF size %d for %d bytes", n, len(out))
	}
	if _, err := webp.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("stripped WebP does not decode: %v", err)
	}
}

// Files whose structure runs past their end are refused, never read past
// it; HEIC is not stripped.
func TestStripRefusesMalformedImages(t *testing.T) {
	for name, c := range map[string]struct {
		data []byte
		kind string
	}{
		"JPEG cut in a segment":   {[]byte("\xff\xd8\xff\xe1\xff\xffExif"), "image/jpeg"},
		"JPEG without an end":     {[]byte("\xff\xd8\xff\xda\x00\x02\x01\x02\x03"), "image/jpeg"},
		"JPEG garbage":            {[]byte("\xff\xd8<html>"), "image/jpeg"},
		"PNG chunk past the end":  {append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", "x")[:6]...), "image/png"},
		"PNG without IEND":        {append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", "0123456789abc")...), "image/png"},
		"WebP chunk past the end": {[]byte("RIFF\x10\x00\x00\x00WEBPVP8L\xff\x00\x00\x00abcd"), "image/webp"},
		"WebP RIFF past the end":  {[]byte("RIFF\xff\x00\x00\x00WEBP"), "image/webp"},
	} {
		if _, err := hub.StripImageMetadata(c.data, c.kind); !errors.Is(err, hub.ErrImageMalformed) {
			t.Errorf("%s: %v, want ErrImageMalformed", name, err)
		}
	}
	if _, err := hub.StripImageMetadata([]byte("\x00\x00\x00\x18ftypheic"), "image/heic"); !errors.Is(err, hub.ErrMetadataKept) {
		t.Errorf("HEIC: %v, want ErrMetadataKept", err)
	}
}

// heifBox is an ISO base media box.
func heifBox(kind string, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	return append(append(b, kind...), body...)
}

func TestHEIFWellFormed(t *testing.T) {
	ftyp := heifBox("ftyp", []byte("heic\x00\x00\x00\x00mif1heic"))
	meta := heifBox("meta", make([]byte, 40))
	mdat := heifBox("mdat", bytes.Repeat([]byte{0x42}, 100))
	good := append(append(append([]byte{}, ftyp...), meta...), mdat...)
	toEnd := append(append(append([]byte{}, ftyp...), meta...), append([]byte{0, 0, 0, 0, 'm', 'd', 'a', 't'}, 1, 2, 3)...)
	for name, c := range map[string]struct {
		data []byte
		want bool
	}{
		"ftyp, meta, mdat":          {good, true},
		"the last box to the end":   {toEnd, true},
		"a brand then a page":       {append(append([]byte{}, ftyp...), "<html><script>alert(1)</script>"...), false},
		"no meta":                   {append(append([]byte{}, ftyp...), mdat...), false},
		"meta first":                {append(append([]byte{}, meta...), ftyp...), false},
		"a box past the end":        {good[:len(good)-1], false},
		"something after the boxes": {append(append([]byte{}, good...), 0, 0), false},
	} {
		if got := hub.HEIFWellFormed(c.data); got != c.want {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
}

// A progressive JPEG has tables and further scans between its scans, its
// scan data stuffed 0xFF 0x00 bytes and restart markers, and an APP
// segment may sit between scans: every byte of the picture is kept in
// order, the metadata wherever it sits goes, and so does what follows
// the end.
func TestStripJPEGKeepsEveryScan(t *testing.T) {
	var in, want []byte
	both := func(b ...[]byte) {
		for _, x := range b {
			in, want = append(in, x...), append(want, x...)
		}
	}
	onlyIn := func(b []byte) { in = append(in, b...) }
	both([]byte{0xFF, 0xD8})
	onlyIn(segment(0xE1, "Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00GPS"))
	both(segment(0xDB, "\x00quantisation"), segment(0xC2, "\x08\x00\x10\x00\x18\x01\x01\x11\x00"), segment(0xC4, "\x00huffman-1"))
	both(segment(0xDA, "\x01\x01\x00\x00\x3f\x00"), []byte("\x12\xff\x00\x34\xff\xd0\x56\xff\xd1\x57"))
	both(segment(0xC4, "\x10huffman-2"))
	onlyIn(segment(0xE1, "http://ns.adobe.com/xap/1.0/\x00GPS between scans"))
	onlyIn(segment(0xFE, "GPS comment between scans"))
	both(segment(0xDD, "\x00\x01"), segment(0xDA, "\x01\x01\x00\x01\x3f\x00"), []byte("\x78\xff\x00\xff"))
	both([]byte{0xFF, 0xD9})
	onlyIn([]byte("GPS trailer"))
	out, err := hub.StripImageMetadata(in, "image/jpeg")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, want) {
		t.Fatalf("stripped\n%q\nwant\n%q", out, want)
	}
}
