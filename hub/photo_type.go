package hub

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

// PhotoType is "image/jpeg", "image/png", "image/webp" or "image/heic"
// when data is such a photo, else "": the check of every photo a phone's
// camera sends to a loan (the identity check's, the car's). The first
// bytes name the type (SniffFile, as every upload of the hub; it has no
// WebP, which phones' browsers also send); JPEG, PNG and WebP must then
// also have a readable image header, so a file that only starts like one
// (an SVG, a page or a script behind a JPEG's first bytes) is refused.
// HEIC has no decoder in Go: its container's brand is checked.
func PhotoType(data []byte) string {
	var decodeConfig func(io.Reader) (image.Config, error)
	kind := SniffFile(data)
	switch {
	case kind == "image/jpeg":
		decodeConfig = jpeg.DecodeConfig
	case kind == "image/png":
		decodeConfig = png.DecodeConfig
	case kind == "image/heic":
		return kind
	case len(data) >= 12 && string(data[0:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		kind, decodeConfig = "image/webp", webp.DecodeConfig
	default:
		return ""
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width < 1 || cfg.Height < 1 {
		return ""
	}
	return kind
}
