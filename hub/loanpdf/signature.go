package loanpdf

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
)

// Limits on the drawn signature: a phone's canvas at three device pixels
// per CSS pixel is about 1100 × 400 and a few tens of kilobytes.
const (
	MaxSignatureBytes  = 512 << 10
	MaxSignaturePixels = 2500 // per side
)

// pngMagic starts every PNG file.
var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// signatureImage checks that data is a PNG of a bounded size and returns it
// drawn on white and encoded again as an opaque 8-bit PNG: fpdf reads only
// some PNGs (no interlacing, no 16-bit), and the signing page's canvas is
// transparent. Decoding it fully also refuses anything passed off as a PNG
// (an SVG or HTML file) before it reaches the PDF. The size is checked on
// the header before decoding, so a small file that unpacks to a huge image
// is refused cheaply.
func signatureImage(data []byte) ([]byte, image.Point, error) {
	if len(data) == 0 {
		return nil, image.Point{}, invalid("Signature.PNG", "empty: the signature was not drawn")
	}
	if len(data) > MaxSignatureBytes {
		return nil, image.Point{}, invalid("Signature.PNG", "larger than %d bytes", MaxSignatureBytes)
	}
	if !bytes.HasPrefix(data, pngMagic) {
		return nil, image.Point{}, invalid("Signature.PNG", "not a PNG image")
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, image.Point{}, invalid("Signature.PNG", "not a readable PNG: %v", err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxSignaturePixels || cfg.Height > MaxSignaturePixels {
		return nil, image.Point{}, invalid("Signature.PNG", "%d × %d pixels, not 1 to %d a side", cfg.Width, cfg.Height, MaxSignaturePixels)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, image.Point{}, invalid("Signature.PNG", "not a readable PNG: %v", err)
	}
	flat := image.NewRGBA(image.Rect(0, 0, cfg.Width, cfg.Height))
	draw.Draw(flat, flat.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(flat, flat.Bounds(), img, img.Bounds().Min, draw.Over)
	// Drawn on white, flat is opaque: png.Encode then writes 8-bit RGB
	// without an alpha channel, which fpdf would split into a soft mask.
	var out bytes.Buffer
	if err := png.Encode(&out, flat); err != nil {
		return nil, image.Point{}, fmt.Errorf("loan agreement: signature: encode: %w", err)
	}
	return out.Bytes(), image.Pt(cfg.Width, cfg.Height), nil
}
