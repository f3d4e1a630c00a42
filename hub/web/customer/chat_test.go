package customer_test

import (
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

var chatKeyField = regexp.MustCompile(`name="msg_key" value="([^"]+)"`)

// chatPostAll sends the message form once per key, all at the same time
// over real sockets, and returns the answers' status codes.
func chatPostAll(t *testing.T, send secSender, v *secVisitor, keys []string) []int {
	t.Helper()
	codes := make([]int, len(keys))
	var wg sync.WaitGroup
	for i, key := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, ct := secMultipart(t, url.Values{"csrf": {v.csrf}, "text": {"Когда будет готово?"}, "msg_key": {key}}, nil)
			resp := send(t, secRequest(t, http.MethodPost, v.path+"/messages", v.cookie, nil, ct, body))
			secBody(t, resp)
			codes[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	return codes
}

// chatCustomerChanges counts the customer_message entries of the DMS feed.
func chatCustomerChanges(t *testing.T, h *apptest.Hub) int {
	t.Helper()
	n := 0
	for _, c := range secFeed(t, h) {
		if c.Type == hub.ChangeCustomerMessage {
			n++
		}
	}
	return n
}

// A double click or a browser retry sends the same form twice: the key the
// page put in it stores the message once, and every copy gets the page.
func TestChatRepeatedPostStoresOneMessage(t *testing.T) {
	secEachHub(t, func(t *testing.T, h *apptest.Hub) {
		send := secOverSocket(t, h.Run(t), "127.0.0.1")
		a := secPushOrder(t, h, "АА-901", nil)
		v := secOpen(t, send, a.Path)
		page := secBody(t, secGet(t, send, a.Path, v.cookie))
		m := chatKeyField.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("the message form carries no msg_key field")
		}
		before := secThreadMessages(t, h, a.Thread)
		keys := make([]string, 15)
		for i := range keys {
			keys[i] = m[1]
		}
		for i, code := range chatPostAll(t, send, v, keys) {
			if code != http.StatusSeeOther {
				t.Errorf("post %d: answer %d, want 303", i, code)
			}
		}
		if got := secThreadMessages(t, h, a.Thread) - before; got != 1 {
			t.Errorf("15 posts with one key stored %d messages, want 1", got)
		}
		if got := chatCustomerChanges(t, h); got != 1 {
			t.Errorf("15 posts with one key made %d customer_message changes, want 1", got)
		}
		// A page opened before forms had keys posts none: still stored.
		before = secThreadMessages(t, h, a.Thread)
		for range 2 {
			secExpectRedirect(t, secPostMessage(t, send, a.Path, v.cookie, v.csrf, "Без ключа", nil), a.Path+"?ok=sent_ok")
		}
		if got := secThreadMessages(t, h, a.Thread) - before; got != 2 {
			t.Errorf("2 posts without a key stored %d messages, want 2", got)
		}
	})
}

// Many different messages at once are all stored, none answered with a
// 500 (PostgreSQL once found a deadlock between the thread row and the
// change counter here).
func TestChatConcurrentMessagesAreAllStored(t *testing.T) {
	secEachHub(t, func(t *testing.T, h *apptest.Hub) {
		send := secOverSocket(t, h.Run(t), "127.0.0.1")
		a := secPushOrder(t, h, "АА-902", nil)
		v := secOpen(t, send, a.Path)
		before := secThreadMessages(t, h, a.Thread)
		keys := make([]string, 15)
		for i := range keys {
			keys[i] = secRandomToken(t)
		}
		for i, code := range chatPostAll(t, send, v, keys) {
			if code != http.StatusSeeOther {
				t.Errorf("post %d: answer %d, want 303", i, code)
			}
		}
		if got := secThreadMessages(t, h, a.Thread) - before; got != 15 {
			t.Errorf("15 posts with their own keys stored %d messages, want 15", got)
		}
		if got := chatCustomerChanges(t, h); got != 15 {
			t.Errorf("15 posts made %d customer_message changes, want 15", got)
		}
	})
}
