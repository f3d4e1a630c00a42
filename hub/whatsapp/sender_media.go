package whatsapp

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	_ "image/gif" // decoders for photos advisors send
	"image/jpeg"
	_ "image/png"
	"math"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"
)

// What WhatsApp shows of a file before it downloads it: a photo's size
// and a small JPEG preview (without them the customer's phone shows a
// grey box of the wrong shape until the download ends), a video's length,
// and whether audio is a voice note. All of it is read from the file's
// bytes in pure Go; a file that cannot be read goes without it.

// thumbSide is the longer side of a photo's preview, in pixels: what
// WhatsApp's own apps send.
const thumbSide = 100

// maxPreviewPixels bounds the photos given a preview: decoding allocates
// every pixel the header claims, and a few hundred bytes can claim
// 30000×30000 (3.4 GB). A camera's photo is far below; a larger one goes
// without a preview.
const maxPreviewPixels = 50_000_000

// describeFile adds what the file's bytes tell to its message.
func describeFile(m *waE2E.Message, data []byte) {
	switch {
	case m.ImageMessage != nil:
		if w, h, thumb, ok := imagePreview(data); ok {
			m.ImageMessage.Width, m.ImageMessage.Height, m.ImageMessage.JPEGThumbnail = proto.Uint32(w), proto.Uint32(h), thumb
		}
	case m.VideoMessage != nil:
		if secs, ok := mp4Seconds(data); ok {
			m.VideoMessage.Seconds = proto.Uint32(secs)
		}
	case m.AudioMessage != nil:
		if oggOpus(data) {
			// WhatsApp plays only Ogg Opus as a voice note, and names the codec.
			m.AudioMessage.PTT = proto.Bool(true)
			m.AudioMessage.Mimetype = proto.String("audio/ogg; codecs=opus")
		}
	}
}

// imagePreview decodes a photo (JPEG, PNG, GIF) and returns its size and
// a JPEG preview; false for anything it cannot decode (HEIC among them).
func imagePreview(data []byte) (w, h uint32, thumb []byte, ok bool) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPreviewPixels {
		return 0, 0, nil, false
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return 0, 0, nil, false
	}
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return 0, 0, nil, false
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, shrink(img, thumbSide), &jpeg.Options{Quality: 60}); err != nil {
		return 0, 0, nil, false
	}
	return uint32(b.Dx()), uint32(b.Dy()), buf.Bytes(), true
}

// shrink scales an image down so its longer side is at most side pixels,
// averaging a grid of up to 4×4 source pixels per target pixel (enough for
// a preview, and quick on a 12-megapixel photo).
func shrink(src image.Image, side int) image.Image {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	scale := math.Min(1, float64(side)/float64(max(sw, sh)))
	dw, dh := max(1, int(float64(sw)*scale)), max(1, int(float64(sh)*scale))
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		y0, y1 := b.Min.Y+y*sh/dh, b.Min.Y+max((y+1)*sh/dh, y*sh/dh+1)
		for x := range dw {
			x0, x1 := b.Min.X+x*sw/dw, b.Min.X+max((x+1)*sw/dw, x*sw/dw+1)
			dst.SetRGBA(x, y, average(src, x0, y0, x1, y1))
		}
	}
	return dst
}

// average is the mean colour of up to 4×4 evenly spread pixels of a box.
func average(src image.Image, x0, y0, x1, y1 int) color.RGBA {
	var r, g, bl, n uint64
	stepX, stepY := max(1, (x1-x0)/4), max(1, (y1-y0)/4)
	for y := y0; y < y1; y += stepY {
		for x := x0; x < x1; x += stepX {
			cr, cg, cb, _ := src.At(x, y).RGBA()
			r, g, bl, n = r+uint64(cr), g+uint64(cg), bl+uint64(cb), n+1
		}
	}
	return color.RGBA{R: uint8(r / n >> 8), G: uint8(g / n >> 8), B: uint8(bl / n >> 8), A: 0xff}
}

// mp4Seconds reads a video's length from its movie header (moov/mvhd),
// rounded up to whole seconds; false when the file has none.
func mp4Seconds(data []byte) (uint32, bool) {
	moov, ok := mp4Box(data, "moov")
	if !ok {
		return 0, false
	}
	mvhd, ok := mp4Box(moov, "mvhd")
	if !ok || len(mvhd) < 4 {
		return 0, false
	}
	var timescale, duration uint64
	switch mvhd[0] { // version
	case 0:
		if len(mvhd) < 20 {
			return 0, false
		}
		timescale, duration = uint64(binary.BigEndian.Uint32(mvhd[12:])), uint64(binary.BigEndian.Uint32(mvhd[16:]))
	case 1:
		if len(mvhd) < 32 {
			return 0, false
		}
		timescale, duration = uint64(binary.BigEndian.Uint32(mvhd[20:])), binary.BigEndian.Uint64(mvhd[24:])
	default:
		return 0, false
	}
	if timescale == 0 || duration == math.MaxUint64 || duration == math.MaxUint32 {
		return 0, false // unknown length (a live recording's header)
	}
	secs := (duration + timescale - 1) / timescale
	if secs > math.MaxUint32 {
		return 0, false
	}
	return uint32(secs), true
}

// mp4Box finds a box among the boxes of data and returns its contents.
func mp4Box(data []byte, kind string) ([]byte, bool) {
	for len(data) >= 8 {
		size, header := uint64(binary.BigEndian.Uint32(data)), uint64(8)
		switch size {
		case 1: // a 64-bit size follows the type
			if len(data) < 16 {
				return nil, false
			}
			size, header = binary.BigEndian.Uint64(data[8:]), 16
		case 0: // to the end of the file
			size = uint64(len(data))
		}
		if size < header || size > uint64(len(data)) {
			return nil, false
		}
		if string(data[4:8]) == kind {
			return data[header:size], true
		}
		data = data[size:]
	}
	return nil, false
}

// oggOpus tells an Ogg file whose first stream is Opus (a voice recording
// as WhatsApp makes them) from other Ogg audio.
func oggOpus(data []byte) bool {
	if !bytes.HasPrefix(data, []byte("OggS")) || len(data) < 27 {
		return false
	}
	body := 27 + int(data[26]) // the page header and its segment table
	return len(data) >= body+8 && string(data[body:body+8]) == "OpusHead"
}
