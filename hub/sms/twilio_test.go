package sms

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testSID   = "AC0123456789abcdef0123456789abcdef"
	testToken = "s3cr3t-auth-token"
)

// capturedRequest is what the fake Twilio saw.
type capturedRequest struct {
	method, path, contentType string
	user, pass                string
	authOK                    bool
	form                      map[string][]string
}

// fakeTwilio answers every request with status, headers and body, and
// records the last request.
type fakeTwilio struct {
	mu   sync.Mutex
	last capturedRequest
	hits int
}

func newFakeTwilio(t *testing.T, status int, header http.Header, body string) (*httptest.Server, *fakeTwilio) {
	t.Helper()
	f := &fakeTwilio{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		user, pass, ok := r.BasicAuth()
		f.mu.Lock()
		f.hits++
		f.last = capturedRequest{r.Method, r.URL.Path, r.Header.Get("Content-Type"), user, pass, ok, r.PostForm}
		f.mu.Unlock()
		for k, vs := range header {
			w.Header()[k] = vs
		}
		if strings.HasPrefix(body, "{") {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, f
}

func (f *fakeTwilio) request() capturedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

// A Message resource as Twilio returns it from Messages create.
const createdBody = `{"account_sid":"` + testSID + `","api_version":"2010-04-01","body":"Hi","date_created":"Thu, 24 Aug 2023 05:01:45 +0000","direction":"outbound-api","error_code":null,"error_message":null,"from":"+15557122661","num_segments":"1","price":null,"sid":"SM3f9a4e1b2c3d4e5f60718293a4b5c6d7","status":"queued","to":"+79161234567","uri":"/2010-04-01/Accounts/` + testSID + `/Messages/SM3f9a4e1b2c3d4e5f60718293a4b5c6d7.json"}`

func TestTwilioSendSuccess(t *testing.T) {
	msg := Message{To: "+79161234567", Body: "Ваш автомобиль готов: https://x.example/l?a=1&b=2", ThreadID: 5, MessageID: 42}
	tests := []struct {
		name       string
		from       string
		callback   string
		status     int
		body       string
		wantFields map[string]string
		absent     []string
		want       Receipt
	}{
		{
			name: "from number with callback", from: "+15557122661", callback: "https://hub.example/sms/status",
			status: http.StatusCreated, body: createdBody,
			wantFields: map[string]string{"To": msg.To, "Body": msg.Body, "From": "+15557122661", "StatusCallback": "https://hub.example/sms/status"},
			absent:     []string{"MessagingServiceSid"},
			want:       Receipt{ProviderID: "SM3f9a4e1b2c3d4e5f60718293a4b5c6d7", State: StateSent},
		},
		{
			name: "messaging service without callback", from: "MG9752274e9e519418a7406176694466fa",
			status: http.StatusCreated, body: createdBody,
			wantFields: map[string]string{"To": msg.To, "Body": msg.Body, "MessagingServiceSid": "MG9752274e9e519418a7406176694466fa"},
			absent:     []string{"From", "StatusCallback"},
			want:       Receipt{ProviderID: "SM3f9a4e1b2c3d4e5f60718293a4b5c6d7", State: StateSent},
		},
		{
			// An alphanumeric sender ID may start with "MG" too; only "MG"
			// and 32 hex digits is a Messaging Service SID.
			name: "alphanumeric sender starting with MG", from: "MGMOTORS",
			status: http.StatusCreated, body: createdBody,
			wantFields: map[string]string{"From": "MGMOTORS"},
			absent:     []string{"MessagingServiceSid"},
			want:       Receipt{ProviderID: "SM3f9a4e1b2c3d4e5f60718293a4b5c6d7", State: StateSent},
		},
		{
			name: "sender MG with 32 characters that are not hex", from: "MGzz52274e9e519418a7406176694466fa",
			status: http.StatusCreated, body: createdBody,
			wantFields: map[string]string{"From": "MGzz52274e9e519418a7406176694466fa"},
			absent:     []string{"MessagingServiceSid"},
			want:       Receipt{ProviderID: "SM3f9a4e1b2c3d4e5f60718293a4b5c6d7", State: StateSent},
		},
		{
			name: "200 already delivered", from: "+15557122661",
			status: http.StatusOK, body: `{"sid":"SM1","status":"delivered","error_code":null}`,
			wantFields: map[string]string{"From": "+15557122661"},
			want:       Receipt{ProviderID: "SM1", State: StateDelivered},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, fake := newFakeTwilio(t, tc.status, nil, tc.body)
			tw := NewTwilio(TwilioConfig{AccountSID: testSID, AuthToken: testToken, From: tc.from, BaseURL: srv.URL + "/", StatusCallbackURL: tc.callback})
			got, err := tw.Send(context.Background(), msg)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if got != tc.want {
				t.Errorf("receipt = %+v, want %+v", got, tc.want)
			}
			r := fake.request()
			if r.method != http.MethodPost {
				t.Errorf("method = %s, want POST", r.method)
			}
			if want := "/2010-04-01/Accounts/" + testSID + "/Messages.json"; r.path != want {
				t.Errorf("path = %s, want %s", r.path, want)
			}
			if !r.authOK || r.user != testSID || r.pass != testToken {
				t.Errorf("basic auth = %q:%q (ok %v), want account SID and token", r.user, r.pass, r.authOK)
			}
			if r.contentType != "application/x-www-form-urlencoded" {
				t.Errorf("content type = %q", r.contentType)
			}
			for k, want := range tc.wantFields {
				if got := r.form[k]; len(got) != 1 || got[0] != want {
					t.Errorf("form %s = %q, want %q", k, got, want)
				}
			}
			for _, k := range tc.absent {
				if _, ok := r.form[k]; ok {
					t.Errorf("form has %s = %q, want it absent", k, r.form[k])
				}
			}
		})
	}
}

func TestTwilioSendErrors(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		header        http.Header
		body          string
		wantPermanent bool
		wantCode      string
		wantMessage   string // substring of Error.Message
		wantRetry     time.Duration
		wantSID       string // receipt SID returned alongside the error
	}{
		{
			name: "invalid number", status: 400,
			body:          `{"code": 21211, "message": "The 'To' number +1555 is not a valid phone number.", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}`,
			wantPermanent: true, wantCode: "21211", wantMessage: "The 'To' number +1555 is not a valid phone number.",
		},
		{
			name: "unsubscribed", status: 400,
			body:          `{"code": 21610, "message": "Attempt to send to unsubscribed recipient", "more_info": "https://www.twilio.com/docs/errors/21610", "status": 400}`,
			wantPermanent: true, wantCode: "21610", wantMessage: "unsubscribed",
		},
		{
			name: "queue full is temporary", status: 400,
			body:          `{"code": 21611, "message": "This 'From' number has exceeded the maximum number of queued messages", "status": 400}`,
			wantPermanent: false, wantCode: "21611",
		},
		{
			name: "rate limited", status: 429, header: http.Header{"Retry-After": {"7"}},
			body:          `{"code": 20429, "message": "Too Many Requests", "more_info": "https://www.twilio.com/docs/errors/20429", "status": 429}`,
			wantPermanent: false, wantCode: "20429", wantRetry: 7 * time.Second,
		},
		{
			name: "rate limited without header", status: 429, body: "slow down",
			wantPermanent: false, wantMessage: "429",
		},
		{
			name: "server error", status: 500,
			body:          `{"code": 20500, "message": "Internal Server Error", "more_info": "https://www.twilio.com/docs/errors/20500", "status": 500}`,
			wantPermanent: false, wantCode: "20500",
		},
		{
			name: "unavailable", status: 503,
			body:          `{"code": 20503, "message": "Service Unavailable", "status": 503}`,
			wantPermanent: false, wantCode: "20503",
		},
		{
			name: "bad gateway html", status: 502, body: "<html><body>502 Bad Gateway</body></html>",
			wantPermanent: false, wantMessage: "HTTP 502",
		},
		{
			name: "bad request html", status: 400, body: "<html>nope</html>",
			wantPermanent: true, wantMessage: "HTTP 400",
		},
		{
			name: "wrong credentials", status: 401,
			body:          `{"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}`,
			wantPermanent: true, wantCode: "20003", wantMessage: "credentials",
		},
		{
			name: "forbidden", status: 403, body: `{"code": 20003, "message": "Permission Denied", "status": 403}`,
			wantPermanent: true, wantCode: "20003", wantMessage: "HTTP 403",
		},
		{
			name: "wrong account", status: 404,
			body:          `{"code": 20404, "message": "The requested resource /2010-04-01/Accounts/ACx/Messages.json was not found", "status": 404}`,
			wantPermanent: true, wantCode: "20404", wantMessage: "HTTP 404",
		},
		{
			name: "created but failed", status: 201,
			body:          `{"sid":"SM9","status":"failed","error_code":30007,"error_message":null}`,
			wantPermanent: true, wantCode: "30007", wantMessage: "Message filtered", wantSID: "SM9",
		},
		{
			name: "created but failed with an unknown code", status: 201,
			body:          `{"sid":"SM7","status":"failed","error_code":30034,"error_message":null}`,
			wantPermanent: true, wantCode: "30034", wantMessage: "failed", wantSID: "SM7",
		},
		{
			name: "created but undelivered with text", status: 201,
			body:          `{"sid":"SM8","status":"undelivered","error_code":"30003","error_message":"Unreachable destination handset"}`,
			wantPermanent: true, wantCode: "30003", wantMessage: "Unreachable destination handset", wantSID: "SM8",
		},
		{
			name: "created without sid", status: 201, body: `not json`,
			wantPermanent: false, wantMessage: "without a message SID",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newFakeTwilio(t, tc.status, tc.header, tc.body)
			tw := NewTwilio(TwilioConfig{AccountSID: testSID, AuthToken: testToken, From: "+15557122661", BaseURL: srv.URL})
			r, err := tw.Send(context.Background(), Message{To: "+1555", Body: "hi", MessageID: 1})
			if err == nil {
				t.Fatalf("Send succeeded with receipt %+v, want error", r)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if e.Provider != "twilio" {
				t.Errorf("Provider = %q", e.Provider)
			}
			if IsPermanent(err) != tc.wantPermanent {
				t.Errorf("IsPermanent = %v, want %v (%v)", IsPermanent(err), tc.wantPermanent, err)
			}
			if tc.wantCode != "" && e.Code != tc.wantCode {
				t.Errorf("Code = %q, want %q", e.Code, tc.wantCode)
			}
			if !strings.Contains(e.Message, tc.wantMessage) {
				t.Errorf("Message = %q, want it to contain %q", e.Message, tc.wantMessage)
			}
			if got := RetryAfter(err); got != tc.wantRetry {
				t.Errorf("RetryAfter = %v, want %v", got, tc.wantRetry)
			}
			if r.ProviderID != tc.wantSID {
				t.Errorf("receipt ProviderID = %q, want %q", r.ProviderID, tc.wantSID)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("error leaks the auth token: %v", err)
			}
			if e.Code != "" && strings.Count(err.Error(), e.Code) != 1 {
				t.Errorf("error %q does not give the code %s exactly once", err, e.Code)
			}
		})
	}
}

// hangingServer accepts requests and never answers until the test ends.
func hangingServer(t *testing.T) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first, so Close does not wait
	return srv
}

func TestTwilioSendTimeout(t *testing.T) {
	const limit = 300 * time.Millisecond
	tests := []struct {
		name  string
		setup func(tw *Twilio) (context.Context, context.CancelFunc)
	}{
		{"caller deadline", func(tw *Twilio) (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), limit)
		}},
		{"default deadline when ctx has none", func(tw *Twilio) (context.Context, context.CancelFunc) {
			tw.timeout = limit
			return context.Background(), func() {}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := hangingServer(t)
			// A client without its own timeout, so only the context bounds Send.
			tw := NewTwilio(TwilioConfig{AccountSID: testSID, AuthToken: testToken, From: "+15557122661", BaseURL: srv.URL, HTTPClient: &http.Client{}})
			ctx, cancel := tc.setup(tw)
			defer cancel()
			start := time.Now()
			_, err := tw.Send(ctx, Message{To: "+79161234567", Body: "hi"})
			elapsed := time.Since(start)
			if err == nil {
				t.Fatal("Send succeeded against a hanging server")
			}
			if IsPermanent(err) {
				t.Errorf("timeout classified permanent: %v", err)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
			}
			if elapsed > limit+2*time.Second {
				t.Errorf("Send took %v, deadline was %v", elapsed, limit)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("error leaks the auth token: %v", err)
			}
		})
	}
}

func TestTwilioSendNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // nothing listens there any more
	tw := NewTwilio(TwilioConfig{AccountSID: testSID, AuthToken: testToken, From: "+15557122661", BaseURL: base})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := tw.Send(ctx, Message{To: "+79161234567", Body: "hi"})
	if err == nil || IsPermanent(err) {
		t.Fatalf("connection refused: err = %v, want temporary error", err)
	}
}

func TestTwilioStringHidesToken(t *testing.T) {
	tw := NewTwilio(TwilioConfig{AccountSID: testSID, AuthToken: testToken})
	for _, format := range []string{"%v", "%+v", "%s"} {
		if got := fmt.Sprintf(format, tw); strings.Contains(got, testToken) {
			t.Errorf("%s of *Twilio leaks the token: %s", format, got)
		}
	}
}
