package stripemock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is the recording proxy in front of one stripe-mock process. Give
// URL to the code under test as Stripe's API address.
type Server struct {
	URL string

	upstream string
	client   *http.Client

	mu       sync.Mutex
	requests []Request
	patches  map[string]map[string]any
	failures map[string]failure
	stalls   map[string]bool
}

// Request is one API call the proxy received.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Form   url.Values // the form-encoded body Stripe's API takes
	Header http.Header
}

type failure struct {
	status int
	body   []byte
}

func newServer(t testing.TB, upstream string) *Server {
	s := &Server{
		upstream: upstream,
		client:   &http.Client{Timeout: 10 * time.Second},
		patches:  map[string]map[string]any{},
		failures: map[string]failure{},
		stalls:   map[string]bool{},
	}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

func ruleKey(method, path string) string { return strings.ToUpper(method) + " " + path }

// Requests returns the calls received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Patch merges fields into stripe-mock's JSON answer to every later
// method+path call (path without the query, e.g.
// "/v1/checkout/sessions/cs_1"): objects are merged key by key, anything
// else is replaced. The request is still forwarded, so stripe-mock still
// validates it. A second Patch of the same call replaces the first.
func (s *Server) Patch(method, path string, fields map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.patches[ruleKey(method, path)] = fields
}

// Fail answers every later method+path call with Stripe's error shape
// ({"error": {"type", "code", "message"}}) and the HTTP status, without
// asking stripe-mock.
func (s *Server) Fail(method, path string, status int, code, message string) {
	errType := "invalid_request_error"
	switch {
	case status == http.StatusUnauthorized:
		errType = "authentication_error"
	case status == http.StatusTooManyRequests:
		errType = "rate_limit_error"
	case status >= 500:
		errType = "api_error"
	}
	body, _ := json.Marshal(map[string]any{"error": map[string]any{"type": errType, "code": code, "message": message}})
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[ruleKey(method, path)] = failure{status: status, body: body}
}

// Stall makes every later method+path call hang until its client gives up,
// as a Stripe that does not answer.
func (s *Server) Stall(method, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stalls[ruleKey(method, path)] = true
}

// Clear removes the Patch, Fail and Stall of method+path.
func (s *Server) Clear(method, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := ruleKey(method, path)
	delete(s.patches, k)
	delete(s.failures, k)
	delete(s.stalls, k)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	form, _ := url.ParseQuery(string(body))
	k := ruleKey(r.Method, r.URL.Path)

	s.mu.Lock()
	s.requests = append(s.requests, Request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Form: form, Header: r.Header.Clone(),
	})
	patch, fail, stall := s.patches[k], s.failures[k], s.stalls[k]
	_, failing := s.failures[k]
	s.mu.Unlock()

	if stall {
		<-r.Context().Done()
		return
	}
	if failing {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(fail.status)
		_, _ = w.Write(fail.body)
		return
	}

	status, header, answer, err := s.forward(r, body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if patch != nil && status/100 == 2 {
		if answer, err = merged(answer, patch); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
	}
	for _, name := range []string{"Content-Type", "Request-Id", "Idempotency-Key", "Stripe-Version"} {
		if v := header.Get(name); v != "" {
			w.Header().Set(name, v)
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write(answer)
}

// forward sends the call to stripe-mock as it came.
func (s *Server) forward(r *http.Request, body []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, s.upstream+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header = r.Header.Clone()
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("stripe-mock: %w", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("stripe-mock answer: %w", err)
	}
	return resp.StatusCode, resp.Header, answer, nil
}

// merged returns the JSON object answer with patch merged in.
func merged(answer []byte, patch map[string]any) ([]byte, error) {
	var obj map[string]any
	if err := json.Unmarshal(answer, &obj); err != nil {
		return nil, fmt.Errorf("patch a non-object answer: %w", err)
	}
	mergeInto(obj, patch)
	return json.Marshal(obj)
}

func mergeInto(dst, patch map[string]any) {
	for k, v := range patch {
		sub, isObj := v.(map[string]any)
		have, hasObj := dst[k].(map[string]any)
		if isObj && hasObj {
			have = maps.Clone(have)
			mergeInto(have, sub)
			dst[k] = have
			continue
		}
		dst[k] = v
	}
}
