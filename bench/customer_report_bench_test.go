package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
	"naryad/migrations"
)

// ttfbRuns is how many GETs of each page the time to first byte is the
// median of.
const ttfbRuns = 50

// BenchmarkCustomerReport measures the customer page of a work order whose
// sent inspection has 12 items and 30 photos (1600×1200 JPEGs of about
// 300 KB, with thumbnails), against the page of an order with the same
// lines and no inspection, both on one hub in the same run:
//
//   - time to first byte, the median of ttfbRuns GETs of each page over a
//     loopback socket, the two pages taking turns; on SQLite and (with
//     NARYAD_TEST_POSTGRES_URL) PostgreSQL;
//   - bytes transferred before the first screen: headless Chromium at
//     360×740 opens each page in a fresh browser context and sums the
//     encoded length of every response finished by the load event
//     (*_first_screen_kb), and of every response finished once the page
//     has sat 2 s unscrolled (*_opened_kb): lazy thumbnails start only
//     after the load event, those on screen and those within Chromium's
//     lazy-load margin below it. SQLite only: the bytes do not depend on
//     the database. Skipped when Chromium is not installed. Fails when a
//     full-size photo is fetched before a tap.
func BenchmarkCustomerReport(b *testing.B) {
	start := time.Now()
	photos := makeReportPhotos(b)
	var size, thumbs int
	for _, p := range photos {
		size, thumbs = size+len(p.data), thumbs+len(p.thumb)
	}
	fmt.Printf("customer_report: %d photos of 1600×1200 (%.0f KB on average, thumbnails %.1f KB) made in %s\n",
		len(photos), kb(int64(size/len(photos))), kb(int64(thumbs/len(photos))), time.Since(start).Round(time.Millisecond))
	for _, backend := range storetest.Backends(b) {
		b.Run(backend.Name, func(b *testing.B) { benchCustomerReport(b, backend, photos) })
	}
}

func benchCustomerReport(b *testing.B, backend storetest.Backend, photos []reportPhoto) {
	h := apptest.Start(b, backend, func(c *cli.Config) { c.CustomerRateLimit = 1_000_000 })
	suffix := ""
	if h.Store.Dialect() == migrations.Postgres {
		suffix = "_pg"
	}
	start := time.Now()
	plain, report := seedReportOrders(b, h, photos)
	fmt.Printf("customer_report %s: two orders, %d items, %d photos stored in %s\n", backend.Name, len(reportItems), len(photos), time.Since(start).Round(time.Millisecond))
	base := h.Run(b)

	plainTTFB, reportTTFB, html := medianTTFB(b, base, plain, report)
	// The hub sends pages uncompressed; what gzip would make of them
	// tells what compression would save on a slow line.
	fmt.Printf("# customer page HTML: plain %.1f KB (gzip %.1f KB), report %.1f KB (gzip %.1f KB)\n",
		kb(int64(len(html[0]))), kb(gzipSize(b, html[0])), kb(int64(len(html[1]))), kb(gzipSize(b, html[1])))
	fmt.Printf("BENCH customer_report_ttfb_ms%s %.2f ms\n", suffix, reportTTFB)
	fmt.Printf("BENCH customer_plain_ttfb_ms%s %.2f ms\n", suffix, plainTTFB)
	fmt.Printf("BENCH customer_report_ttfb_ratio%s %.2f x\n", suffix, reportTTFB/max(plainTTFB, 0.001))

	if suffix != "" {
		return
	}
	defer func() {
		if b.Skipped() {
			fmt.Println("# customer_report_first_screen_kb skipped: no chromium or chromium-browser on PATH (headless Chromium measures the bytes)")
		}
	}()
	browser := webtest.StartBrowser(b) // skips when there is no Chromium
	plainShot := firstScreen(b, browser, base+plain)
	reportShot := firstScreen(b, browser, base+report)
	for _, s := range []struct {
		name string
		fs   firstScreenBytes
	}{{"plain", plainShot}, {"report", reportShot}} {
		fmt.Printf("# %s page at 360×740: by the load event %d responses, %.1f KB; opened without a scroll %d responses, %.1f KB, of them %d thumbnails (%d on screen) and %d full-size photos\n",
			s.name, s.fs.load.responses, kb(s.fs.load.bytes), s.fs.opened.responses, kb(s.fs.opened.bytes), s.fs.opened.thumbs, s.fs.inView, s.fs.opened.full)
	}
	fmt.Printf("BENCH customer_report_first_screen_kb %.1f KB\n", kb(reportShot.load.bytes))
	fmt.Printf("BENCH customer_plain_first_screen_kb %.1f KB\n", kb(plainShot.load.bytes))
	fmt.Printf("BENCH customer_report_first_screen_ratio %.2f x\n", kb(reportShot.load.bytes)/max(kb(plainShot.load.bytes), 0.1))
	fmt.Printf("BENCH customer_report_opened_kb %.1f KB\n", kb(reportShot.opened.bytes))
	fmt.Printf("BENCH customer_plain_opened_kb %.1f KB\n", kb(plainShot.opened.bytes))
	fmt.Printf("BENCH customer_report_opened_ratio %.2f x\n", kb(reportShot.opened.bytes)/max(kb(plainShot.opened.bytes), 0.1))
	// The page's promise (issue 17): full images load only when tapped.
	if reportShot.opened.full > 0 {
		b.Errorf("opening the report fetched %d full-size photos; they must load only when tapped", reportShot.opened.full)
	}
}

func kb(n int64) float64 { return float64(n) / 1024 }

// medianTTFB GETs each page ttfbRuns times over one keep-alive connection
// per page, as a returning visitor (with the session cookie of a first
// visit), the two pages alternating so both see the same background load.
// It returns both medians in milliseconds and the pages' HTML.
func medianTTFB(b *testing.B, base, plain, report string) (plainMS, reportMS float64, html [2][]byte) {
	b.Helper()
	type page struct {
		path    string
		client  *http.Client
		cookies []*http.Cookie
		took    []float64
	}
	pages := [2]*page{{path: plain}, {path: report}}
	get := func(p *page) (float64, []byte) {
		var first time.Time
		trace := &httptrace.ClientTrace{GotFirstResponseByte: func() { first = time.Now() }}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, base+p.path, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range p.cookies {
			req.AddCookie(c)
		}
		t0 := time.Now()
		resp, err := p.client.Do(req)
		if err != nil {
			b.Fatalf("GET %s: %v", p.path, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d %v %.300s", p.path, resp.StatusCode, err, body)
		}
		if p.cookies == nil {
			p.cookies = resp.Cookies()
		}
		return float64(first.Sub(t0).Microseconds()) / 1000, body
	}
	for i, p := range pages {
		tr := &http.Transport{MaxIdleConnsPerHost: 1}
		b.Cleanup(tr.CloseIdleConnections)
		p.client = &http.Client{Transport: tr, Timeout: 30 * time.Second}
		_, html[i] = get(p) // the first visit: sets the cookie, records the first opening
		for range 3 {       // warm the connection and the server's caches
			get(p)
		}
	}
	for r := range ttfbRuns {
		order := []*page{pages[0], pages[1]}
		if r%2 == 1 {
			order[0], order[1] = order[1], order[0]
		}
		for _, p := range order {
			took, _ := get(p)
			p.took = append(p.took, took)
		}
	}
	median := func(xs []float64) float64 {
		s := slices.Clone(xs)
		slices.Sort(s)
		return s[len(s)/2]
	}
	return median(pages[0].took), median(pages[1].took), html
}

// gzipSize is the length of data gzipped at the default level.
func gzipSize(b *testing.B, data []byte) int64 {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(data); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return int64(buf.Len())
}

// tally counts finished responses.
type tally struct {
	bytes     int64 // encoded bytes received, headers included
	responses int
	thumbs    int // inspection thumbnails among them
	full      int // full-size inspection photos among them
}

func (t *tally) add(url string, encoded float64) {
	t.bytes += int64(encoded)
	t.responses++
	if strings.Contains(url, "/inspection/media/") {
		if strings.HasSuffix(url, "/thumb") {
			t.thumbs++
		} else {
			t.full++
		}
	}
}

// firstScreenBytes is what a phone fetched to show a page.
type firstScreenBytes struct {
	load   tally // finished by the load event: the page, its style and script
	opened tally // finished once the network is idle, without a scroll
	// inView is how many inspection thumbnails the 360×740 screen shows.
	inView int
}

// idleAfterLoad is how long the page is left alone after its load event:
// Chromium starts lazy images near the screen only once laid out.
const idleAfterLoad = 2 * time.Second

// firstScreen opens url in a fresh browser context (empty cache) at
// 360×740 and counts what was transferred by the load event and once the
// network is idle, with no scroll.
func firstScreen(b *testing.B, browser context.Context, url string) firstScreenBytes {
	b.Helper()
	life, stop := context.WithTimeout(browser, time.Minute)
	defer stop()
	ctx, closeTab := chromedp.NewContext(life, chromedp.WithNewBrowserContext())
	defer closeTab()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulatePortrait)); err != nil {
		b.Fatalf("open a phone-sized tab: %v", err)
	}
	var mu sync.Mutex
	var fs firstScreenBytes
	loaded := false
	urls := map[network.RequestID]string{}
	// The listener runs in the tab's event loop: it only counts. Events
	// arrive in the browser's order, so "finished before the load event"
	// is exact.
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			urls[ev.RequestID] = ev.Request.URL
		case *network.EventLoadingFinished:
			fs.opened.add(urls[ev.RequestID], ev.EncodedDataLength)
			if !loaded {
				fs.load.add(urls[ev.RequestID], ev.EncodedDataLength)
			}
		case *page.EventLoadEventFired:
			loaded = true
		}
	})
	if err != nil {
		b.Fatalf("listen to the tab: %v", err)
	}
	step, cancel := context.WithTimeout(ctx, webtest.StepTimeout+idleAfterLoad)
	defer cancel()
	if err := chromedp.Do(step, chromedp.Navigate(url)); err != nil {
		b.Fatalf("open %s: %v", url, err)
	}
	time.Sleep(idleAfterLoad)
	fs.inView, err = chromedp.Run(step, chromedp.Evaluate[int](`[...document.querySelectorAll('img[src$="/thumb"]')].filter(i => {
		const r = i.getBoundingClientRect();
		return i.offsetParent !== null && r.bottom > 0 && r.top < innerHeight;
	}).length`))
	if err != nil {
		b.Fatalf("count the thumbnails on screen: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !loaded || fs.load.responses == 0 {
		b.Fatalf("open %s: no load event or no response counted", url)
	}
	return fs
}
