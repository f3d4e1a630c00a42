package report_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// scoreWithComment stores a 0–10 score of the work order number given at
// day+at, and the customer's comment ten minutes later.
func scoreWithComment(t *testing.T, h *apptest.Hub, number string, score int, at time.Duration, comment string) {
	t.Helper()
	ctx := context.Background()
	th := thread(t, h, number)
	m := hub.Message{ThreadID: th.ID, Direction: hub.DirectionIn, Body: "10", CreatedAt: day.Add(at), UpdatedAt: day.Add(at)}
	if err := h.Store.Gorm(ctx).Create(&m).Error; err != nil {
		t.Fatal(err)
	}
	f := store.FeedbackScore{BranchID: th.BranchID, WorkOrderID: *th.WorkOrderID, ThreadID: th.ID, MessageID: m.ID, Score: score, CreatedAt: day.Add(at)}
	if err := h.Store.Gorm(ctx).Create(&f).Error; err != nil {
		t.Fatal(err)
	}
	c := hub.Message{ThreadID: th.ID, Direction: hub.DirectionIn, Body: comment, CreatedAt: day.Add(at + 10*time.Minute), UpdatedAt: day.Add(at + 10*time.Minute)}
	if err := h.Store.Gorm(ctx).Create(&c).Error; err != nil {
		t.Fatal(err)
	}
}

// The page speaks the viewer's language: words, durations, percentages
// and money; the NPS with its comment and the funnel are on it.
func TestReportPageInRussianAndPolish(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		scoreWithComment(t, h, "ЗН-1", 9, 2*time.Hour, "Спасибо, всё быстро")
		if err := h.Store.SetBranchRegion(context.Background(), h.Branch.ID, "Центр"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			lang string
			want []string
		}{
			{"ru-RU,ru;q=0.9", []string{"<h1>Отчёты</h1>", "<td>Анна</td><td>1</td><td>12 мин</td>", "<td>MSK1</td><td>Центр</td>",
				"Медиана первого ответа", "Промоутеры", "<td>Спасибо, всё быстро</td>", "Скачать CSV", `<title id="chart-nps-title">`,
				"<td>MSK1</td><td>Центр</td><td>1</td><td>1</td><td>0</td><td>0</td><td>100</td>"}},
			{"pl-PL,pl;q=0.9", []string{"<h1>Raporty</h1>", "<td>Анна</td><td>1</td><td>12 min</td>", "Mediana pierwszej odpowiedzi",
				"Promotorzy", "Pobierz CSV", "Konwersja zapytań"}},
		} {
			cl := w.signIn(t, "anna")
			cl.Lang = c.lang
			resp, page := cl.Do(http.MethodGet, "/reports?from=2025-03-01&to=2025-03-31", nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d", c.lang, resp.StatusCode)
			}
			for _, want := range c.want {
				if !strings.Contains(page, want) {
					t.Errorf("%s page lacks %q", c.lang, want)
				}
			}
			for _, en := range []string{"Per branch", "Median first response", "Download CSV"} {
				if strings.Contains(page, en) {
					t.Errorf("%s page has English %q", c.lang, en)
				}
			}
		}
		cl := w.signIn(t, "anna")
		cl.Lang = "ru"
		resp, page := cl.Do(http.MethodGet, "/reports?from=2025-03-31&to=2025-03-01", nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "«С» не может быть позже «По».") {
			t.Errorf("a Russian refusal: %d\n%s", resp.StatusCode, page)
		}
	})
}

// The CSV export through a real request: a BOM, ";", CRLF, headers in the
// viewer's language, minutes with a decimal comma, a formula-looking
// comment made inert, only the user's branches.
func TestReportCSVExport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		scoreWithComment(t, h, "ЗН-1", 3, 2*time.Hour, "=HYPERLINK(\"http://x\")")
		cl := w.signIn(t, "anna")
		cl.Lang = "ru"
		resp, body := cl.Do(http.MethodGet, "/reports?from=2025-03-01&to=2025-03-31&format=csv&table=advisors", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d:\n%s", resp.StatusCode, body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("content type %q", ct)
		}
		if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="naryad-advisors-2025-03-01-2025-03-31.csv"` {
			t.Errorf("content disposition %q", cd)
		}
		want := "\uFEFFСотрудник;Первых ответов;Медиана первого ответа;p90 первого ответа;Следующих ответов;Медиана следующего ответа;p90 следующего ответа;Согласований;Медиана согласования\r\n" +
			"Анна;1;12,0;12,0;0;;;0;\r\n" +
			"Борис;0;;;1;40,0;40,0;0;\r\n"
		if body != want {
			t.Errorf("csv\n got %q\nwant %q", body, want)
		}

		_, body = cl.Do(http.MethodGet, "/reports?from=2025-03-01&to=2025-03-31&format=csv&table=comments", nil)
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF")))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%v\n%s", err, body)
		}
		if len(rows) != 2 || rows[0][5] != "Комментарий" || rows[1][2] != "ЗН-1" || rows[1][4] != "3" || rows[1][5] != `'=HYPERLINK("http://x")` {
			t.Errorf("comments csv %q", rows)
		}

		_, body = cl.Do(http.MethodGet, "/reports?from=2025-03-01&to=2025-03-31&format=csv&table=nps", nil)
		if !strings.Contains(body, "MSK1;;1;0;0;1;-100\r\n") || strings.Contains(body, "SPB1") {
			t.Errorf("nps csv %q", body)
		}
	})
}
