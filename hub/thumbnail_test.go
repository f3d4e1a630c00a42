package hub_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"naryad/hub"
)

var (
	red  = color.RGBA{R: 255, A: 255}
	blue = color.RGBA{B: 255, A: 255}
)

// halves is a w×h picture, its left half red and its right half blue.
func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if x < w/2 {
				img.Set(x, y, red)
			} else {
				img.Set(x, y, blue)
			}
		}
	}
	return img
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withOrientation puts an APP1 EXIF segment holding orientation o right
// after the JPEG's SOI, as a phone camera writes it (byte order given).
func withOrientation(jpg []byte, o uint16, order binary.ByteOrder) []byte {
	tiff := make([]byte, 8+2+12+4)
	if order == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	order.PutUint16(tiff[2:], 42)
	order.PutUint32(tiff[4:], 8)
	order.PutUint16(tiff[8:], 1)                   // one entry
	order.PutUint16(tiff[10:], 0x0112)             // orientation
	order.PutUint16(tiff[12:], 3)                  // SHORT
	order.PutUint32(tiff[14:], 1)                  // count
	order.PutUint16(tiff[18:], o)                  // value
	seg := append([]byte("Exif\x00\x00"), tiff...) // next IFD offset 0 already
	out := []byte{0xFF, 0xD8, 0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(out[4:], uint16(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func decodeThumb(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("thumbnail is not a JPEG: %v", err)
	}
	return img
}

// near tells whether c is roughly want (JPEG blurs colours a little).
func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, w uint8) bool { x := int(a>>8) - int(w); return x > -60 && x < 60 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func TestThumbnailIsASmallJPEG(t *testing.T) {
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, halves(1200, 600)); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		data []byte
		kind string
	}{
		"jpeg": {encodeJPEG(t, halves(1200, 600)), "image/jpeg"},
		"png":  {pngBuf.Bytes(), "image/png"},
	} {
		th, err := hub.MakeThumbnail(tc.data, tc.kind)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		img := decodeThumb(t, th)
		if b := img.Bounds(); b.Dx() != 480 || b.Dy() != 240 {
			t.Errorf("%s: thumbnail %v, want 480×240", name, b)
		}
		if !near(img.At(10, 120), red) || !near(img.At(470, 120), blue) {
			t.Errorf("%s: colours moved: %v %v", name, img.At(10, 120), img.At(470, 120))
		}
	}
	// A small picture keeps its size.
	th, err := hub.MakeThumbnail(encodeJPEG(t, halves(100, 50)), "image/jpeg")
	if err != nil || decodeThumb(t, th).Bounds().Dx() != 100 {
		t.Fatalf("small picture: %v", err)
	}
}

// A phone held upright stores the picture on its side with orientation 6:
// the thumbnail stands upright, what was on the left now on top.
func TestThumbnailTurnsByEXIFOrientation(t *testing.T) {
	base := encodeJPEG(t, halves(400, 200))
	for _, tc := range []struct {
		o             uint16
		w, h          int
		first, second image.Point // points that must be red, then blue
		order         binary.ByteOrder
	}{
		{1, 400, 200, image.Point{10, 100}, image.Point{390, 100}, binary.BigEndian},
		{3, 400, 200, image.Point{390, 100}, image.Point{10, 100}, binary.LittleEndian},
		{6, 200, 400, image.Point{100, 10}, image.Point{100, 390}, binary.BigEndian},
		{6, 200, 400, image.Point{100, 10}, image.Point{100, 390}, binary.LittleEndian},
		{8, 200, 400, image.Point{100, 390}, image.Point{100, 10}, binary.BigEndian},
	} {
		data := withOrientation(base, tc.o, tc.order)
		if got := hub.JPEGOrientation(data); got != int(tc.o) {
			t.Fatalf("orientation read %d, want %d", got, tc.o)
		}
		th, err := hub.MakeThumbnail(data, "image/jpeg")
		if err != nil {
			t.Fatalf("orientation %d: %v", tc.o, err)
		}
		img := decodeThumb(t, th)
		if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
			t.Fatalf("orientation %d: %v, want %d×%d", tc.o, b, tc.w, tc.h)
		}
		if !near(img.At(tc.first.X, tc.first.Y), red) || !near(img.At(tc.second.X, tc.second.Y), blue) {
			t.Errorf("orientation %d: not turned: %v %v", tc.o, img.At(tc.first.X, tc.first.Y), img.At(tc.second.X, tc.second.Y))
		}
	}
	// No EXIF, a broken one, a non-JPEG: 1.
	for _, data := range [][]byte{base, withOrientation(base, 77, binary.BigEndian), []byte("\xff\xd8\xff\xe1\xff\xff"), nil} {
		if got := hub.JPEGOrientation(data); got != 1 {
			t.Errorf("orientation of a file without a valid tag: %d", got)
		}
	}
}

// A tiny PNG whose header claims 50 000 × 50 000 pixels is refused from
// its header: nothing near 10 GB is ever allocated.
func TestThumbnailRefusesADecompressionBomb(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	bomb := buf.Bytes()
	// IHDR's width and height sit at bytes 16–23, its CRC at 29–32.
	binary.BigEndian.PutUint32(bomb[16:], 50_000)
	binary.BigEndian.PutUint32(bomb[20:], 50_000)
	binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29]))
	if _, err := hub.MakeThumbnail(bomb, "image/png"); !errors.Is(err, hub.ErrImageTooLarge) {
		t.Fatalf("bomb: %v, want ErrImageTooLarge", err)
	}
}

func TestThumbnailSkipsHEICAndVideoAndRefusesGarbage(t *testing.T) {
	for _, kind := range []string{"image/heic", "video/mp4", "video/quicktime"} {
		if th, err := hub.MakeThumbnail([]byte("\x00\x00\x00\x18ftypheic"), kind); th != nil || err != nil {
			t.Errorf("%s: %v %v, want nil, nil", kind, th, err)
		}
	}
	if _, err := hub.MakeThumbnail([]byte("\xff\xd8\xff not really"), "image/jpeg"); !errors.Is(err, hub.ErrImageUnreadable) {
		t.Errorf("broken JPEG: %v", err)
	}
	if _, err := hub.MakeThumbnail([]byte("<svg/>"), "image/svg+xml"); err != nil {
		// SVG is an image/ type without a decoder: no thumbnail, no error.
		t.Errorf("svg: %v", err)
	}
}
