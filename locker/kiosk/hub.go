package kiosk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"naryad/lockerwire"
)

// Hub is the kiosk's link to the hub: one sync round trip.
type Hub interface {
	Sync(ctx context.Context, req lockerwire.SyncRequest) (lockerwire.SyncResponse, error)
}

// httpHub POSTs SyncRequests to the hub's sync endpoint.
type httpHub struct {
	url    string
	token  string
	client *http.Client
}

var _ Hub = (*httpHub)(nil)

// NewHTTPHub talks to the hub at baseURL with the kiosk's token. A nil
// client gets one with a 10 s timeout.
func NewHTTPHub(baseURL, token string, client *http.Client) Hub {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &httpHub{url: strings.TrimRight(baseURL, "/") + lockerwire.SyncPath, token: token, client: client}
}

// maxResponse bounds what the kiosk reads back: a branch's open work
// orders and staff, comfortably.
const maxResponse = 16 << 20

func (h *httpHub) Sync(ctx context.Context, req lockerwire.SyncRequest) (lockerwire.SyncResponse, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return lockerwire.SyncResponse{}, fmt.Errorf("hub sync: encode: %w", err)
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return lockerwire.SyncResponse{}, fmt.Errorf("hub sync: %w", err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+h.token)
	res, err := h.client.Do(r)
	if err != nil {
		return lockerwire.SyncResponse{}, fmt.Errorf("hub sync: %w", err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if err != nil {
		return lockerwire.SyncResponse{}, fmt.Errorf("hub sync: read answer: %w", err)
	}
	if res.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(data[:min(len(data), 200)]))
		}
		return lockerwire.SyncResponse{}, fmt.Errorf("hub sync: %s: %s", res.Status, e.Error)
	}
	var out lockerwire.SyncResponse
	if err := json.Unmarshal(data, &out); err != nil {
		return lockerwire.SyncResponse{}, fmt.Errorf("hub sync: decode answer: %w", err)
	}
	return out, nil
}
