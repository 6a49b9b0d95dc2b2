package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/cognito-wasm/cognito-wasm/internal/browsertest/engine"
	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

var (
	repoRoot  string          // the module root
	distDir   string          // js/dist
	artifacts string          // test-artifacts/
	browser   context.Context // the one Chromium all tests share (a tab each)

	emu        *emulator.Emulator // in-process Cognito with the demo seed
	cognitoURL string             // its origin
	site       string             // origin of the test pages (siteHandler)
)

// TestMain starts one headless Chromium for the whole package; every test opens
// its own tab in its own browser context (separate storage), which keeps the
// run fast and the tests independent. Firefox and WebKit start on first use,
// once each (see engines_test.go).
func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	fail := func(format string, args ...any) int {
		fmt.Fprintf(os.Stderr, "FAIL: browsertest: "+format+"\n", args...)
		return 1
	}
	var err error
	if repoRoot, err = findRepoRoot(); err != nil {
		return fail("%v", err)
	}
	distDir = filepath.Join(repoRoot, "js", "dist")
	artifacts = filepath.Join(repoRoot, "test-artifacts")
	chromiumPath, err := engine.FindChrome()
	if err != nil {
		return fail("%v", err)
	}
	for _, f := range []string{"index.mjs", "cognito-wasm.js", "index.d.ts", "cognito-wasm.wasm"} {
		if _, err := os.Stat(filepath.Join(distDir, f)); err != nil {
			return fail("js/dist is not built (run `make build`): %v", err)
		}
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		return fail("%v", err)
	}
	profile, err := os.MkdirTemp("", "cognito-wasm-chromium-")
	if err != nil {
		return fail("%v", err)
	}
	defer os.RemoveAll(profile)
	if testWasmDir, err = os.MkdirTemp("", "cognito-wasm-test-wasm-"); err != nil {
		return fail("%v", err)
	}
	defer os.RemoveAll(testWasmDir)

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		return fail("starting %s: %v", chromiumPath, err)
	}
	browser = ctx

	emu, err = emulator.New(nil)
	if err != nil {
		return fail("%v", err)
	}
	cognitoSrv := httptest.NewServer(watching(emu))
	defer cognitoSrv.Close()
	defer emu.Close() // first: it lets go of requests held by "hang" faults
	cognitoURL = cognitoSrv.URL
	siteSrv := httptest.NewServer(siteHandler())
	defer siteSrv.Close()
	site = siteSrv.URL

	code := m.Run()
	// Close the browsers before the profile directory goes.
	cancel()
	cancelAlloc()
	closeEngines()
	return code
}

func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// tab is one page under test with what its console and runtime reported.
type tab struct {
	ctx context.Context
	t   *testing.T

	mu         sync.Mutex
	problems   []string // console errors/assertions, uncaught exceptions, unhandled rejections
	logs       []string // Log domain errors (failed loads, CSP reports)
	exceptions []exception
}

type exception struct {
	id    int64
	index int // in problems
}

// newTab opens a tab in a fresh browser context. When the test ends it fails
// the test if the page logged a console error or had an uncaught exception or
// unhandled rejection, and closes the tab.
func newTab(t *testing.T) *tab {
	t.Helper()
	return newTabWithin(t, 45*time.Second)
}

// newTabWithin is newTab for a test that needs its tab for longer (a guard,
// like the 45 s of newTab; nothing is timed).
func newTabWithin(t *testing.T, limit time.Duration) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	tb := &tab{ctx: ctx, t: t}
	if err := chromedp.Listen(ctx, tb.onEvent); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cdplog.Enable, cdp.Empty{})
		return err
	})); err != nil {
		t.Fatalf("log.enable: %v", err)
	}
	t.Cleanup(func() {
		tb.mu.Lock()
		problems := tb.problems
		tb.mu.Unlock()
		for _, p := range problems {
			if p == "" {
				continue // revoked
			}
			t.Errorf("page reported: %s", p)
		}
		cancelTimeout()
		cancel()
	})
	return tb
}

func (tb *tab) onEvent(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			tb.problems = append(tb.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		tb.problems = append(tb.problems, "uncaught: "+msg)
		tb.exceptions = append(tb.exceptions, exception{d.ExceptionID, len(tb.problems) - 1})
	case *runtime.EventExceptionRevoked:
		// A rejection that got a handler after all: no longer unhandled.
		for _, e := range tb.exceptions {
			if e.id == ev.ExceptionID {
				tb.problems[e.index] = ""
			}
		}
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.EntryLevelError {
			tb.logs = append(tb.logs, fmt.Sprintf("%s: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	}
}

// open loads url in the tab.
func (tb *tab) open(url string) {
	tb.t.Helper()
	tb.do(navigate(url))
}

// do runs actions and fails the test on error.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatalf("%v (page problems so far: %q)", err, tb.problemsSoFar())
	}
}

func (tb *tab) problemsSoFar() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append(append([]string(nil), tb.problems...), tb.logs...)
}

// eval runs an async JavaScript function body in the page and decodes its JSON
// result into out (nil: ignore the result).
func (tb *tab) eval(body string, out any) {
	tb.t.Helper()
	res, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](jsonOf(body), chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %q: %v (page problems so far: %q)", short(body), err, tb.problemsSoFar())
	}
	decodeResult(tb.t, res, out)
}

// jsonOf is an expression whose value is a Promise of the JSON of what the
// async function body returns.
func jsonOf(body string) string {
	return "(async () => JSON.stringify(await (async () => {" + body + "})()) ?? 'null')()"
}

// decodeResult decodes what jsonOf gave into out (nil: ignore it).
func decodeResult(t *testing.T, res string, out any) {
	t.Helper()
	if out == nil {
		return
	}
	if err := json.Unmarshal([]byte(res), out); err != nil {
		t.Fatalf("decoding %s: %v", res, err)
	}
}

// screenshot saves a full-page PNG as test-artifacts/<name>.png.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(artifacts, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

// requestWatch reports when the next emulator request for one operation
// arrives and when the emulator is done with it (answered, or dropped because
// the client went away).
type requestWatch struct {
	target            string
	arrived, finished chan struct{}
}

var watched atomic.Pointer[requestWatch]

// watchNext arms a watch on the next request for the operation target.
func watchNext(target string) *requestWatch {
	w := &requestWatch{target: target, arrived: make(chan struct{}), finished: make(chan struct{})}
	watched.Store(w)
	return w
}

func watching(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := watched.Load()
		if w != nil && r.Header.Get("X-Amz-Target") == "AWSCognitoIdentityProviderService."+w.target && watched.CompareAndSwap(w, nil) {
			close(w.arrived)
			defer close(w.finished) // also when the handler aborts with a panic
		}
		next.ServeHTTP(rw, r)
	})
}

// waitClosed waits for ch, failing the test if that takes unreasonably long.
func waitClosed(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// waitFor waits until the JavaScript expression is true in the page,
// re-checking on every DOM change.
func (tb *tab) waitFor(expr string) {
	tb.t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		tb.failureScreenshot()
		tb.t.Fatalf("waiting for %s: %v (page problems so far: %q)", short(expr), err, tb.problemsSoFar())
	}
}

// failureScreenshot saves what the page showed when a step failed, as
// test-artifacts/<test name>-failed.png.
func (tb *tab) failureScreenshot() {
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err == nil {
		name := strings.NewReplacer("/", "-", " ", "_").Replace(tb.t.Name())
		os.WriteFile(filepath.Join(artifacts, name+"-failed.png"), png, 0o644)
	}
}
