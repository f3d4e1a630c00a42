package yookassatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// routes serves the API under /v3 and the checkout page.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v3/payments", s.api(s.createPayment))
	mux.HandleFunc("GET /v3/payments/{id}", s.api(s.getPayment))
	mux.HandleFunc("POST /v3/payments/{id}/cancel", s.api(s.cancelPayment))
	mux.HandleFunc("POST /v3/payments/{id}/capture", s.api(s.capturePayment))
	mux.HandleFunc("POST /v3/refunds", s.api(s.createRefund))
	mux.HandleFunc("GET /v3/refunds/{id}", s.api(s.getRefund))
	mux.HandleFunc("/v3/", s.api(func(*http.Request, []byte) (any, *apiError) {
		return nil, &apiError{status: http.StatusNotFound, Code: "not_found", Description: "Unknown API method"}
	}))
	mux.HandleFunc("GET /checkout/payments/v2/contract", s.checkoutPage)
	mux.HandleFunc("POST /checkout/payments/v2/contract", s.checkoutAction)
	return mux
}

// handler is one API method: it returns the object to answer with, or an
// error. It runs under s.mu.
type handler func(r *http.Request, body []byte) (any, *apiError)

// api wraps a method with what every call goes through at YooKassa: the
// fault a test queued, Basic auth, the JSON content type and the
// Idempotence-Key of a POST (same key and same request: the first answer
// again; same key, another request: 400). Only successful answers are kept
// for their key, so a request corrected after a 400 may reuse it.
func (s *Server) api(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		key := r.Header.Get("Idempotence-Key")

		s.mu.Lock()
		i := len(s.requests)
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, IdempotenceKey: key, Body: body})
		status, answer := s.serve(r, h, key, body)
		s.requests[i].Status = status
		s.mu.Unlock()

		if status == 0 { // a queued hang
			select {
			case <-r.Context().Done():
			case <-s.done:
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(answer)
	}
}

// serve answers one API request under s.mu; status 0 means hang.
func (s *Server) serve(r *http.Request, h handler, key string, body []byte) (int, []byte) {
	if len(s.faults) > 0 {
		status := s.faults[0]
		s.faults = s.faults[1:]
		if status == 0 {
			return 0, nil
		}
		return failure(&apiError{status: status, Code: codeOf(status), Description: "Injected by the test"})
	}
	if shop, secret, ok := r.BasicAuth(); !ok || shop != ShopID || secret != SecretKey {
		return failure(&apiError{status: http.StatusUnauthorized, Code: "invalid_credentials", Description: "Authentication by given credentials failed"})
	}
	if r.Method != http.MethodPost {
		return answer(h(r, body))
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return failure(&apiError{status: http.StatusUnsupportedMediaType, Code: "invalid_request", Description: "Content-Type must be application/json"})
	}
	if key == "" || len(key) > 64 {
		return failure(&apiError{status: http.StatusBadRequest, Code: "invalid_request", Description: "Idempotence key is missing or longer than 64 characters", Parameter: "Idempotence-Key"})
	}
	request := r.Method + " " + r.URL.Path + " " + canonical(body)
	if prev, ok := s.keys[key]; ok {
		if prev.request != request {
			return failure(&apiError{status: http.StatusBadRequest, Code: "invalid_request", Description: "Idempotence key duplicated: it was used with other request parameters", Parameter: "Idempotence-Key"})
		}
		return prev.status, prev.body
	}
	status, out := answer(h(r, body))
	if status == http.StatusOK {
		s.keys[key] = replay{request: request, status: status, body: out}
	}
	return status, out
}

func answer(obj any, e *apiError) (int, []byte) {
	if e != nil {
		return failure(e)
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return failure(&apiError{status: http.StatusInternalServerError, Code: "internal_server_error", Description: err.Error()})
	}
	return http.StatusOK, b
}

func failure(e *apiError) (int, []byte) {
	e.Type = "error"
	e.ID = newID("0000")
	b, _ := json.Marshal(e)
	return e.status, b
}

// codeOf is YooKassa's error code for an HTTP status.
func codeOf(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "invalid_request"
	case http.StatusUnauthorized:
		return "invalid_credentials"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusTooManyRequests:
		return "too_many_requests"
	default:
		return "internal_server_error"
	}
}

// canonical is a JSON body with its keys sorted and spacing removed, so
// that two encodings of the same request compare equal.
func canonical(body []byte) string {
	var v any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return string(body)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// decode reads a request body strictly enough to catch a misspelt field:
// an object of the expected shape.
func decode(body []byte, v any) *apiError {
	if err := json.Unmarshal(body, v); err != nil {
		return badRequest("", fmt.Sprintf("Request body is not valid JSON for this method: %v", err))
	}
	return nil
}

func badRequest(parameter, description string) *apiError {
	return &apiError{status: http.StatusBadRequest, Code: "invalid_request", Description: description, Parameter: parameter}
}

func notFound(what string) *apiError {
	return &apiError{status: http.StatusNotFound, Code: "not_found", Description: strings.ToUpper(what[:1]) + what[1:] + " doesn't exist or access denied"}
}
