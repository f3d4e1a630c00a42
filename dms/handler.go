package dms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/attachment"
)

// Limits of one exchange request.
const (
	MaxEventsPerBatch = 1000
	maxChangesLimit   = 1000
	defaultChanges    = 100
	requestTimeout    = 60 * time.Second
)

// Handler serves the exchange API under /api/dms/v1.
type Handler struct {
	store    *store.Store
	ingester *Ingester
	media    *hub.Media
	maxBody  int
	log      *slog.Logger
}

// NewHandler builds the exchange API; maxBody is the largest request body.
func NewHandler(s *store.Store, in *Ingester, media *hub.Media, maxBody int, log *slog.Logger) *Handler {
	return &Handler{store: s, ingester: in, media: media, maxBody: maxBody, log: log}
}

// EventsPath is where the DMS posts its batches: the exchange's one large
// body.
const EventsPath = "/api/dms/v1/events"

// Register adds the exchange routes.
func (h *Handler) Register(r fiber.Router) {
	api := r.Group("/api/dms/v1", h.authenticate)
	api.Post(strings.TrimPrefix(EventsPath, "/api/dms/v1"), h.postEvents)
	api.Get("/changes", h.getChanges)
	api.Get("/files/:sha256", h.getFile)
}

// fail answers with the exchange's JSON error shape.
func fail(c *fiber.Ctx, status int, msg string) error {
	return c.Status(status).JSON(fiber.Map{"error": msg})
}

const nodeKey = "dms_node"

var errNoToken = errors.New("missing bearer token")

// authenticate finds the node by its bearer token.
func (h *Handler) authenticate(c *fiber.Ctx) error {
	node, err := h.node(c)
	if errors.Is(err, errNoToken) {
		return fail(c, fiber.StatusUnauthorized, "missing bearer token")
	}
	if errors.Is(err, store.ErrNotFound) {
		return fail(c, fiber.StatusUnauthorized, "unknown or revoked token")
	}
	if err != nil {
		h.log.Error("dms auth", "error", err)
		return fail(c, fiber.StatusInternalServerError, "internal error")
	}
	c.Locals(nodeKey, node)
	return c.Next()
}

// Authorized tells, before the body is read, whether the request carries
// a live node token: only such a request may send a large batch.
func (h *Handler) Authorized(c *fiber.Ctx) bool {
	_, err := h.node(c)
	return err == nil
}

// node is the node whose bearer token the request carries.
func (h *Handler) node(c *fiber.Ctx) (hub.DMSNode, error) {
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if token = strings.TrimSpace(token); !ok || token == "" {
		return hub.DMSNode{}, errNoToken
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	node, err := h.store.NodeByTokenHash(ctx, hub.HashToken(token))
	if err != nil {
		return hub.DMSNode{}, fmt.Errorf("dms node by token: %w", err)
	}
	return node, nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func (h *Handler) postEvents(c *fiber.Ctx) error {
	node := c.Locals(nodeKey).(hub.DMSNode)
	body := c.Body()
	if len(body) > h.maxBody {
		return fail(c, fiber.StatusRequestEntityTooLarge, "body of "+strconv.Itoa(len(body))+" bytes is over the limit of "+strconv.Itoa(h.maxBody))
	}
	body = bytes.TrimPrefix(body, utf8BOM) // 1C's text writers add one now and then
	if at, ok := firstInvalidUTF8(body); !ok {
		// encoding/json would quietly turn the bad bytes into U+FFFD.
		return fail(c, fiber.StatusBadRequest, "body is not valid UTF-8 (byte "+strconv.Itoa(at)+"); send UTF-8 JSON, not Windows-1251")
	}
	var batch batchIn
	if err := json.Unmarshal(body, &batch); err != nil {
		return fail(c, fiber.StatusBadRequest, "body is not a JSON object with an \"events\" array: "+err.Error())
	}
	if batch.Events == nil {
		return fail(c, fiber.StatusBadRequest, "body has no \"events\" array")
	}
	if n := len(*batch.Events); n > MaxEventsPerBatch {
		return fail(c, fiber.StatusRequestEntityTooLarge, strconv.Itoa(n)+" events in one request; the limit is "+strconv.Itoa(MaxEventsPerBatch))
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), requestTimeout)
	defer cancel()
	started := time.Now()
	results, err := h.ingester.Apply(ctx, node, *batch.Events)
	if err != nil {
		h.log.Error("dms events", "node", node.Name, "events", len(*batch.Events), "error", err)
		return fail(c, fiber.StatusInternalServerError, "the batch was not applied; send it again")
	}
	counts := map[string]int{}
	for _, r := range results {
		counts[r.Result]++
	}
	h.log.Info("dms events", "node", node.Name, "events", len(results),
		"applied", counts[store.EventApplied], "duplicate", counts[store.EventDuplicate],
		"stale", counts[store.EventStale], "rejected", counts[store.EventRejected],
		"duration_ms", time.Since(started).Milliseconds())
	return c.JSON(fiber.Map{"results": results})
}

// firstInvalidUTF8 finds the offset of the first byte that is not UTF-8;
// ok is true when there is none.
func firstInvalidUTF8(b []byte) (at int, ok bool) {
	if utf8.Valid(b) {
		return 0, true
	}
	for at < len(b) {
		r, size := utf8.DecodeRune(b[at:])
		if r == utf8.RuneError && size <= 1 {
			return at, false
		}
		at += size
	}
	return at, false
}

// changeOut is one entry of the feed as the DMS reads it. Data goes out
// as stored: the hub.ChangeData of its type, encoded when the change was
// written (the contract is hub/changefeed.go).
type changeOut struct {
	Seq             int64           `json:"seq"`
	Type            string          `json:"type"`
	OccurredAt      time.Time       `json:"occurred_at"`
	WorkOrderNumber string          `json:"work_order_number,omitempty"`
	Data            json.RawMessage `json:"data"`
}

func (h *Handler) getChanges(c *fiber.Ctx) error {
	node := c.Locals(nodeKey).(hub.DMSNode)
	after, err := strconv.ParseInt(c.Query("after", "0"), 10, 64)
	if err != nil || after < 0 {
		return fail(c, fiber.StatusBadRequest, "after: not a whole number ≥ 0: "+strconv.Quote(c.Query("after")))
	}
	limit := defaultChanges
	if raw := c.Query("limit"); raw != "" {
		if limit, err = strconv.Atoi(raw); err != nil || limit < 1 || limit > maxChangesLimit {
			return fail(c, fiber.StatusBadRequest, "limit: not a whole number from 1 to "+strconv.Itoa(maxChangesLimit)+": "+strconv.Quote(raw))
		}
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), requestTimeout)
	defer cancel()
	page, err := h.feed(ctx, node, after, limit)
	if err != nil {
		h.log.Error("dms changes", "node", node.Name, "after", after, "error", err)
		return fail(c, fiber.StatusInternalServerError, "internal error")
	}
	return c.JSON(page)
}

type feedPage struct {
	Changes []changeOut `json:"changes"`
	LastSeq int64       `json:"last_seq"`
}

// feed reads a page of the node's changes and records after as the node's
// acknowledged position: asking for what follows S confirms S was taken.
func (h *Handler) feed(ctx context.Context, node hub.DMSNode, after int64, limit int) (feedPage, error) {
	if err := h.store.AckNode(ctx, node.ID, after); err != nil {
		return feedPage{}, err
	}
	branches, err := h.store.NodeBranches(ctx, node)
	if err != nil {
		return feedPage{}, err
	}
	ids := make([]int64, len(branches))
	for i, b := range branches {
		ids[i] = b.ID
	}
	// Read the counter before the changes: every change numbered up to it
	// was committed when it was read (numbering happens under the counter's
	// row lock, inside the writing transaction), so a short page may skip
	// the reader ahead to it past other branches' changes.
	last, err := h.store.LastSeq(ctx)
	if err != nil {
		return feedPage{}, err
	}
	changes, err := h.store.ChangesAfter(ctx, ids, after, limit)
	if err != nil {
		return feedPage{}, err
	}
	page := feedPage{Changes: make([]changeOut, len(changes)), LastSeq: max(after, last)}
	for i, ch := range changes {
		page.Changes[i] = changeOut{Seq: ch.Seq, Type: ch.Type, OccurredAt: ch.OccurredAt.UTC(),
			WorkOrderNumber: ch.WorkOrderNumber, Data: json.RawMessage(ch.Data)}
	}
	if len(changes) == limit {
		page.LastSeq = changes[len(changes)-1].Seq
	}
	return page, nil
}

// getFile is GET /api/dms/v1/files/<sha256>: a file from a thread of the
// node's branches — what customer_message changes name by hash — so 1C can
// keep the customer's photos and documents with the work order.
func (h *Handler) getFile(c *fiber.Ctx) error {
	node := c.Locals(nodeKey).(hub.DMSNode)
	sum := strings.ToLower(c.Params("sha256"))
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		return fail(c, fiber.StatusBadRequest, "sha256: not 64 hexadecimal digits")
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), requestTimeout)
	defer cancel()
	branches, err := h.store.NodeBranches(ctx, node)
	if err != nil {
		h.log.Error("dms file", "node", node.Name, "error", err)
		return fail(c, fiber.StatusInternalServerError, "internal error")
	}
	ids := make([]int64, len(branches))
	for i, b := range branches {
		ids[i] = b.ID
	}
	a, err := h.store.BranchFile(ctx, ids, sum)
	if errors.Is(err, store.ErrNotFound) {
		return fail(c, fiber.StatusNotFound, "no such file in this node's branches")
	}
	if err != nil {
		h.log.Error("dms file", "node", node.Name, "error", err)
		return fail(c, fiber.StatusInternalServerError, "internal error")
	}
	// Sent as to a browser: whoever reads the exchange's answers may open
	// them in one.
	if err := attachment.Send(c, h.media, a); err != nil {
		h.log.Error("dms file: stored file missing", "sha256", a.SHA256, "error", err)
		return fail(c, fiber.StatusInternalServerError, "internal error")
	}
	return nil
}
