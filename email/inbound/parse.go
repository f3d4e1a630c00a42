package inbound

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// Bounds on what one e-mail may make the parser do: a hostile message
// nests multiparts or carries thousands of parts to burn memory and time.
const (
	maxDepth = 8
	maxParts = 64
)

var errTooBig = errors.New("part too large")

// part is one leaf of an e-mail's MIME tree, its transfer encoding undone.
type part struct {
	contentType string // lower case, "text/plain" when missing
	params      map[string]string
	filename    string // "" for an inline text part
	attachment  bool   // Content-Disposition: attachment, or it has a file name
	body        []byte
}

// parsed is what naryad reads of an e-mail.
type parsed struct {
	header mail.Header
	parts  []part
	// reportType is the report-type of a top-level multipart/report
	// ("delivery-status" for a DSN).
	reportType string
}

// parseMessage reads an e-mail's header and its MIME tree. Only a message
// whose header cannot be read fails; a broken part ends the walk with what
// was read so far.
func parseMessage(raw []byte, maxPart int64) (parsed, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return parsed{}, fmt.Errorf("read e-mail header: %w", err)
	}
	p := parsed{header: msg.Header}
	ct, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if strings.EqualFold(ct, "multipart/report") {
		p.reportType = strings.ToLower(params["report-type"])
	}
	w := walker{maxPart: maxPart}
	w.walk(textproto.MIMEHeader(msg.Header), msg.Body, 0)
	p.parts = w.parts
	return p, nil
}

type walker struct {
	parts   []part
	maxPart int64
	seen    int
}

func (w *walker) walk(h textproto.MIMEHeader, body io.Reader, depth int) {
	w.seen++
	if w.seen > maxParts || depth > maxDepth {
		return
	}
	ct, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || ct == "" {
		ct, params = "text/plain", map[string]string{}
	}
	ct = strings.ToLower(ct)
	if strings.HasPrefix(ct, "multipart/") && params["boundary"] != "" {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			// NextRawPart: multipart's own quoted-printable decoding would
			// hide the encoding from decodeTransfer.
			np, err := mr.NextRawPart()
			if err != nil {
				return // the end, or a broken part: keep what was read
			}
			w.walk(np.Header, np, depth+1)
		}
	}
	data, err := readAllLimited(decodeTransfer(h.Get("Content-Transfer-Encoding"), body), w.maxPart)
	if err != nil && !errors.Is(err, errTooBig) {
		data = nil // an undecodable part: kept as empty, so an attachment is still named
	}
	p := part{contentType: ct, params: params, body: data}
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	p.filename = dparams["filename"]
	if p.filename == "" {
		p.filename = params["name"]
	}
	p.filename = decodeHeader(p.filename)
	p.attachment = strings.EqualFold(disp, "attachment") || p.filename != "" ||
		!(strings.HasPrefix(ct, "text/") || strings.HasPrefix(ct, "message/"))
	if errors.Is(err, errTooBig) {
		p.body, p.attachment = nil, true // named in the note of what was left out
		if p.filename == "" {
			p.filename = ct
		}
	}
	w.parts = append(w.parts, p)
}

// decodeTransfer undoes a part's Content-Transfer-Encoding; 7bit, 8bit,
// binary and anything unknown pass as they are.
func decodeTransfer(enc string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &base64Cleaner{r: r})
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// base64Cleaner drops the line breaks and stray characters mail clients
// put into base64 bodies, which encoding/base64 does not skip (it skips
// only \r and \n).
type base64Cleaner struct{ r io.Reader }

func (c *base64Cleaner) Read(b []byte) (int, error) {
	for {
		n, err := c.r.Read(b)
		k := 0
		for _, ch := range b[:n] {
			if ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '+' || ch == '/' || ch == '=' {
				b[k] = ch
				k++
			}
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

// text is the part's words in UTF-8.
func (p part) text() string { return decodeCharset(p.params["charset"], p.body) }
