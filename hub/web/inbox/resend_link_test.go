package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// A failed message keeps its links masked, so its resend carries the
// thread's live page link in the masked one's place; a courtesy-car link
// cannot be put back (only its hash is kept), so that resend is refused
// with the way out, and the message stays failed.
func TestResendPutsTheLivePageLinkBack(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newWorld(t, h)
		anna := w.signIn(t, "anna")
		base := fmt.Sprintf("/inbox/threads/%d", w.a.ID)
		live := h.Config.PublicURL + h.CustomerPath(t, "ЗН-1")
		old := "https://hub.example.test/c/OldTokenOldTokenOldTokenOldTokenOldToken123"

		failed := failedMessage(t, h, w.a, "Машина готова: "+old)
		if strings.Contains(failed.Body, "OldToken") {
			t.Fatalf("the failed message keeps the token: %q", failed.Body)
		}
		path := fmt.Sprintf("%s/messages/%d/resend", base, failed.ID)
		if resp, _ := post(anna, path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base {
			t.Fatalf("resend: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		item, err := h.Store.OutboxByMessage(ctx, failed.ID)
		if err != nil || item.Body != "Машина готова: "+live || item.State != hub.OutboxPending {
			t.Fatalf("resent outbox %+v %v, want the live link %s", item, err, live)
		}

		loan := failedMessage(t, h, w.a, "Автомобиль: https://hub.example.test/l/nrd_LoanTokenLoanTokenLoanTokenLoanTokenLoan12")
		path = fmt.Sprintf("%s/messages/%d/resend", base, loan.ID)
		if resp, _ := post(anna, path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base+"?err=loan_link" {
			t.Fatalf("resend of a car's link: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if m, _ := h.Store.Message(ctx, loan.ID); m.Delivery != hub.DeliveryFailed {
			t.Fatalf("the car's message after a refused resend: %s", m.Delivery)
		}
		_, page := anna.Do(http.MethodGet, base+"?err=loan_link", nil)
		if !strings.Contains(page, "withdraw the offer and offer the car again") && !strings.Contains(page, "отзовите предложение") {
			t.Fatalf("the refusal is not explained on the page")
		}
	})
}
