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
//     the bytes of large bodies held at once by the route's pool stay
//     within the pool's budget (else 503 with Retry-After). Each kind of
//     caller has a pool of its own, so machines (the DMS, the kiosks) never
//     wait for people (customers, staff);
//   - lets a route take one large body at a time per caller (a customer
//     link): a second one meanwhile gets 429 with Retry-After;
//   - reads the body, chunked ones included, up to the limit (413 past it)
//     and hands it to the handlers as an ordinary in-memory body. A large
//     body must keep a minimum pace (see Pace) or the connection is closed
//     with 408, and its share of the budget given back.
//
// So an anonymous caller can make the hub hold at most the small default
// per connection, and the signed-in ones at most their pool's budget in all,
// and only for as long as they keep sending.
package bodylimit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

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
	// Pool names the budget the route's large bodies share, one of those
	// given to New.
	Pool string
	// OneAt, if set, names the caller from the path or headers (a customer
	// link's :token): each caller sends one large body here at a time.
	OneAt func(c *fiber.Ctx) string
}

// Gate reads request bodies within their limits.
type Gate struct {
	small      int
	pools      map[string]*budget
	largest    int // the largest pool's size
	oneAt      *oneAtATime
	pace       pace
	retryAfter int // seconds, in a 503's or 429's Retry-After
}

// New makes a gate that reads at most smallBytes of a body for anyone, and
// holds at most budgets[pool] bytes of large bodies of each pool at once.
func New(smallBytes int, budgets map[string]int) *Gate {
	g := &Gate{small: smallBytes, pools: map[string]*budget{}, oneAt: newOneAtATime(),
		pace: pace{bytesPerSecond: 64 << 10, grace: 10 * time.Second}, retryAfter: 5}
	for name, size := range budgets {
		g.pools[name] = newBudget(size)
		g.largest = max(g.largest, size)
	}
	return g
}

// Pace sets the slowest a large body may arrive (64 KiB/s after 10 s
// unless set): by any moment past grace, minBytesPerSecond for every second
// since its reading began. Slower, and the connection is closed with 408.
func (g *Gate) Pace(minBytesPerSecond int, grace time.Duration) {
	g.pace = pace{bytesPerSecond: minBytesPerSecond, grace: grace}
}

// Configure sets the fiber settings the gate relies on: bodies streamed to
// it rather than read by the server, and multipart forms not parsed (into
// files of any size) before it runs.
func (g *Gate) Configure(cfg *fiber.Config) {
	cfg.StreamRequestBody = true
	cfg.DisablePreParseMultipartForm = true
	// With streaming this only chooses how the server prefetches the first
	// kilobytes: exactly Content-Length's up to it, never more.
	cfg.BodyLimit = g.largest
}

// Install puts the gate in front of every route of app; call it before any
// route is registered. Each upload gets its own gate handler at its own
// path, so fiber's router, not a copy of it, decides which requests are
// uploads; every other request meets the small default.
func (g *Gate) Install(app *fiber.App, uploads ...Upload) {
	for _, u := range uploads {
		pool, ok := g.pools[u.Pool]
		if !ok {
			panic(fmt.Sprintf("bodylimit: %s %s is in pool %q, which has no budget", u.Method, u.Path, u.Pool))
		}
		if u.MaxBytes > pool.size {
			panic(fmt.Sprintf("bodylimit: %s %s allows %d bytes, more than the whole budget of %d of pool %q", u.Method, u.Path, u.MaxBytes, pool.size, u.Pool))
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
			return g.read(c, n, limit, false)
		}
		if u.OneAt != nil {
			key := u.Path + " " + u.OneAt(c)
			if !g.oneAt.claim(key) {
				return g.later(c, fiber.StatusTooManyRequests, "another upload from this page is still being received; try again when it is done")
			}
			defer g.oneAt.release(key)
		}
		hold := n
		if n < 0 {
			hold = limit // chunked: its size is known only once read
		}
		pool := g.pools[u.Pool]
		if !pool.take(hold) {
			return g.later(c, fiber.StatusServiceUnavailable, "too many large uploads at once; try again in a few seconds")
		}
		defer pool.give(hold)
		return g.read(c, n, limit, true)
	}
}

// later turns a large body away unread, asking to try again later.
func (g *Gate) later(c *fiber.Ctx, status int, msg string) error {
	c.Response().SetConnectionClose()
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(g.retryAfter))
	return fiber.NewError(status, msg)
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
	return g.read(c, n, g.small, false)
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
// fits within limit, then runs the next handler. A paced body must keep
// the gate's pace.
func (g *Gate) read(c *fiber.Ctx, n, limit int, paced bool) error {
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
	if conn := c.Context().Conn(); paced && conn != nil {
		stream = &pacedReader{r: stream, conn: conn, pace: g.pace, start: time.Now()}
	}
	body, err := readAtMost(stream, n, limit)
	if err == errTooLarge {
		return tooLarge(c, limit)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		c.Response().SetConnectionClose()
		return fiber.NewError(fiber.StatusRequestTimeout, "request body arrived too slowly (under "+
			strconv.Itoa(g.pace.bytesPerSecond>>10)+" KiB/s)")
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
