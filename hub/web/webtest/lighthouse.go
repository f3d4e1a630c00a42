package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// lighthouseTimeout bounds one Lighthouse run: it starts its own Chromium
// and loads the page once, which takes seconds even on a busy machine.
const lighthouseTimeout = 3 * time.Minute

// lighthousePath finds the Lighthouse CLI: the copy `make deps` installs
// under .cache/lighthouse at the module root, else one on PATH.
func lighthousePath() string {
	dir, err := os.Getwd()
	for err == nil {
		if _, statErr := os.Stat(filepath.Join(dir, "go.mod")); statErr == nil {
			local := filepath.Join(dir, ".cache", "lighthouse", "node_modules", ".bin", "lighthouse")
			if _, statErr := os.Stat(local); statErr == nil {
				return local
			}
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if p, err := exec.LookPath("lighthouse"); err == nil {
		return p
	}
	return ""
}

// Audit is Lighthouse's accessibility verdict on one page.
type Audit struct {
	Score   float64  // 0–1, the accessibility category's score
	Failing []string // "id: title (n items)" of each failed audit
	URL     string   // the page audited, after any redirect
}

// Accessibility runs Lighthouse's accessibility category on url in its own
// headless Chromium, sending headers (a session cookie) with every
// request. desktop picks Lighthouse's desktop preset (1350 px wide),
// otherwise its phone emulation. It skips the test when Lighthouse or
// Chromium is not installed (`make deps` installs both).
func Accessibility(t testing.TB, url string, headers map[string]string, desktop bool) Audit {
	t.Helper()
	lh, chromium := lighthousePath(), chromiumPath()
	if lh == "" || chromium == "" {
		t.Skip("Lighthouse or Chromium is not installed: run make deps")
	}
	dir := t.TempDir()
	headerFile := filepath.Join(dir, "headers.json")
	raw, err := json.Marshal(headers)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(headerFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.json")
	args := []string{url, "--only-categories=accessibility", "--output=json", "--output-path=" + report, "--quiet",
		"--extra-headers=" + headerFile, "--max-wait-for-load=60000",
		"--chrome-flags=--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking " +
			"--disable-component-update --disable-sync --user-data-dir=" + filepath.Join(dir, "profile")}
	if desktop {
		args = append(args, "--preset=desktop")
	}
	ctx, cancel := context.WithTimeout(context.Background(), lighthouseTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, lh, args...)
	cmd.Env = append(os.Environ(), "CHROME_PATH="+chromium)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("lighthouse %s: %v\n%s", url, err, out)
	}
	return readAudit(t, report)
}

// readAudit reads the score and the failed audits from a JSON report.
func readAudit(t testing.TB, path string) Audit {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Categories map[string]struct {
			Score     *float64
			AuditRefs []struct{ ID string }
		}
		Audits map[string]struct {
			Title   string
			Score   *float64
			Details struct{ Items []json.RawMessage }
		}
		RuntimeError      *struct{ Code, Message string }
		FinalDisplayedURL string `json:"finalDisplayedUrl"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("lighthouse report: %v", err)
	}
	if r.RuntimeError != nil {
		t.Fatalf("lighthouse: %s %s", r.RuntimeError.Code, r.RuntimeError.Message)
	}
	cat, ok := r.Categories["accessibility"]
	if !ok || cat.Score == nil {
		t.Fatalf("lighthouse report has no accessibility score")
	}
	a := Audit{Score: *cat.Score, URL: r.FinalDisplayedURL}
	for _, ref := range cat.AuditRefs {
		audit := r.Audits[ref.ID]
		if audit.Score != nil && *audit.Score < 1 {
			a.Failing = append(a.Failing, fmt.Sprintf("%s: %s (%d items)", ref.ID, audit.Title, len(audit.Details.Items)))
		}
	}
	sort.Strings(a.Failing)
	return a
}

// String is the audit as a test message shows it.
func (a Audit) String() string {
	return fmt.Sprintf("accessibility %.0f; failing: %s", a.Score*100, strings.Join(a.Failing, "; "))
}
