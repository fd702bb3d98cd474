package preview

import (
	"context"
	"flag"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"briefbot/bot/bottest"
)

// screenshots writes a PNG of each view to testdata/screenshots/, for the README.
var screenshots = flag.Bool("screenshots", false, "write a screenshot of each view to testdata/screenshots/")

// browsers are where Debian and others install Chromium; BRIEFBOT_CHROMIUM names another.
var browsers = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// findBrowser returns a Chromium to drive, or skips the test saying why; under CI=true a missing
// browser fails it, so that the browser tests cannot quietly stop running.
func findBrowser(t *testing.T) string {
	t.Helper()
	candidates := browsers
	if p := os.Getenv("BRIEFBOT_CHROMIUM"); p != "" {
		candidates = []string{p}
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	msg := "no Chromium found (looked for " + strings.Join(candidates, ", ") + "); install it with apt-get install -y chromium"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// newBrowser starts a headless Chromium with the flags this machine needs: no sandbox as root,
// and nothing that reaches for the network.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(findBrowser(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first call starts the browser and ties it to ctx, so it takes no timeout of its own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// stepTimeout bounds each group of steps, so that a page that never shows what a test waits for
// fails the test instead of hanging it.
const stepTimeout = 20 * time.Second

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func value[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// shoot saves the page as testdata/screenshots/name.png when -screenshots is given.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if !*screenshots {
		return
	}
	png := value(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100)) // 100 asks for PNG
	dir := filepath.Join("testdata", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls the page until the script is true, and returns how long that took.
func waitFor(t *testing.T, ctx context.Context, what, script string) time.Duration {
	t.Helper()
	start := time.Now()
	do(t, ctx, what, chromedp.Poll[chromedp.Void](script, chromedp.WithPollingInterval(5*time.Millisecond),
		chromedp.WithPollingTimeout(5*time.Second)))
	return time.Since(start)
}

func TestBrowserAskAndLiveProblems(t *testing.T) {
	ctx := newBrowser(t)
	srv, src := newServer(t, goodState(t))

	// Type a command as a moderator would, and send it with the keyboard.
	do(t, ctx, "ask",
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("line")),
		chromedp.SendKeys(chromedp.ID("line"), "/position troops mexico\n"),
		chromedp.WaitVisible(chromedp.ID("dc-h")),
	)
	const want = "Strongly opposes any foreign military presence"
	for _, view := range []string{".dc", ".sl", ".term"} {
		if text := value(t, ctx, "read "+view, chromedp.Text(chromedp.CSS(view))); !strings.Contains(text, want) {
			t.Errorf("the %s view shows %q; want %q in it", view, text, want)
		}
	}
	shoot(t, ctx, "ask")

	// A save that breaks the config shows its FILE:LINE without a reload.
	do(t, ctx, "mark the page", chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`))
	src.Set(brokenState())
	took := waitFor(t, ctx, "problems shown", `(document.querySelector("#live .problems")||{textContent:""}).textContent.includes("briefbot.yaml:9")`)
	t.Logf("from a change to the problems on the page: %v", took)
	if took > time.Second {
		t.Errorf("the problems took %v to show; want under a second", took)
	}
	same := value(t, ctx, "check no reload", chromedp.Evaluate[bool](`window.notReloaded === true &&
		document.getElementById("line").value === "/position troops mexico" &&
		document.getElementById("status").textContent.includes("2 problems")`))
	if !same {
		t.Errorf("the page reloaded, lost the command box's text or kept its old status; want only its content replaced")
	}
	shoot(t, ctx, "problems")

	// Fixing it brings the answer back, asked again of the new engine.
	src.Set(goodState(t))
	took = waitFor(t, ctx, "problems gone", `!document.querySelector("#live .problems") && document.querySelector("#live .dc") !== null`)
	t.Logf("from the fix to the answer on the page: %v", took)

	// Slack draws /compare as a table block; the page draws it as a table too.
	do(t, ctx, "compare",
		chromedp.Navigate(srv.URL+"/?q=%2Fcompare"),
		chromedp.WaitVisible(chromedp.CSS(".sl table.sltable")),
	)
	if cells := value(t, ctx, "count the table's cells", chromedp.Evaluate[int](`document.querySelectorAll(".sl table.sltable td").length`)); cells == 0 {
		t.Errorf("the Slack view of /compare draws a table without cells")
	}
	shoot(t, ctx, "compare")
}

func TestBrowserCompletesAndOtherViews(t *testing.T) {
	ctx := newBrowser(t)
	srv, _ := newServer(t, goodState(t))

	do(t, ctx, "type",
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("line")),
		chromedp.SendKeys(chromedp.ID("line"), "/position sov"),
	)
	waitFor(t, ctx, "suggestions", `[...document.querySelectorAll("#choices option")].some(o => o.value === "/position sovereignty")`)

	do(t, ctx, "digests", chromedp.Navigate(srv.URL+"/digests"), chromedp.WaitVisible(chromedp.ID("post-h")))
	text := value(t, ctx, "read digests", chromedp.Text(chromedp.ID("live")))
	for _, want := range []string{"Europe/Berlin", "CEST, UTC+02:00", "Daily briefing"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Digests view lacks %q", want)
		}
	}
	shoot(t, ctx, "digests")

	do(t, ctx, "briefings",
		chromedp.Navigate(srv.URL+"/briefings"),
		chromedp.SendKeys(chromedp.ID("words"), "fentanyl deaths\n"),
		chromedp.WaitVisible(chromedp.ID("found-h")),
	)
	text = value(t, ctx, "read briefings", chromedp.Text(chromedp.ID("live")))
	if !strings.Contains(text, "Search results") || !strings.Contains(text, "Military Troop Deployment") {
		t.Errorf("the Briefings view lacks its search results or issues:\n%s", text)
	}
	shoot(t, ctx, "briefings")

	// On a phone the views stack and nothing runs off the side.
	do(t, ctx, "phone",
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(srv.URL+"/?q=/compare"),
		chromedp.WaitVisible(chromedp.ID("dc-h")),
	)
	if value(t, ctx, "measure", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)) {
		t.Errorf("on a 390px screen the page is wider than the screen")
	}
	shoot(t, ctx, "phone")
}

// TestBrowserSurfaces draws the answers people get outside a slash command in a server: Find in
// briefing on a message, a long answer's pages, Slack's Home tab, and Discord from a DM.
func TestBrowserSurfaces(t *testing.T) {
	ctx := newBrowser(t)
	srv, _ := newServer(t, goodState(t))
	paged := goodState(t)
	paged.Engine = bottest.EngineFrom(t, bottest.TunnelLog(40))
	pagedSrv, _ := newServer(t, paged)
	tests := []struct {
		name, url, ready, want string
	}{
		{"find", srv.URL + "/?find=" + url.QueryEscape("what does Mexico say about intel sharing?"), ".dc", "Intelligence Sharing"},
		{"pages", pagedSrv.URL + "/?q=" + url.QueryEscape("/search tunnels"), ".dc .button[aria-disabled]", "Next"},
		{"home", srv.URL + "/home", ".sl", "Briefings"},
		{"dm", srv.URL + "/?q=%2Fhelp&dm=1", ".dc", "In a server where briefbot is installed"},
	}
	for _, tc := range tests {
		do(t, ctx, tc.name, chromedp.Navigate(tc.url), chromedp.WaitVisible(chromedp.CSS(tc.ready)))
		if text := value(t, ctx, "read "+tc.name, chromedp.Text(chromedp.ID("live"))); !strings.Contains(text, tc.want) {
			t.Errorf("%s: the page lacks %q:\n%s", tc.name, tc.want, text)
		}
		shoot(t, ctx, tc.name)
	}
}
