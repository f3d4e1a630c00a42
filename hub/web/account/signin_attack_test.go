package account

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// Once the customer has signed in, the code still signs in for a minute
// (a double-submitted form). Wrong entries in that minute must count like
// any other, or an attacker who watched the customer sign in gets a
// minute of unlimited guesses at the code.
func TestSignInCodeReuseWindowCountsWrongTries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newSignInRig(t, st)
		const phone = "+79167770011"
		r.post("/account/sign-in", url.Values{"phone": {phone}}, "")
		code := r.codes.last(t, phone)
		if resp, _ := r.post("/account/sign-in/code", url.Values{"phone": {phone}, "code": {code}}, ""); sessionCookie(resp) == nil {
			t.Fatalf("the customer's own sign-in: %d", resp.StatusCode)
		}
		wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1000000)
		for i := 0; i < store.MaxSignInTries; i++ {
			if resp, _ := r.post("/account/sign-in/code", url.Values{"phone": {phone}, "code": {wrong}}, ""); sessionCookie(resp) != nil || resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("wrong code %d after use: %d", i+1, resp.StatusCode)
			}
		}
		// The guesser's luck runs out like anyone's: after 5 wrong entries
		// even the right code no longer signs in.
		if resp, _ := r.post("/account/sign-in/code", url.Values{"phone": {phone}, "code": {code}}, ""); sessionCookie(resp) != nil {
			t.Fatal("the used code still signs in after 5 wrong guesses in its reuse minute")
		}
	})
}
