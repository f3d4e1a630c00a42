package app_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

const authToken = "twilio-test-auth-token"

// fakeTwilio answers the Messages API as Twilio documents it.
func fakeTwilio(t *testing.T, sent *atomic.Int32) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/Messages.json") {
			http.Error(w, "unexpected", http.StatusNotFound)
			return
		}
		n := sent.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"sid": "SM%032d", "status": "queued"}`, n)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func sign(fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(fullURL))
	for _, k := range keys {
		mac.Write([]byte(k + form.Get(k)))
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func TestTwilioDeliveryAndStatusCallback(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			var sent atomic.Int32
			twilio := fakeTwilio(t, &sent)
			h := apptest.Start(t, b, func(c *cli.Config) {
				c.Addr = "127.0.0.1:0"
				c.SMSProvider, c.TwilioAccountSID, c.TwilioAuthToken, c.TwilioFrom = "twilio", "AC0123", authToken, "+15005550006"
				c.TwilioBaseURL = twilio.URL
			})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- h.Server.Run(ctx) }()
			t.Cleanup(func() { cancel(); <-done })

			body, _ := json.Marshal(map[string]any{"events": []any{map[string]any{
				"id": "e1", "type": "work_order", "occurred_at": "2026-11-23T10:00:00",
				"work_order": map[string]any{"number": "АА-1", "version": 1, "branch": "MSK1", "status": "Готов",
					"customer": map[string]any{"external_id": "C1", "phones": []any{"+79161234567"}}},
			}}})
			if status, reply := h.PostEvents(t, h.Token, body); status != 200 {
				t.Fatalf("push: %d %v", status, reply)
			}
			msg := waitForDelivery(t, h.Store, hub.DeliverySent)
			if sent.Load() != 1 || !strings.HasPrefix(msg.ProviderID, "SM") {
				t.Fatalf("twilio calls %d, message %+v", sent.Load(), msg)
			}

			callback := "https://hub.example.test/hooks/twilio/status"
			post := func(form url.Values, signature string) int {
				req := httptest.NewRequest(http.MethodPost, "/hooks/twilio/status", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Twilio-Signature", signature)
				resp := h.Do(t, req)
				resp.Body.Close()
				return resp.StatusCode
			}
			delivered := url.Values{"MessageSid": {msg.ProviderID}, "MessageStatus": {"delivered"}}
			forged := url.Values{"MessageSid": {msg.ProviderID}, "MessageStatus": {"failed"}, "ErrorCode": {"30003"}}
			if code := post(forged, sign(callback, delivered)); code != http.StatusForbidden {
				t.Errorf("forged callback: status %d, want 403", code)
			}
			// Part of a long message reached the handset: delivered.
			partly := url.Values{"MessageSid": {msg.ProviderID}, "MessageStatus": {"partially_delivered"}}
			if code := post(partly, sign(callback, partly)); code != http.StatusNoContent {
				t.Fatalf("partially_delivered callback: status %d, want 204", code)
			}
			if m := waitForDelivery(t, h.Store, hub.DeliveryDelivered); m.Error != "" {
				t.Errorf("delivered message has error %q", m.Error)
			}
			if code := post(delivered, sign(callback, delivered)); code != http.StatusNoContent {
				t.Fatalf("callback: status %d, want 204", code)
			}
			// A late "sent" report never moves a delivered message back.
			late := url.Values{"MessageSid": {msg.ProviderID}, "MessageStatus": {"sent"}}
			post(late, sign(callback, late))
			waitForDelivery(t, h.Store, hub.DeliveryDelivered)
		})
	}
}

// waitForDelivery polls the single outgoing message until it reaches state.
func waitForDelivery(t *testing.T, s *store.Store, state string) hub.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var m hub.Message
		s.Gorm(context.Background()).Where("direction = ?", hub.DirectionOut).Order("id").Take(&m)
		if m.Delivery == state {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("message stayed %q (error %q), want %q", m.Delivery, m.Error, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
