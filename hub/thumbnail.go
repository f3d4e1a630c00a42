package hub

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"

	"golang.org/x/image/draw"
)

// Thumbnails: the small JPEG a list shows instead of a phone's 12-megapixel
// photo. Made on upload in pure Go (CGO_ENABLED=0 builds stay), so HEIC and
// videos, which have no pure-Go decoder, get none.

// Limits of MakeThumbnail.
const (
	ThumbLongEdge  = 480        // the thumbnail's longer side, in pixels
	MaxThumbPixels = 40_000_000 // a larger picture is refused before decoding
	// MaxThumbDecoded bounds the decoded picture in bytes (40 MP of 8-bit
	// RGBA): a 16-bit PNG of 25 MP is only a few hundred kilobytes
	// uploaded yet decodes to 200 MB.
	MaxThumbDecoded = MaxThumbPixels * 4
)

// ErrImageTooLarge is returned for a picture over MaxThumbPixels: a few
// kilobytes of PNG can claim gigabytes of pixels (a decompression bomb).
var ErrImageTooLarge = errors.New("image has too many pixels")

// ErrImageUnreadable is returned for a JPEG or PNG that cannot be decoded.
var ErrImageUnreadable = errors.New("image cannot be read")

// MakeThumbnail makes a JPEG of data (a JPEG or PNG) whose long edge is at
// most ThumbLongEdge, turned upright by the JPEG's EXIF orientation. HEIC,
// videos and other types give (nil, nil): no thumbnail, not an error.
func MakeThumbnail(data []byte, contentType string) ([]byte, error) {
	var decode func([]byte) (image.Image, error)
	switch contentType {
	case "image/jpeg":
		decode = func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
	case "image/png":
		decode = func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
	default:
		if strings.HasPrefix(contentType, "image/") || strings.HasPrefix(contentType, "video/") {
			return nil, nil
		}
		return nil, fmt.Errorf("thumbnail of %q: not a picture", contentType)
	}
	cfg, err := decodeConfig(data, contentType)
	if err != nil {
		return nil, fmt.Errorf("thumbnail: %w: %v", ErrImageUnreadable, err)
	}
	pixels, perPixel := int64(cfg.Width)*int64(cfg.Height), bytesPerPixel(cfg.ColorModel)
	if contentType == "image/jpeg" {
		perPixel += progressiveCoefficients(data)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || pixels > MaxThumbPixels || pixels*perPixel > MaxThumbDecoded {
		return nil, fmt.Errorf("thumbnail: %w: %d×%d", ErrImageTooLarge, cfg.Width, cfg.Height)
	}
	src, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("thumbnail: %w: %v", ErrImageUnreadable, err)
	}
	orientation := 1
	if contentType == "image/jpeg" {
		orientation = JPEGOrientation(data)
	}
	out := orient(scaleDown(src, ThumbLongEdge), orientation)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: 80}); err != nil {
		return nil, fmt.Errorf("thumbnail: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// decodeConfig reads only the header: the size, before any pixel is
// allocated.
func decodeConfig(data []byte, contentType string) (image.Config, error) {
	if contentType == "image/png" {
		return png.DecodeConfig(bytes.NewReader(data))
	}
	return jpeg.DecodeConfig(bytes.NewReader(data))
}

// bytesPerPixel is what the decoder allocates per pixel for a colour model
// (a JPEG's YCbCr counted as unsubsampled, its worst case).
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	case color.YCbCrModel:
		return 3
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4 // RGBA, NRGBA, CMYK
}

// progressiveCoefficients is what Go's decoder keeps per pixel, beside
// the picture, for a progressive JPEG (SOF2): every component's DCT
// coefficients, 4 bytes each per pixel of that component's resolution,
// allocated at the first scan. 0 for a baseline JPEG or one it cannot read.
func progressiveCoefficients(data []byte) int64 {
	p := 2
	for p+4 <= len(data) && data[p] == 0xFF {
		marker := data[p+1]
		if marker == 0xFF { // fill byte
			p++
			continue
		}
		if marker == 0xC0 || marker == 0xC1 || marker == 0xDA || marker == 0xD9 {
			return 0
		}
		size := int(binary.BigEndian.Uint16(data[p+2 : p+4]))
		if marker == 0xC2 {
			return sofCoefficients(data[p+4 : min(len(data), p+2+size)])
		}
		p += 2 + size
	}
	return 0
}

// sofCoefficients reads a frame header's components (id, sampling
// factors h<<4|v, table): bytes of coefficients per pixel, rounded up.
func sofCoefficients(sof []byte) int64 {
	if len(sof) < 6 {
		return 0
	}
	n := int(sof[5])
	var blocks, hmax, vmax int64 = 0, 1, 1
	for i := 0; i < n && 6+3*i+2 < len(sof); i++ {
		h, v := int64(sof[6+3*i+1]>>4), int64(sof[6+3*i+1]&0x0F)
		blocks += h * v
		hmax, vmax = max(hmax, h), max(vmax, v)
	}
	return (4*blocks + hmax*vmax - 1) / (hmax * vmax)
}

// scaleDown draws src into an RGBA whose long edge is at most edge (the
// same size when it already fits). A PNG's transparency lands on white,
// as JPEG has none.
func scaleDown(src image.Image, edge int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > edge || h > edge {
		if w >= h {
			w, h = edge, max(1, h*edge/b.Dx())
		} else {
			w, h = max(1, w*edge/b.Dy()), edge
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.BiLinear.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	return dst
}

// orient turns src upright by an EXIF orientation (1–8): 2 mirrored, 3
// upside down, 4 mirrored upside down, 5–8 the same on their side (the
// camera held upright: 6, the picture must turn 90° clockwise).
func orient(src *image.RGBA, orientation int) *image.RGBA {
	if orientation < 2 || orientation > 8 {
		return src
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dw, dh := w, h
	if orientation >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for sy := 0; sy < h; sy++ {
		for sx := 0; sx < w; sx++ {
			var dx, dy int
			switch orientation {
			case 2:
				dx, dy = w-1-sx, sy
			case 3:
				dx, dy = w-1-sx, h-1-sy
			case 4:
				dx, dy = sx, h-1-sy
			case 5:
				dx, dy = sy, sx
			case 6:
				dx, dy = h-1-sy, sx
			case 7:
				dx, dy = h-1-sy, w-1-sx
			case 8:
				dx, dy = sy, w-1-sx
			}
			i, j := src.PixOffset(sx, sy), dst.PixOffset(dx, dy)
			copy(dst.Pix[j:j+4], src.Pix[i:i+4])
		}
	}
	return dst
}
