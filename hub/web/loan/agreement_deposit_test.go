package loan_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
)

// The agreement's deposit clause in the loan's language (ru), as the page
// and the PDF print it.
const (
	clauseCard = "блокировка на карте"
	clauseDesk = "вносится на стойке сервиса"
)

// sign signs the page's agreement and returns the signed PDF's text.
func (e *env) signPDF(t *testing.T, id int64, c *client, page string) string {
	t.Helper()
	form := signForm(page, "Иван Петров", signaturePNG(t, 660, 320))
	form.Set("csrf", c.CSRF)
	resp, body := c.Post(c.base+"/sign", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign: %d\n%s", resp.StatusCode, snippet(body))
	}
	l := e.loan(id)
	pdf, err := os.ReadFile(e.media.Path(l.AgreementSHA256))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(webtest.PDFText(t, pdf)), " ")
}

// agreementPart is the agreement's card of the page (the deposit's step
// has words of its own about the desk).
func agreementPart(t *testing.T, page string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, `id="agreement"`)
	part, _, closed := strings.Cut(rest, "</section>")
	if !ok || !closed {
		t.Fatalf("no agreement on the page:\n%s", snippet(page))
	}
	return part
}

// wantClause fails unless text has want and not notWant.
func wantClause(t *testing.T, what, text, want, notWant string) {
	t.Helper()
	if !strings.Contains(text, want) || strings.Contains(text, notWant) {
		t.Errorf("%s: want %q and not %q in:\n%s", what, want, notWant, snippet(text))
	}
}

// A branch without online deposits takes the deposit at the desk: the
// agreement the customer reads and the PDF they sign say it is paid at the
// service desk, never that it is held on the card.
func TestAgreementDepositAtTheDesk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st, withFakes(&fakes{}))
		l, token := e.offer(func(l *hub.Loan) { l.DepositMinor, l.DepositCurrency = 150000, "RUB" })
		c, page := e.open(token)
		wantClause(t, "the desk branch's page", agreementPart(t, page), clauseDesk, clauseCard)
		wantClause(t, "the desk branch's PDF", e.signPDF(t, l.ID, c, page), clauseDesk, clauseCard)
	})
}

// A branch with a provider for the currency holds it on the card, and the
// agreement says so, not the desk. Once signed, the page keeps showing the
// clause signed even when the branch loses its provider afterwards.
func TestAgreementDepositOnTheCard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st, withFakes(&fakes{}))
		onlineDeposits(t, st, e.f.Branch.ID)
		l, token := e.offer(func(l *hub.Loan) { l.DepositMinor, l.DepositCurrency = 150000, "RUB" })
		c, page := e.open(token)
		wantClause(t, "the card branch's page", agreementPart(t, page), clauseCard, clauseDesk)
		wantClause(t, "the card branch's PDF", e.signPDF(t, l.ID, c, page), clauseCard, clauseDesk)

		// Stripe takes no roubles: the branch has no online deposits now.
		if err := st.SaveBranchPayment(context.Background(), &hub.BranchPayment{BranchID: e.f.Branch.ID, Provider: hub.ProviderStripe,
			Account: "acct_1", SecretSealed: "sealed", WebhookKey: "desk-test"}); err != nil {
			t.Fatal(err)
		}
		wantClause(t, "the signed page after the provider left", agreementPart(t, c.page(t)), clauseCard, clauseDesk)
	})
}

// A customer who read the agreement before the way of the deposit changed
// (here the branch got its provider) is refused as agreement_changed and
// reads the new clause; signing it then works.
func TestAgreementDepositChangedWhileReading(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st, withFakes(&fakes{}))
		l, token := e.offer(func(l *hub.Loan) { l.DepositMinor, l.DepositCurrency = 150000, "RUB" })
		c, page := e.open(token)
		wantClause(t, "before", agreementPart(t, page), clauseDesk, clauseCard)
		onlineDeposits(t, st, e.f.Branch.ID)

		form := signForm(page, "Иван Петров", signaturePNG(t, 660, 320))
		form.Set("csrf", c.CSRF)
		resp, body := c.Post(c.base+"/sign", form)
		wantStatus(t, "signing the desk clause of a card branch", resp, body, http.StatusConflict, "Сервис изменил договор")
		if l := e.loan(l.ID); l.Signed() {
			t.Fatal("the old agreement was signed")
		}
		wantClause(t, "the refusal's page", agreementPart(t, body), clauseCard, clauseDesk)
		wantClause(t, "the new PDF", e.signPDF(t, l.ID, c, c.page(t)), clauseCard, clauseDesk)
	})
}
