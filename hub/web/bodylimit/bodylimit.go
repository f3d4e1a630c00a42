// Package bodylimit decides, from a request's headers alone, how much of
// its body the hub will read, and reads it before any handler runs.
//
// The HTTP server streams bodies (fiber's StreamRequestBody): it reads at
// most a few kilobytes before the gate runs. The gate then
//   - refuses a compressed body (415): a small gzip body can inflate to
//     hundreds of megabytes in the handler that reads it;
//   - refuses a body declared larger than its route allows (413) without
//     reading it, and closes the connection;
//   - lets a body over the small default through only on an upload route
//     whose caller its surface recognises from the headers (a DMS token, a
//     live customer link with its session, a staff session), and only while
//     the bytes of large bodies held at once stay within a budget (else 503
//     with Retry-After);
//   - reads the body, chunked ones included, up to the limit (413 past it)
//     and hands it to the handlers as an ordinary in-memory body.
//
// So an anonymous caller can make the hub hold at most the small default
// per connection, and the signed-in ones at most the budget in all.
package bodylimit

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// Upload is a route that may carry a body over the small default.
type Upload struct {
	Method, Path string // as registered with fiber ("/c/:token/messages")
	MaxBytes     int
	// Allowed tells from the request's headers and path alone, without its
	// body, whether the caller may send a large body here. It runs before
	// the route's own authentication, which still decides the request.
	Allowed func(c *fiber.Ctx) bool
}

// Gate reads request bodies within their limits.
type Gate struct {
	small      int
	budget     *budget
	retryAfter int // seconds, in a 503's Retry-After
}

// New makes a gate that reads at most smallBytes of a body for anyone, and
// holds at most budgetBytes of large bodies at once.
func New(smallBytes, budgetBytes int) *Gate {
	return &Gate{small: smallBytes, budget: newBudget(budgetBytes), retryAfter: 5}
}

// Configure sets the fiber settings the gate relies on: bodies streamed to
// it rather than read by the server, and multipart forms not parsed (into
// files of any size) before it runs.
func (g *Gate) Configure(cfg *fiber.Config) {
	cfg.StreamRequestBody = true
	cfg.DisablePreParseMultipartForm = true
	// With streaming this only chooses how the server prefetches the first
	// kilobytes: exactly Content-Length's up to it, never more.
	cfg.BodyLimit = g.budget.size
}

// Install puts the gate in front of every route of app; call it before any
// route is registered. Each upload gets its own gate handler at its own
// path, so fiber's router, not a copy of it, decides which requests are
// uploads; every other request meets the small default.
func (g *Gate) Install(app *fiber.App, uploads ...Upload) {
	for _, u := range uploads {
		if u.MaxBytes > g.budget.size {
			panic(fmt.Sprintf("bodylimit: %s %s allows %d bytes, more than the whole budget of %d", u.Method, u.Path, u.MaxBytes, g.budget.size))
		}
		app.Add(u.Method, u.Path, g.upload(u))
	}
	app.Use(g.other)
}

// doneKey marks a request whose body an upload handler has dealt with.
const doneKey = "bodylimit_done"

func (g *Gate) upload(u Upload) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(doneKey, true)
		n, ok := declared(c)
		if !ok {
			return c.Next()
		}
		if err := uncompressed(c); err != nil {
			return err
		}
		limit := g.small
		if n > g.small || n < 0 { // may be large: only for those the route knows
			if n > u.MaxBytes {
				return tooLarge(c, u.MaxBytes)
			}
			if u.Allowed(c) {
				limit = u.MaxBytes
			}
		}
		if limit == g.small {
			return g.read(c, n, limit)
		}
		hold := n
		if n < 0 {
			hold = limit // chunked: its size is known only once read
		}
		if !g.budget.take(hold) {
			c.Response().SetConnectionClose()
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(g.retryAfter))
			return fiber.NewError(fiber.StatusServiceUnavailable, "too many large uploads at once; try again in a few seconds")
		}
		defer g.budget.give(hold)
		return g.read(c, n, limit)
	}
}

// other is the gate of every request that is not an upload's.
func (g *Gate) other(c *fiber.Ctx) error {
	if c.Locals(doneKey) != nil {
		return c.Next()
	}
	n, ok := declared(c)
	if !ok {
		return c.Next()
	}
	if err := uncompressed(c); err != nil {
		return err
	}
	return g.read(c, n, g.small)
}

// uncompressed refuses a compressed body: handlers would inflate it without
// a bound. Browsers, 1C and the kiosks send bodies as they are.
func uncompressed(c *fiber.Ctx) error {
	if enc := c.Get(fiber.HeaderContentEncoding); enc != "" && enc != "identity" {
		c.Response().SetConnectionClose()
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "compressed request bodies are not accepted (Content-Encoding "+strconv.Quote(enc)+")")
	}
	return nil
}

// declared is the body's length from the headers: -1 when chunked; ok is
// false when there is no body at all.
func declared(c *fiber.Ctx) (n int, ok bool) {
	n = c.Request().Header.ContentLength()
	if n == 0 || n == -2 { // -2: no Content-Length nor chunked: no body
		return 0, false
	}
	return n, true
}

// read reads the body (n bytes, or chunked when n < 0) into memory if it
// fits within limit, then runs the next handler.
func (g *Gate) read(c *fiber.Ctx, n, limit int) error {
	if n > limit {
		return tooLarge(c, limit)
	}
	req := c.Request()
	stream := req.BodyStream()
	if stream == nil { // already in memory (a server without streaming)
		if len(req.Body()) > limit {
			return tooLarge(c, limit)
		}
		return c.Next()
	}
	body, err := readAtMost(stream, n, limit)
	if err == errTooLarge {
		return tooLarge(c, limit)
	}
	if err != nil {
		c.Response().SetConnectionClose()
		return fiber.NewError(fiber.StatusBadRequest, "request body cut short: "+err.Error())
	}
	req.SetBodyRaw(body)
	return c.Next()
}

var errTooLarge = fmt.Errorf("body over the limit")

// readAtMost reads n bytes, or a chunked body (n < 0) of at most limit.
func readAtMost(r io.Reader, n, limit int) ([]byte, error) {
	if n >= 0 {
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			return nil, err
		}
		return body, nil
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(r, int64(limit)+1)); err != nil {
		return nil, err
	}
	if buf.Len() > limit {
		return nil, errTooLarge
	}
	return buf.Bytes(), nil
}

// tooLarge refuses a body without reading (the rest of) it; the
// connection closes after the answer, as what is left of the body would
// otherwise be read as the next request.
func tooLarge(c *fiber.Ctx, limit int) error {
	c.Response().SetConnectionClose()
	return fiber.NewError(fiber.StatusRequestEntityTooLarge, "request body is over the limit of "+strconv.Itoa(limit)+" bytes")
}
