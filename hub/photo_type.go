package hub

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

// MaxPhotoPixels bounds a loan photo's size in pixels: more than a
// 50-megapixel phone camera's full resolution, far less than a
// decompression bomb's (a few kilobytes claiming gigabytes of pixels, which
// staff's browser would have to draw).
const MaxPhotoPixels = 64_000_000

// PhotoType is "image/jpeg", "image/png", "image/webp" or "image/heic"
// when data is such a photo, else "", with its size in pixels: the check
// of every photo a phone's camera sends to a loan (the identity check's,
// the car's). The first bytes name the type (SniffFile, as every upload of
// the hub; it has no WebP, which phones' browsers also send); JPEG, PNG
// and WebP must then also have a readable image header, so a file that
// only starts like one (an SVG, a page or a script behind a JPEG's first
// bytes) is refused. HEIC has no decoder in Go: its container's brand is
// checked and its boxes must make up the whole file (HEIFWellFormed); its
// pixels are not counted (0).
func PhotoType(data []byte) (string, int64) {
	var decodeConfig func(io.Reader) (image.Config, error)
	kind := SniffFile(data)
	switch {
	case kind == "image/jpeg":
		decodeConfig = jpeg.DecodeConfig
	case kind == "image/png":
		decodeConfig = png.DecodeConfig
	case kind == "image/heic":
		if !HEIFWellFormed(data) {
			return "", 0
		}
		return kind, 0
	case len(data) >= 12 && string(data[0:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		kind, decodeConfig = "image/webp", webp.DecodeConfig
	default:
		return "", 0
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width < 1 || cfg.Height < 1 {
		return "", 0
	}
	return kind, int64(cfg.Width) * int64(cfg.Height)
}
