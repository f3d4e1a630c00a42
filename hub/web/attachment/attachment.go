// Package attachment is the one place that sends a stored file (a
// customer's photo, a mechanic's video, a DMS document, WhatsApp media, the
// admin's QR code) to a browser or to the DMS. A file is somebody else's
// bytes on the hub's own origin: whatever it holds, it must never run as a
// page or a script there, where the customer's CSRF token and the staff
// cookie live.
//
// Three headers make sure of it, on every file whatever its type:
//   - Content-Security-Policy "sandbox; default-src 'none'": a file a
//     browser does open as a document gets an opaque origin and may run
//     nothing, load nothing, be framed by nobody;
//   - X-Content-Type-Options nosniff with a Content-Type from a short list of
//     passive types: a <script src> or <link rel=stylesheet> pointing at a
//     file is refused, as it is not a script or style type;
//   - Content-Disposition attachment for everything but pictures and
//     videos: SVG, HTML, PDF and unknown types are downloaded, not shown.
//
// A separate cookie-less origin for user files (a NARYAD_FILES_URL serving
// them from another host name) would add a second wall, but it needs its own
// DNS name and certificate at every installation and signed, expiring file
// links for the staff pages (their cookie would not reach it). The headers
// above already take the hub's origin away from the file, so it is not done;
// should it come, Send is the one function to point at it.
package attachment

import (
	"fmt"
	"net/url"
	"os"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
)

// CSP is the Content-Security-Policy of every file answer. img-src and
// media-src let a picture or video opened on its own show itself (some
// browsers load it as a subresource of the image document); 'self' of a
// sandboxed document matches nothing else.
const CSP = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; frame-ancestors 'none'"

// pictures are the raster types browsers draw as an image and nothing
// more: shown inline and as thumbnails. Not SVG (a document that may carry
// scripts) nor HEIC (most browsers cannot draw it).
var pictures = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

// videos are played inline by the browser's own player.
var videos = map[string]bool{"video/mp4": true, "video/quicktime": true}

// passive are the other types a file is sent with as they are: formats
// that no browser runs. Any other type (a DMS's or a WhatsApp sender's
// word for it, or a row stored before types were sniffed) goes out as
// application/octet-stream.
var passive = map[string]bool{
	"application/pdf": true, "image/heic": true, "video/3gpp": true,
	"audio/ogg": true, "audio/mpeg": true, "audio/mp4": true, "audio/aac": true, "audio/amr": true,
}

// Picture tells whether a file of this type can be shown as an <img>.
func Picture(contentType string) bool { return pictures[contentType] }

// ServedType is the Content-Type a stored file is sent with: its stored
// type when that is a passive format, else application/octet-stream.
func ServedType(stored string) string {
	if pictures[stored] || videos[stored] || passive[stored] {
		return stored
	}
	return "application/octet-stream"
}

// inline tells whether the browser may show the file itself rather than
// download it. A PDF is downloaded: its viewer runs the file's own scripts
// and forms, and some browsers refuse to show it in a sandbox anyway.
func inline(served string) bool { return pictures[served] || videos[served] }

// Send answers with the stored file a: its bytes from media, with the
// headers above. A missing file is an error for the caller to answer (a
// 500 in its own shape); nothing has been written then.
func Send(c *fiber.Ctx, media *hub.Media, a hub.Attachment) error {
	f, err := os.Open(media.Path(a.SHA256))
	if err != nil {
		return fmt.Errorf("open attachment %d: %w", a.ID, err)
	}
	Headers(c, a.ContentType, a.Name)
	return c.SendStream(f, int(a.SizeBytes)) // fasthttp closes f when sent
}

// SendBytes answers with a file made on the fly (the admin's QR code) with
// the same headers as a stored one.
func SendBytes(c *fiber.Ctx, contentType, name string, data []byte) error {
	Headers(c, contentType, name)
	return c.Send(data)
}

// Headers sets the safe headers of a file of the stored type and name.
func Headers(c *fiber.Ctx, storedType, name string) {
	served := ServedType(storedType)
	disposition := "attachment"
	if inline(served) {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentType, served)
	c.Set(fiber.HeaderContentDisposition, disposition+`; filename*=UTF-8''`+url.PathEscape(hub.CleanFileName(name)))
	c.Set(fiber.HeaderContentSecurityPolicy, CSP)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	// Other sites may not embed the file (it is private; its URL is a key).
	c.Set("Cross-Origin-Resource-Policy", "same-origin")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
}
