package inbox_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp/watest"
)

// A "voice note" an advisor attaches is judged by its bytes, not its
// name: HTML, SVG or a script named .ogg is refused with nothing stored
// or sent, and a truncated Ogg goes as a plain audio file, never a voice
// note the customer's phone cannot play.
func TestInboxReplyRefusesFilesThatAreNotAudio(t *testing.T) {
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		w := newWAHub(t, b)
		w.h.PushWorkOrder(t, "e1", "АА-1", 1, "Принят", nil)
		th := w.h.Thread(t, "АА-1")
		w.sentAndRecorded(t, th.ID)
		base := fmt.Sprintf("/inbox/threads/%d", th.ID)
		reply := func(name string, content []byte) *http.Response {
			return sendFile(t, w.advisor, base+"/messages", w.advisor.CSRF, name, content, "")
		}
		before, msgs := len(w.phone.Sent()), len(w.messages(t, th.ID))
		for _, bad := range []string{"<html><script>alert(1)</script></html>", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`,
			"alert(document.cookie)", "Ogg"} {
			resp := reply("voice.ogg", []byte(bad))
			if loc := resp.Header.Get("Location"); loc != base+"?err=file_type" {
				t.Fatalf("%q named voice.ogg: %d %q", bad, resp.StatusCode, loc)
			}
		}
		if len(w.phone.Sent()) != before || len(w.messages(t, th.ID)) != msgs {
			t.Fatal("a refused file sent or stored a message")
		}
		if resp := reply("voice.ogg", []byte("OggS\x00\x02 cut short")); resp.StatusCode != http.StatusSeeOther || strings.Contains(resp.Header.Get("Location"), "err=") {
			t.Fatalf("truncated Ogg: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		watest.Eventually(t, "the audio file in WhatsApp", func() bool {
			for _, s := range w.phone.Sent() {
				if a := s.Message.GetAudioMessage(); a != nil {
					if a.GetPTT() {
						t.Fatalf("a truncated Ogg went as a voice note: %+v", a)
					}
					return true
				}
			}
			return false
		})
	})
}
