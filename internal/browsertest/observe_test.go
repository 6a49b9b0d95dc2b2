package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// What the reliability tests share: an emulator of their own, everything a
// page and its workers show DevTools, and heap readings.

// privateEmulator is an emulator that belongs to one test (its faults, log
// and clock), served the way the demo serves one (emulator.NewHTTPServer),
// with the server's error log kept for inspection.
type privateEmulator struct {
	emu    *emulator.Emulator
	url    string // origin, no trailing slash
	srv    *http.Server
	errLog *lockedBuffer

	mu      sync.Mutex
	serving int           // Cognito requests in the handler now
	changed chan struct{} // closed and replaced when serving changes
}

func startPrivateEmulator(t *testing.T) *privateEmulator {
	t.Helper()
	e, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &privateEmulator{emu: e, url: "http://" + ln.Addr().String(), errLog: &lockedBuffer{}, changed: make(chan struct{})}
	p.srv = emulator.NewHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if route, ok := strings.CutPrefix(r.URL.Path, pageControlPrefix); ok {
			servePageControl(e, w, r, route)
			return
		}
		if r.Header.Get(emulator.HeaderTarget) != "" {
			p.count(+1)
			defer p.count(-1) // also when a dropped request ends the handler with a panic
		}
		e.ServeHTTP(w, r)
	}))
	p.srv.ErrorLog = log.New(p.errLog, "", 0)
	p.srv.RegisterOnShutdown(e.Close)
	go p.srv.Serve(ln)
	t.Cleanup(p.stop)
	return p
}

// pageControlPrefix is where a test page of another origin (the site) drives
// the private emulator's control endpoints: the emulator refuses pages of
// other origins (they are for local tools), so this test-only bridge passes
// the request on as a local tool would send it, and grants CORS.
const pageControlPrefix = "/_test-page-control/"

func servePageControl(e *emulator.Emulator, w http.ResponseWriter, r *http.Request, route string) {
	r = r.Clone(r.Context())
	r.URL.Path = "/_emulator/" + route
	for _, h := range []string{"Origin", "Referer", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest"} {
		r.Header.Del(h)
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	e.ServeHTTP(w, r)
}

func (p *privateEmulator) count(d int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.serving += d
	close(p.changed)
	p.changed = make(chan struct{})
}

// waitServing waits until the emulator is serving n requests at once (n = 0:
// every request it held has ended, e.g. because its client dropped it).
func (p *privateEmulator) waitServing(t *testing.T, n int) {
	t.Helper()
	guard := time.After(20 * time.Second)
	for {
		p.mu.Lock()
		serving, changed := p.serving, p.changed
		p.mu.Unlock()
		if serving == n {
			return
		}
		select {
		case <-changed:
		case <-guard:
			t.Fatalf("the emulator still serves %d requests, want %d", serving, n)
		}
	}
}

// stop ends the server at once: listener and connections closed, requests
// held by "hang" faults dropped.
func (p *privateEmulator) stop() {
	p.emu.Close()
	p.srv.Close()
}

// signIn returns an access token for the demo user.
func (p *privateEmulator) signIn(t *testing.T) string {
	t.Helper()
	tk, err := p.emu.SignIn(emulator.DemoPoolID, emulator.DemoClientID, emulator.DemoUsername)
	if err != nil {
		t.Fatal(err)
	}
	return tk.AccessToken
}

// config is Amplify's Auth.Cognito for the demo pool on this emulator, as JS.
func (p *privateEmulator) config() string {
	return mustJSON(map[string]string{
		"userPoolId": emulator.DemoPoolID, "userPoolClientId": emulator.DemoClientID, "userPoolEndpoint": p.url,
	})
}

// logJSON is the request log as GET /_emulator/requests serves it.
func (p *privateEmulator) logJSON() string { return mustJSON(p.emu.Requests()) }

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// observer keeps everything targets show DevTools: console calls of every
// level with all their arguments, Log entries (failed loads, CORS reports),
// uncaught exceptions.
type observer struct {
	mu      sync.Mutex
	lines   []string
	changed chan struct{} // closed and replaced on every new line
}

func newObserver() *observer { return &observer{changed: make(chan struct{})} }

func (o *observer) listen(ev any) {
	var line string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		parts := []string{"console." + string(ev.Type) + ":"}
		for _, a := range ev.Args {
			parts = append(parts, string(a.Value), a.Description, string(a.UnserializableValue))
			if a.Preview != nil {
				for _, p := range a.Preview.Properties {
					parts = append(parts, p.Name+"="+p.Value)
				}
			}
		}
		line = strings.Join(parts, " ")
	case *cdplog.EventEntryAdded:
		line = fmt.Sprintf("log.%s %s: %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		line = "exception: " + d.Text
		if d.Exception != nil {
			line += " " + d.Exception.Description + " " + string(d.Exception.Value)
		}
	default:
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lines = append(o.lines, line)
	close(o.changed)
	o.changed = make(chan struct{})
}

func (o *observer) text() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return strings.Join(o.lines, "\n")
}

// waitFor waits until a line contains s; the guard turns a lost event into a
// failure.
func (o *observer) waitFor(t *testing.T, s string) {
	t.Helper()
	guard := time.After(20 * time.Second)
	for {
		o.mu.Lock()
		found := strings.Contains(strings.Join(o.lines, "\n"), s)
		changed := o.changed
		o.mu.Unlock()
		if found {
			return
		}
		select {
		case <-changed:
		case <-guard:
			t.Fatalf("DevTools never reported %q", s)
		}
	}
}

// observe records what the tab's page shows DevTools from now on.
func (tb *tab) observe(o *observer) {
	tb.t.Helper()
	if err := chromedp.Listen(tb.ctx, o.listen); err != nil {
		tb.t.Fatal(err)
	}
	tb.probe(tb.ctx, o)
}

// probe logs a marker in the target of ctx and waits for o to see it: proof
// that o really receives that target's console.
func (tb *tab) probe(ctx context.Context, o *observer) {
	tb.t.Helper()
	marker := fmt.Sprintf("cw-observer-probe-%d", time.Now().UnixNano())
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`console.log(`+jsString(marker)+`)`)); err != nil {
		tb.t.Fatalf("probe: %v", err)
	}
	o.waitFor(tb.t, marker)
}

// workers attaches to the tab's dedicated workers; o (if not nil) then
// receives their console too (with what they logged before, which DevTools
// replays on attach). It returns a context per worker.
func (tb *tab) workers(o *observer) []context.Context {
	tb.t.Helper()
	infos, err := chromedp.Targets(tb.ctx)
	if err != nil {
		tb.t.Fatal(err)
	}
	self := chromedp.FromContext(tb.ctx).Target.TargetID
	var browserContext cdp.BrowserContextID
	for _, info := range infos {
		if info.TargetID == self {
			browserContext = info.BrowserContextID
		}
	}
	var out []context.Context
	for _, info := range infos {
		if info.Type != "worker" || info.BrowserContextID != browserContext {
			continue
		}
		opts := []chromedp.ContextOption{chromedp.WithTargetID(info.TargetID)}
		if o != nil {
			opts = append(opts, chromedp.WithListener(o.listen))
		}
		wctx, cancel := chromedp.NewContext(tb.ctx, opts...)
		if err := chromedp.Do(wctx); err != nil {
			cancel()
			tb.t.Fatalf("attaching to worker %s: %v", info.URL, err)
		}
		tb.t.Cleanup(cancel)
		if o != nil {
			tb.probe(wctx, o)
		}
		out = append(out, wctx)
	}
	return out
}

// heap is one JS isolate's memory after a full garbage collection.
type heap struct {
	JS   int64 // used JS heap
	Wasm int64 // bytes of every WebAssembly.Memory in the isolate
}

func (h heap) add(o heap) heap { return heap{h.JS + o.JS, h.Wasm + o.Wasm} }

// measureHeap collects garbage in the target of ctx, then reads its used JS
// heap and finds every WebAssembly.Memory with Runtime.queryObjects (no API
// of the loader needed).
func measureHeap(ctx context.Context) (heap, error) {
	var h heap
	if _, err := chromedp.Call(ctx, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
		return h, fmt.Errorf("collect garbage: %w", err)
	}
	u, err := chromedp.Call(ctx, runtime.GetHeapUsage, cdp.Empty{})
	if err != nil {
		return h, fmt.Errorf("heap usage: %w", err)
	}
	h.JS = int64(u.UsedSize)
	const group = "cw-reliability-heap"
	defer chromedp.Call(ctx, runtime.ReleaseObjectGroup, runtime.ReleaseObjectGroupParams{ObjectGroup: group})
	proto, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: "WebAssembly.Memory.prototype", ObjectGroup: group})
	if err != nil || proto.Result == nil || proto.Result.ObjectID == "" {
		return h, fmt.Errorf("WebAssembly.Memory.prototype: %v", err)
	}
	objs, err := chromedp.Call(ctx, runtime.QueryObjects, runtime.QueryObjectsParams{PrototypeObjectID: proto.Result.ObjectID, ObjectGroup: group})
	if err != nil {
		return h, fmt.Errorf("query WebAssembly.Memory objects: %w", err)
	}
	yes := true
	sum, err := chromedp.Call(ctx, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: "function() { return this.reduce((n, m) => n + m.buffer.byteLength, 0); }",
		ObjectID:            objs.Objects.ObjectID,
		ReturnByValue:       &yes,
	})
	if err != nil || sum.Result == nil {
		return h, fmt.Errorf("sum WebAssembly.Memory sizes: %v", err)
	}
	if err := json.Unmarshal(sum.Result.Value, &h.Wasm); err != nil {
		return h, fmt.Errorf("sum WebAssembly.Memory sizes: %s: %w", sum.Result.Value, err)
	}
	return h, nil
}

// tabHeap is the tab's page plus its workers.
func (tb *tab) heap(workers []context.Context) heap {
	tb.t.Helper()
	total, err := measureHeap(tb.ctx)
	if err != nil {
		tb.t.Fatal(err)
	}
	for _, w := range workers {
		h, err := measureHeap(w)
		if err != nil {
			tb.t.Fatal(err)
		}
		total = total.add(h)
	}
	if total.Wasm == 0 {
		tb.t.Fatal(errors.New("no WebAssembly.Memory found in the page or its workers"))
	}
	return total
}

// tokenPieces are what must never be seen of a JWT: the whole and each of
// its unique parts (the header alone is the same for every token of a pool).
func tokenPieces(token string) []string {
	parts := strings.Split(token, ".")
	if len(parts) == 3 {
		return []string{token, parts[1], parts[2]}
	}
	return []string{token}
}

// checkNoToken fails the test if any piece of any token is in any of the
// named texts.
func checkNoToken(t *testing.T, tokens []string, texts map[string]string) {
	t.Helper()
	for _, tok := range tokens {
		for _, piece := range tokenPieces(tok) {
			for what, text := range texts {
				if strings.Contains(text, piece) {
					t.Errorf("the access token (or part of it) appears in %s", what)
				}
			}
		}
	}
}
