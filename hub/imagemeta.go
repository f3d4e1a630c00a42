package hub

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Photos people send to prove who they are (a courtesy car's identity
// check) carry more than the picture: a phone's camera writes where it was
// (EXIF GPS), when, the device and its serial number, and editors add XMP
// and comments; some phones append a whole second file (a motion photo's
// video) after the picture. None of it is needed to compare a face with a
// document, and the location is often the customer's home.
// StripImageMetadata takes it out without touching the pixels: the file is
// walked segment by segment (JPEG), chunk by chunk (PNG, WebP), and only
// what draws the picture is kept. No decoding, so no quality lost and no
// memory spent on the pixels. HEIC is not handled (see ErrMetadataKept).

// ErrMetadataKept is returned for a type whose metadata StripImageMetadata
// cannot take out (HEIC: its EXIF is an item of the container, and
// rewriting the container's offsets is not worth a pure-Go HEIF writer).
var ErrMetadataKept = errors.New("metadata of this image type is not stripped")

// ErrImageMalformed is a file whose structure does not hold together: a
// segment or chunk longer than the file, a missing start or end.
var ErrImageMalformed = errors.New("image structure is malformed")

// StripImageMetadata returns data (of contentType "image/jpeg",
// "image/png" or "image/webp") with its metadata removed:
//   - JPEG: every APPn segment but JFIF (APP0), the ICC colour profile
//     (APP2 "ICC_PROFILE") and Adobe's colour transform (APP14), every
//     comment, and anything after the end of the image; a non-upright EXIF
//     orientation is kept in a minimal EXIF of its own (the photo would
//     show on its side without it).
//   - PNG: every ancillary chunk but those that change how the pixels look
//     (transparency, gamma, chromaticities, sRGB, ICC profile, significant
//     bits, background, physical size, animation); text, EXIF and time go;
//     anything after IEND goes.
//   - WebP: the EXIF, XMP and unknown chunks, and their flags in VP8X;
//     anything after the RIFF goes.
//
// Any other type is ErrMetadataKept; a file that does not hold together is
// ErrImageMalformed.
func StripImageMetadata(data []byte, contentType string) ([]byte, error) {
	switch contentType {
	case "image/jpeg":
		return stripJPEG(data)
	case "image/png":
		return stripPNG(data)
	case "image/webp":
		return stripWebP(data)
	}
	return nil, fmt.Errorf("%s: %w", contentType, ErrMetadataKept)
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrImageMalformed}, args...)...)
}

// stripJPEG copies a JPEG's segments but the metadata. After a start of
// scan comes entropy-coded data up to the next marker (0xFF followed by a
// byte that is neither a stuffed 0x00, a restart marker nor a fill 0xFF);
// a progressive JPEG has tables and further scans between its scans.
func stripJPEG(data []byte) ([]byte, error) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, malformed("JPEG: no start of image")
	}
	out := make([]byte, 0, len(data))
	out = append(out, 0xFF, 0xD8)
	var orientation []byte // written after JFIF's APP0, which comes first when there is one
	if o := JPEGOrientation(data); o != 1 {
		orientation = orientationEXIF(o)
	}
	p := 2
	for {
		if p+2 > len(data) {
			return nil, malformed("JPEG: ends before its end of image")
		}
		if data[p] != 0xFF {
			return nil, malformed("JPEG: no marker at %d", p)
		}
		marker := data[p+1]
		switch {
		case marker == 0xFF: // fill byte
			p++
			continue
		case marker == 0xD9: // end of image: whatever follows is not the picture
			return append(out, 0xFF, 0xD9), nil
		case marker >= 0xD0 && marker <= 0xD7, marker == 0x01: // no length
			out = append(out, 0xFF, marker)
			p += 2
			continue
		}
		if p+4 > len(data) {
			return nil, malformed("JPEG: segment %X cut", marker)
		}
		size := int(binary.BigEndian.Uint16(data[p+2 : p+4]))
		if size < 2 || p+2+size > len(data) {
			return nil, malformed("JPEG: segment %X of %d bytes past the end", marker, size)
		}
		seg := data[p : p+2+size]
		if marker != 0xE0 && orientation != nil {
			out, orientation = append(out, orientation...), nil
		}
		if keepJPEGSegment(marker, seg[4:]) {
			out = append(out, seg...)
		}
		p += 2 + size
		if marker != 0xDA {
			continue
		}
		// Entropy-coded data, copied up to the next marker.
		start := p
		for {
			if p+1 >= len(data) {
				return nil, malformed("JPEG: scan data runs to the end")
			}
			if data[p] == 0xFF {
				next := data[p+1]
				if next != 0x00 && (next < 0xD0 || next > 0xD7) && next != 0xFF {
					break
				}
				if next == 0xFF {
					p++
					continue
				}
				p += 2
				continue
			}
			p++
		}
		out = append(out, data[start:p]...)
	}
}

// keepJPEGSegment tells whether a segment draws the picture (or its
// colours) rather than describing it.
func keepJPEGSegment(marker byte, body []byte) bool {
	switch {
	case marker == 0xE0: // JFIF: density and version (not JFXX's thumbnail)
		return bytes.HasPrefix(body, []byte("JFIF\x00"))
	case marker == 0xE2:
		return bytes.HasPrefix(body, []byte("ICC_PROFILE\x00"))
	case marker == 0xEE: // Adobe: the colour transform of CMYK and RGB JPEGs
		return true
	case marker >= 0xE0 && marker <= 0xEF, marker == 0xFE: // other APPn (EXIF, XMP, IPTC, MPF…), comments
		return false
	}
	return true // frame, tables, restart interval, scans
}

// orientationEXIF is an APP1 segment with a big-endian TIFF header and
// one IFD of one entry: the orientation.
func orientationEXIF(o int) []byte {
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, // header, IFD at 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0, // orientation, SHORT, count 1, value
		0, 0, 0, 0} // no next IFD
	body := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	return append(seg, body...)
}

// pngKept are the chunks that draw a PNG: the critical ones and the
// ancillary ones that change how its pixels look. Any other goes.
var pngKept = map[string]bool{
	"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true,
	"tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true, "iCCP": true, "sBIT": true, "bKGD": true, "pHYs": true,
	"acTL": true, "fcTL": true, "fdAT": true,
}

func stripPNG(data []byte) ([]byte, error) {
	const sig = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(data, []byte(sig)) {
		return nil, malformed("PNG: no signature")
	}
	out := make([]byte, 0, len(data))
	out = append(out, sig...)
	p := len(sig)
	for {
		if p+12 > len(data) {
			return nil, malformed("PNG: ends before IEND")
		}
		n := int64(binary.BigEndian.Uint32(data[p : p+4]))
		if n > int64(len(data)-p-12) {
			return nil, malformed("PNG: chunk of %d bytes past the end", n)
		}
		kind := string(data[p+4 : p+8])
		end := p + 12 + int(n)
		if pngKept[kind] {
			out = append(out, data[p:end]...)
		}
		if kind == "IEND" {
			return out, nil
		}
		p = end
	}
}

// WebP VP8X flags of the chunks taken out.
const (
	webpFlagEXIF = 0x08
	webpFlagXMP  = 0x04
)

func stripWebP(data []byte) ([]byte, error) {
	if len(data) < 12 || string(data[0:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return nil, malformed("WebP: no RIFF header")
	}
	size := int64(binary.LittleEndian.Uint32(data[4:8]))
	if size < 4 || size+8 > int64(len(data)) {
		return nil, malformed("WebP: RIFF of %d bytes past the end", size)
	}
	body := data[12 : 8+size] // anything after the RIFF goes
	out := make([]byte, 12, len(data))
	copy(out, data[:12])
	for p := 0; p < len(body); {
		if p+8 > len(body) {
			return nil, malformed("WebP: chunk header cut")
		}
		kind := string(body[p : p+4])
		n := int64(binary.LittleEndian.Uint32(body[p+4 : p+8]))
		padded := n + n&1
		if padded > int64(len(body)-p-8) {
			return nil, malformed("WebP: chunk %q of %d bytes past the end", kind, n)
		}
		chunk := body[p : p+8+int(padded)]
		switch kind {
		case "VP8 ", "VP8L", "ALPH", "ANIM", "ANMF", "ICCP":
			out = append(out, chunk...)
		case "VP8X":
			c := append([]byte(nil), chunk...)
			if len(c) > 8 {
				c[8] &^= webpFlagEXIF | webpFlagXMP
			}
			out = append(out, c...)
		} // EXIF, XMP and unknown chunks go
		p += 8 + int(padded)
	}
	binary.LittleEndian.PutUint32(out[4:8], uint32(len(out)-8))
	return out, nil
}

// HEIFWellFormed tells whether data is an ISO base media file (HEIC,
// HEIF) whose top-level boxes tile it exactly: a file type box first, a
// meta box (where HEIF keeps its items), no box past the end and nothing
// after the last. A file that only starts like a HEIC (its first twelve
// bytes, then a page or a script) is not one.
func HEIFWellFormed(data []byte) bool {
	sawMeta := false
	for p, i := int64(0), 0; p < int64(len(data)); i++ {
		if int64(len(data))-p < 8 {
			return false
		}
		size := int64(binary.BigEndian.Uint32(data[p : p+4]))
		kind := string(data[p+4 : p+8])
		header := int64(8)
		switch size {
		case 0: // to the end of the file
			size = int64(len(data)) - p
		case 1: // a 64-bit size follows
			if int64(len(data))-p < 16 {
				return false
			}
			size, header = int64(binary.BigEndian.Uint64(data[p+8:p+16])), 16
		}
		if size < header || size > int64(len(data))-p {
			return false
		}
		if i == 0 && kind != "ftyp" {
			return false
		}
		sawMeta = sawMeta || kind == "meta"
		p += size
	}
	return sawMeta
}
