package e2e

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// webPhase bounds each step of the browser test: generous, because the
// machine that runs it may be a loaded 2-core CI runner.
const webPhase = time.Minute

// The page as a user sees it, in Debian's headless Chromium against init as
// PID 1: the programs and their states, restart and stop from buttons, a
// log line that arrives after the page was opened, and the doors that stay
// shut (no credentials, another site).
func TestWebPage(t *testing.T) {
	chrome := requireTool(t, "chromium", "chromium")
	port := freePort(t)
	sock := filepath.Join(t.TempDir(), "vigil.sock")
	conf := writeConfig(t, fmt.Sprintf(`
[inet_http_server]
port=127.0.0.1:%d
username=admin
password=secret

[group:app]
programs=web,talker

[program:web]
command=sleep 1000

[program:talker]
command=sh -c 'trap "echo talker got USR1" USR1; echo talker up; printf "\033[1;31mtalker red\033[0m and a long line: %%%%s\n" "$(seq -s, 1 120)"; while :; do sleep 1 & wait $!; done'

[program:crasher]
command=sh -c 'echo crasher gives up >&2; exit 3'
startsecs=2
startretries=0
`, port))
	in := start(t, run{pid1: true, args: []string{"--socket", sock, "-c", conf}})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	in.waitFor("the TCP listener", webPhase, func() bool {
		code, _ := request(tcpClient, "GET", base+"/livez", nil, nil)
		return code == 200
	})

	if code, _ := request(tcpClient, "GET", base+"/", nil, nil); code != http.StatusUnauthorized {
		t.Fatalf("GET / without credentials: %d, want 401", code)
	}
	auth := map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:secret"))}
	evil := map[string]string{"Authorization": auth["Authorization"], "Content-Type": "application/json", "Origin": "https://evil.example"}
	code, body := request(tcpClient, "POST", base+"/api/v1/control", evil, strings.NewReader(`{"verb":"stop","names":["all"]}`))
	if code != http.StatusForbidden || !strings.Contains(body, "CROSS_ORIGIN") {
		t.Fatalf("cross-origin POST: %d %s, want 403 CROSS_ORIGIN", code, body)
	}

	ctx := newBrowser(t, chrome)
	consoleErrors := watchConsole(t, ctx)
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v\npage: %s\ninit's output:\n%s", what, err, pageText(ctx), in.out)
		}
	}
	do("open the page", sendHeader("Authorization", auth["Authorization"]),
		chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`tr[data-name="crasher"]`)))
	waitPage(t, ctx, "the three programs' states", `state("web") === "RUNNING" && state("talker") === "RUNNING" && state("crasher") === "FATAL"`)
	waitPage(t, ctx, "the counts", `text("#count-running") === "2" && text("#count-fatal") === "1" && text("#count-not-running") === "0"`)

	oldPid := pidOf(t, sock, "app:web") // web is in the group app
	waitPage(t, ctx, "web's pid", fmt.Sprintf(`cell("web", "pid") === "%d"`, oldPid))
	do("click restart", chromedp.Click(chromedp.CSS(`button[aria-label="Restart web"]`)))
	// The page's actions wait for the programs to get there: web is
	// RUNNING again once the page says it restarted.
	waitPage(t, ctx, "the restart's result", `text("#status") === "web: restarted"`)
	newPid := pidOf(t, sock, "app:web")
	if newPid == oldPid {
		t.Fatalf("restart from the page left web's pid at %d", oldPid)
	}
	waitPage(t, ctx, "web's new pid", fmt.Sprintf(`cell("web", "pid") === "%d" && state("web") === "RUNNING"`, newPid))

	do("click stop", chromedp.Click(chromedp.CSS(`button[aria-label="Stop web"]`)))
	waitPage(t, ctx, "web STOPPED", `state("web") === "STOPPED" && text("#status") === "web: stopped" && cell("web", "pid") === "–"`)

	do("open talker's log", chromedp.Click(chromedp.CSS(`button[aria-label="Show the log of talker"]`)))
	waitPage(t, ctx, "talker's log", `text("#log-state") === "following talker stdout" && text("#log-text").includes("talker up")`)
	waitPage(t, ctx, "colours stripped", `text("#log-text").includes("talker red and a long line: 1,2,3") && !text("#log-text").includes("[31m")`)
	if got := pageEval[string](t, ctx, `text("#log-text")`); strings.Contains(got, "talker got USR1") {
		t.Fatalf("the marker line is in the log before it was printed:\n%s", got)
	}
	mustCtl(t, sock, "signal", "USR1", "talker")
	waitPage(t, ctx, "a line printed after the page was opened", `count("talker got USR1") === 1`)

	// Paused, new output is held back, and shown on resume.
	do("pause", chromedp.Click(chromedp.CSS(`#log-pause`)))
	waitPage(t, ctx, "paused", `text("#log-pause") === "Resume"`)
	mustCtl(t, sock, "signal", "USR1", "talker")
	waitPage(t, ctx, "output held while paused", `text("#log-state").startsWith("paused, ") && count("talker got USR1") === 1`)
	do("resume", chromedp.Click(chromedp.CSS(`#log-pause`)))
	waitPage(t, ctx, "held output shown on resume", `count("talker got USR1") === 2 && text("#log-pause") === "Pause"`)

	saveScreenshot(t, ctx)
	checkAccessible(t, ctx)
	checkPhoneAndDark(t, ctx)
	// A CSP violation (inline code) or a script error shows only here.
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(errs, "\n"))
	}
	in.signal(syscall.SIGTERM)
	in.wait(webPhase)
}

// newBrowser starts a Chromium of its own for the test and makes sure it
// is gone when the test ends, whatever happened.
func newBrowser(t *testing.T, chrome string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox, // as root, Chromium refuses to start with its sandbox
		chromedp.DisableGPU,
		// Offline machine: anything that phones home only floods it.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		// A container's /dev/shm is often 64 MB, too small for a renderer.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1200, 700),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(bctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelBrowser()
		cancelAlloc() // kills the browser process and waits for it
	})
	return ctx
}

// watchConsole collects the page's console errors and uncaught exceptions
// from now on; the function it returns stops and hands them over.
func watchConsole(t *testing.T, ctx context.Context) func() []string {
	cctx, cancel := context.WithCancel(ctx)
	messages := chromedp.Console(cctx)
	var errs []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				errs = append(errs, m.String())
			}
		}
	}()
	t.Cleanup(cancel)
	return func() []string {
		cancel()
		<-done
		return errs
	}
}

// devtools makes one DevTools command, for which chromedp has no action of
// its own, an action of the page.
func devtools[P, R any](command cdp.Command[P, R], params P) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, command, params)
		return err
	})
}

// sendHeader makes every request of the page carry the header, fetch()
// included; credentials in the URL would not reach fetch().
func sendHeader(name, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		devtools(network.Enable, network.EnableParams{}),
		devtools(network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{name: value}}))
}

// pageHelpers are defined in the page for the test's conditions; the
// page's own script knows nothing of them.
const pageHelpers = `
	const text = (sel) => (document.querySelector(sel) || {}).textContent || "";
	const row = (name) => document.querySelector('tr[data-name="' + name + '"]');
	const cell = (name, key) => { const r = row(name); const c = r && r.querySelector("td." + key); return c ? c.textContent : ""; };
	const state = (name) => cell(name, "state");
	const count = (s) => text("#log-text").split(s).length - 1;
`

// waitPage polls a JavaScript condition in the page until it holds.
func waitPage(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	expr := "(() => {" + pageHelpers + "return " + cond + "; })()"
	poll := chromedp.Poll[bool](expr, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(webPhase))
	if _, err := chromedp.Run(ctx, poll); err != nil {
		t.Fatalf("waiting for %s (%s): %v\npage: %s", what, cond, err, pageText(ctx))
	}
}

// pageEval evaluates a JavaScript expression in the page, with
// pageHelpers at hand.
func pageEval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T]("(() => {"+pageHelpers+"return "+expr+"; })()"))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// pageText is what the page shows, for the message of a failed test.
func pageText(ctx context.Context) string {
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return "(no page: " + err.Error() + ")"
	}
	return s
}

// saveScreenshot keeps a PNG of the whole page in the test's directory,
// in $VIGIL_ARTIFACTS when set, and, with VIGIL_UPDATE_SCREENSHOT=1, as
// the README's picture.
func saveScreenshot(t *testing.T, ctx context.Context) {
	t.Helper()
	// Clicks scrolled to their buttons; the picture shows the page as opened.
	home := chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0); document.querySelector(".table-wrap").scrollLeft = 0`)
	if err := chromedp.Do(ctx, home); err != nil {
		t.Fatalf("scroll: %v", err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	p := filepath.Join(t.TempDir(), "web.png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", p, len(png))
	// The test's directory goes when the test ends; a CI run that wants
	// to keep the picture names a directory of artifacts.
	if dir := os.Getenv("VIGIL_ARTIFACTS"); dir != "" {
		if err := copyFile(p, filepath.Join(dir, "web.png"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot kept: %s", filepath.Join(dir, "web.png"))
	}
	if os.Getenv("VIGIL_UPDATE_SCREENSHOT") == "1" {
		if err := os.WriteFile(filepath.Join("..", "docs", "web.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkAccessible checks what a keyboard and a screen reader need: a
// table with a caption and header cells, a name on every button and
// control, and a live region for the results of actions.
func checkAccessible(t *testing.T, ctx context.Context) {
	t.Helper()
	for what, cond := range map[string]string{
		"a table caption":            `!!document.querySelector("table caption") && document.querySelector("table caption").textContent.trim() !== ""`,
		"column headers":             `document.querySelectorAll("thead th[scope=col]").length >= 10`,
		"row headers":                `document.querySelectorAll("tbody th[scope=row]").length === 3`,
		"a name on every button":     `[...document.querySelectorAll("button")].every(b => (b.getAttribute("aria-label") || b.textContent).trim() !== "")`,
		"a label on every control":   `[...document.querySelectorAll("select, input")].every(e => e.labels.length > 0 || e.hasAttribute("aria-label"))`,
		"a live region for results":  `["status", "alert"].includes(document.querySelector("#status").getAttribute("role")) || document.querySelector("#status").hasAttribute("aria-live")`,
		"buttons reachable by Tab":   `[...document.querySelectorAll("button")].every(b => b.tabIndex >= 0)`,
		"no button is a styled link": `document.querySelectorAll("a[onclick], div[onclick], span[onclick]").length === 0`,
	} {
		if !pageEval[bool](t, ctx, cond) {
			t.Errorf("accessibility: no %s (%s)", what, cond)
		}
	}
}

// checkPhoneAndDark narrows the page to a phone's width, where only the
// table may scroll sideways, and switches the system to dark mode, which
// the page must follow.
func checkPhoneAndDark(t *testing.T, ctx context.Context) {
	t.Helper()
	emulate := func(what string, action chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, action); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	scheme := func(s string) chromedp.Action[chromedp.Void] {
		return devtools(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: s}}})
	}
	const luminance = `(() => { const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number); return (0.2126*r + 0.7152*g + 0.0722*b) / 255; })()`
	emulate("light mode", scheme("light"))
	waitPage(t, ctx, "a light page in light mode", luminance+" > 0.7")
	emulate("dark mode", scheme("dark"))
	waitPage(t, ctx, "a dark page in dark mode", luminance+" < 0.3")

	emulate("a phone's width", devtools(emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 360, Height: 740, DeviceScaleFactor: 1, Mobile: true}))
	waitPage(t, ctx, "the page within 360 px", `window.innerWidth === 360 && document.documentElement.scrollWidth <= 360`)
	waitPage(t, ctx, "the actions still on screen", `document.querySelector('button[aria-label="Restart talker"]').getBoundingClientRect().width > 0`)
}
