package browsertest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/browsertest/engine"
)

// browserPage is what the engine-independent tests need of a page: *tab in
// Chromium (chromedp), enginePage in Firefox and WebKit.
type browserPage interface {
	// open loads url.
	open(url string)
	// eval runs an async JavaScript function body in the page and decodes
	// its JSON result into out (nil: ignore the result).
	eval(body string, out any)
	// waitFor waits until the JavaScript expression is true in the page.
	waitFor(expr string)
}

// browserEngine is one of the engines the core tests run in.
type browserEngine struct {
	name    string
	newPage func(t *testing.T) browserPage
}

// engines: the core browser tests (the API calls, paging, delete, abort,
// bad input, service and network errors, in Worker and page mode) run in
// each; the CDP-only tests (virtual authenticator, traces, heap) stay in
// Chromium.
var engines = []browserEngine{
	{"chromium", func(t *testing.T) browserPage { return newTab(t) }},
	{"firefox", func(t *testing.T) browserPage { return newEnginePage(t, &firefox) }},
	{"webkit", func(t *testing.T) browserPage { return newEnginePage(t, &webkit) }},
}

// engineMode is one engine in one runtime mode.
type engineMode struct {
	engine browserEngine
	name   string // engine/mode, the subtest name
	mode   string // worker or page
	query  string // for script.html
	worker string // JS value of options.worker
	// wasmFetchedByPage tells the modes apart: see modes.
	wasmFetchedByPage int
}

// engineModes is every engine in every mode.
func engineModes() []engineMode {
	var out []engineMode
	for _, e := range engines {
		for _, m := range modes {
			out = append(out, engineMode{e, e.name + "/" + m.name, m.name, m.query, m.worker, m.wasmFetchedByPage})
		}
	}
	return out
}

// sharedBrowser is a browser started on first use and shared by the tests
// until TestMain ends.
type sharedBrowser struct {
	name  string
	find  func() (string, error)
	start func(ctx context.Context, path string) (engine.Browser, error)

	once    sync.Once
	browser engine.Browser
	err     error
}

var (
	firefox = sharedBrowser{name: "Firefox", find: engine.FindFirefox,
		start: func(ctx context.Context, path string) (engine.Browser, error) { return engine.StartFirefox(ctx, path) }}
	webkit = sharedBrowser{name: "WebKit", find: engine.FindWebKitWebDriver,
		start: func(ctx context.Context, path string) (engine.Browser, error) { return engine.StartWebKit(ctx, path) }}
)

// get starts the browser the first time; a missing browser fails the test
// with what to install (the tests never skip).
func (s *sharedBrowser) get(t *testing.T) engine.Browser {
	t.Helper()
	s.once.Do(func() {
		path, err := s.find()
		if err != nil {
			s.err = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		start := time.Now()
		if s.browser, s.err = s.start(ctx, path); s.err != nil {
			s.err = fmt.Errorf("starting %s: %w", s.name, s.err)
			return
		}
		fmt.Printf("browsertest: %s (%s) started in %v\n", s.name, path, time.Since(start).Round(time.Millisecond))
	})
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.browser
}

// closeEngines ends the browsers that were started.
func closeEngines() {
	for _, s := range []*sharedBrowser{&firefox, &webkit} {
		if s.browser != nil {
			s.browser.Close()
		}
	}
}

// enginePage is a page in Firefox or WebKit. When the test ends it fails the
// test if the page reported a console error or uncaught exception (Firefox;
// WebKit's classic WebDriver does not report them), and closes the page.
type enginePage struct {
	t   *testing.T
	ctx context.Context
	p   engine.Page
}

func newEnginePage(t *testing.T, s *sharedBrowser) *enginePage {
	t.Helper()
	b := s.get(t)
	// A guard, like newTab's; nothing is timed.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	p, err := b.NewPage(ctx)
	if err != nil {
		cancel()
		t.Fatalf("%s: opening a page: %v", s.name, err)
	}
	t.Cleanup(func() {
		for _, problem := range p.Problems() {
			t.Errorf("page reported: %s", problem)
		}
		if err := p.Close(); err != nil {
			t.Errorf("closing the page: %v", err)
		}
		cancel()
	})
	return &enginePage{t: t, ctx: ctx, p: p}
}

func (ep *enginePage) open(url string) {
	ep.t.Helper()
	if err := ep.p.Navigate(ep.ctx, url); err != nil {
		ep.t.Fatalf("loading %s: %v (page problems so far: %q)", url, err, ep.p.Problems())
	}
}

func (ep *enginePage) eval(body string, out any) {
	ep.t.Helper()
	res, err := ep.p.Eval(ep.ctx, jsonOf(body))
	if err != nil {
		ep.t.Fatalf("evaluating %q: %v (page problems so far: %q)", short(body), err, ep.p.Problems())
	}
	decodeResult(ep.t, res, out)
}

// waitFor re-checks expr on every DOM change, within a 20 s guard (the
// Chromium tab's polling timeout). The guard is in the page, not a Go
// context: classic WebDriver runs a session's scripts one at a time, so a
// script abandoned by a cancelled request would block every later page of the
// shared WebKit session. It bounds a wait that failed; nothing waits on it.
func (ep *enginePage) waitFor(expr string) {
	ep.t.Helper()
	var ok bool
	ep.eval(`return await new Promise((resolve) => {
		const check = () => {
			if (!(`+expr+`)) return;
			observer.disconnect();
			clearTimeout(guard);
			resolve(true);
		};
		const observer = new MutationObserver(check);
		observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
		const guard = setTimeout(() => { observer.disconnect(); resolve(false); }, 20000);
		check();
	});`, &ok)
	if !ok {
		ep.t.Fatalf("waiting for %s: timed out (page problems so far: %q)", short(expr), ep.p.Problems())
	}
}

// TestNetworkErrorEngines: the runtime starts in the mode asked for, and a
// call whose endpoint refuses connections fails with NetworkError (fetch's
// TypeError underneath, no metadata) in every engine and mode; the next call
// to a live endpoint works again.
func TestNetworkErrorEngines(t *testing.T) {
	for _, mode := range engineModes() {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel() // its own emulators
			live, gone := startPrivateEmulator(t), startPrivateEmulator(t)
			token := live.signIn(t)
			gone.stop()
			tb := mode.engine.newPage(t)
			tb.open(site + "/pages/blank.html")
			var r struct {
				Runtime string  `json:"runtime"`
				Down    outcome `json:"down"`
				Again   outcome `json:"again"`
			}
			tb.eval(`const cw = await import('/dist/index.mjs');`+encodeJS+`
				const tokenProvider = async () => `+jsString(token)+`;
				const { runtime } = await cw.configure({ Auth: { Cognito: `+gone.config()+` } }, { worker: `+mode.worker+`, tokenProvider });
				const down = await attempt(() => cw.listDevices());
				await cw.configure({ Auth: { Cognito: `+live.config()+` } }, { worker: `+mode.worker+`, tokenProvider });
				return { runtime, down, again: await attempt(() => cw.fetchDevices()) };
			`, &r)
			if r.Runtime != mode.mode {
				t.Errorf("configure resolved with runtime %q, want %q", r.Runtime, mode.mode)
			}
			wantErr(t, "a call to an endpoint that refuses connections", r.Down, "NetworkError", "A network error has occurred.")
			if e := r.Down.Err; e != nil && (e.Metadata != nil || e.UnderlyingError == nil || e.UnderlyingError.Name != "TypeError") {
				t.Errorf("network error: metadata %+v, underlyingError %+v; want none and fetch's TypeError", e.Metadata, e.UnderlyingError)
			}
			wantJSON(t, "fetchDevices after the network error", r.Again, seedDevices())
		})
	}
}
