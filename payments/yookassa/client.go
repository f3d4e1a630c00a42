package yookassa

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"naryad/hub"
	"naryad/payments"
)

// maxResponse bounds what is read of an answer: YooKassa's objects are a
// few kilobytes.
const maxResponse = 1 << 20

// maxKeyLen is the longest Idempotence-Key YooKassa takes.
const maxKeyLen = 64

// call makes one API request within the provider's timeout and decodes a
// 200 answer into out. A POST carries idempotenceKey. Anything else is a
// *payments.Error: temporary for no answer, 202 (still processing), 429
// and 5xx, so the caller tries again later with the same key; final for
// the rest (bad request, credentials, not found).
func (p *Provider) call(ctx context.Context, op, method, path, idempotenceKey string, in, out any) error {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()

	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("yookassa %s: encoding the request: %w", op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.baseURL+path, body)
	if err != nil {
		return fmt.Errorf("yookassa %s: %w", op, err)
	}
	req.SetBasicAuth(p.shopID, p.secretKey)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method == http.MethodPost {
		req.Header.Set("Idempotence-Key", idempotenceKey)
	}

	resp, err := p.http.Do(req)
	if err != nil {
		return &payments.Error{Provider: hub.ProviderYooKassa, Op: op, Message: "no answer: " + err.Error(), Temporary: true}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return &payments.Error{Provider: hub.ProviderYooKassa, Op: op, Status: resp.StatusCode, Message: "reading the answer: " + err.Error(), Temporary: true}
	}

	switch {
	case resp.StatusCode == http.StatusOK:
		if err := json.Unmarshal(raw, out); err != nil {
			// A 200 that is not the object is a proxy's page or a cut
			// answer: the request's outcome is unknown, so try again.
			return &payments.Error{Provider: hub.ProviderYooKassa, Op: op, Status: resp.StatusCode, Message: "unreadable answer: " + err.Error(), Temporary: true}
		}
		return nil
	case resp.StatusCode == http.StatusAccepted:
		// YooKassa is still processing the request: repeat it later with
		// the same Idempotence-Key.
		return &payments.Error{Provider: hub.ProviderYooKassa, Op: op, Status: resp.StatusCode, Code: "processing", Message: "request accepted but still processing", Temporary: true}
	default:
		return apiFailure(op, resp.StatusCode, raw)
	}
}

// apiFailure reads YooKassa's error body.
func apiFailure(op string, status int, raw []byte) *payments.Error {
	e := &payments.Error{
		Provider:  hub.ProviderYooKassa,
		Op:        op,
		Status:    status,
		Temporary: status == http.StatusTooManyRequests || status >= 500,
	}
	var ae apiError
	if json.Unmarshal(raw, &ae) == nil && ae.Code != "" {
		e.Code = ae.Code
		e.Message = ae.Description
		if ae.Parameter != "" {
			e.Message += " (" + ae.Parameter + ")"
		}
	}
	if strings.TrimSpace(e.Message) == "" {
		e.Message = fmt.Sprintf("HTTP %d", status)
	}
	return e
}

// idempotenceKey fits a key into YooKassa's 64 characters: a longer one
// becomes its SHA-256, still the same for every retry.
func idempotenceKey(key string) (string, error) {
	if key == "" {
		return "", errors.New("no idempotency key")
	}
	if len(key) <= maxKeyLen {
		return key, nil
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:]), nil
}
