package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

// chromiumFlags are the flags of every browser the benchmark starts: headless
// Chromium with nothing running in the background that could steal time
// from a measurement. The throttling flags keep a tab in its own window at
// full speed even when it is not the focused one.
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--no-default-browser-check", "--disable-extensions",
	"--disable-background-timer-throttling", "--disable-renderer-backgrounding",
	"--disable-backgrounding-occluded-windows",
}

// chromium is one browser process with its own, fresh profile directory.
type chromium struct {
	ctx     context.Context // browser-level chromedp context
	cancel  context.CancelFunc
	profile string
}

func startChromium(ctx context.Context, execPath string, flags []string) (*chromium, error) {
	profile, err := os.MkdirTemp("", "cw-bench-profile-")
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(execPath), chromedp.UserDataDir(profile)}
	for _, f := range flags {
		name, value, hasValue := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if hasValue {
			opts = append(opts, chromedp.Flag(name, value))
		} else {
			opts = append(opts, chromedp.Flag(name, true))
		}
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	c := &chromium{ctx: bctx, profile: profile, cancel: func() {
		bcancel()
		acancel()
		os.RemoveAll(profile)
	}}
	// Start the browser (its first tab stays on about:blank).
	if err := chromedp.Do(bctx); err != nil {
		c.cancel()
		return nil, fmt.Errorf("start %s: %w", execPath, err)
	}
	return c, nil
}

func (c *chromium) close() { c.cancel() }

func (c *chromium) version(ctx context.Context) (browser.GetVersionResult, error) {
	return chromedp.CallBrowser(c.ctx, browser.GetVersion, cdp.Empty{})
}

// tab is one page target with its network events collected.
type tab struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	requests map[network.RequestID]*netRequest
	order    []network.RequestID
}

// netRequest is what CDP reported about one request of the page.
type netRequest struct {
	URL          string  `json:"url"`
	Status       int64   `json:"status"`
	FromCache    bool    `json:"fromCache,omitempty"`
	EncodedBytes float64 `json:"encodedBytes"` // bytes received, headers included (loadingFinished.encodedDataLength)
	Finished     bool    `json:"-"`
}

// newTab opens a new tab in its own window. withNetwork keeps DevTools'
// network instrumentation on (chromedp turns it on) to collect the
// requests; it costs each request time, so timed loads run without it.
func (c *chromium) newTab(withNetwork bool) (*tab, error) {
	tctx, cancel := chromedp.NewContext(c.ctx)
	t := &tab{ctx: tctx, cancel: cancel, requests: map[network.RequestID]*netRequest{}}
	if err := chromedp.Do(tctx); err != nil {
		cancel()
		return nil, err
	}
	if !withNetwork {
		if _, err := chromedp.Call(tctx, network.Disable, cdp.Empty{}); err != nil {
			cancel()
			return nil, err
		}
		return t, nil
	}
	// Listen runs in the order events arrive, before the reply of any later
	// command is handled, so after a command returns every earlier event has
	// been seen.
	err := chromedp.Listen(tctx, func(ev any) {
		t.mu.Lock()
		defer t.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if _, ok := t.requests[ev.RequestID]; !ok {
				t.order = append(t.order, ev.RequestID)
			}
			t.requests[ev.RequestID] = &netRequest{URL: ev.Request.URL}
		case *network.EventResponseReceived:
			if r := t.requests[ev.RequestID]; r != nil && ev.Response != nil {
				r.Status = ev.Response.Status
				r.FromCache = ev.Response.FromDiskCache || ev.Response.FromPrefetchCache
			}
		case *network.EventRequestServedFromCache:
			if r := t.requests[ev.RequestID]; r != nil {
				r.FromCache = true
			}
		case *network.EventLoadingFinished:
			if r := t.requests[ev.RequestID]; r != nil {
				r.EncodedBytes = ev.EncodedDataLength
				r.Finished = true
			}
		}
	})
	if err != nil {
		cancel()
		return nil, err
	}
	return t, nil
}

func (t *tab) close() { t.cancel() }

// network returns the finished requests seen so far, in request order.
func (t *tab) network() []netRequest {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []netRequest
	for _, id := range t.order {
		if r := t.requests[id]; r.Finished {
			out = append(out, *r)
		}
	}
	return out
}

func (t *tab) navigate(url string) error {
	return chromedp.Do(t.ctx, chromedp.Navigate(url))
}

// eval evaluates a JS expression, awaits it if it is a promise, and decodes
// its JSON value into out (nil: ignore).
func (t *tab) eval(ctx context.Context, expr string, out any) error {
	// chromedp needs the tab's context; the caller's carries the deadline.
	cctx, cancel := context.WithCancel(t.ctx)
	defer cancel()
	defer context.AfterFunc(ctx, cancel)()
	raw, err := chromedp.Run(cctx, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		return fmt.Errorf("evaluate %q: %w", shorten(expr), err)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("evaluate %q: decode %s: %w", shorten(expr), shorten(string(raw)), err)
	}
	return nil
}

func shorten(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// heap is one JS isolate's memory after a full garbage collection.
type heap struct {
	JSUsed    int64 `json:"jsHeapUsed"`
	JSTotal   int64 `json:"jsHeapTotal"`
	Backing   int64 `json:"arrayBufferBacking"` // ArrayBuffer backing stores, wasm memory included
	WasmBytes int64 `json:"wasmMemory"`         // sum of WebAssembly.Memory buffers in that isolate
	WasmCount int   `json:"wasmMemories"`
}

// measureHeap collects garbage in the target of ctx (a page or a worker),
// then reads its heap use and the size of every WebAssembly.Memory in it
// (found with Runtime.queryObjects, so it needs no API of the loader).
func measureHeap(ctx context.Context) (heap, error) {
	var h heap
	if _, err := chromedp.Call(ctx, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
		return h, fmt.Errorf("collect garbage: %w", err)
	}
	u, err := chromedp.Call(ctx, runtime.GetHeapUsage, cdp.Empty{})
	if err != nil {
		return h, fmt.Errorf("heap usage: %w", err)
	}
	h.JSUsed, h.JSTotal, h.Backing = int64(u.UsedSize), int64(u.TotalSize), int64(u.BackingStorageSize)

	const group = "cw-bench-heap"
	defer chromedp.Call(ctx, runtime.ReleaseObjectGroup, runtime.ReleaseObjectGroupParams{ObjectGroup: group})
	proto, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{
		Expression: "WebAssembly.Memory.prototype", ObjectGroup: group,
	})
	if err != nil {
		return h, fmt.Errorf("WebAssembly.Memory.prototype: %w", err)
	}
	if proto.Result == nil || proto.Result.ObjectID == "" {
		return h, errors.New("WebAssembly.Memory.prototype: no object")
	}
	objs, err := chromedp.Call(ctx, runtime.QueryObjects, runtime.QueryObjectsParams{
		PrototypeObjectID: proto.Result.ObjectID, ObjectGroup: group,
	})
	if err != nil {
		return h, fmt.Errorf("query WebAssembly.Memory objects: %w", err)
	}
	sum, err := chromedp.Call(ctx, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: "function() { return JSON.stringify([this.length, this.reduce((n, m) => n + m.buffer.byteLength, 0)]); }",
		ObjectID:            objs.Objects.ObjectID,
		ReturnByValue:       ptr(true),
	})
	if err != nil {
		return h, fmt.Errorf("sum WebAssembly.Memory sizes: %w", err)
	}
	var pair [2]int64
	var s string
	if sum.Result == nil || json.Unmarshal(sum.Result.Value, &s) != nil || json.Unmarshal([]byte(s), &pair) != nil {
		return h, errors.New("sum WebAssembly.Memory sizes: unexpected result")
	}
	h.WasmCount, h.WasmBytes = int(pair[0]), pair[1]
	return h, nil
}

func ptr[T any](v T) *T { return &v }

// workerContexts attaches to the dedicated workers of the tab.
func (t *tab) workerContexts() ([]context.Context, func(), error) {
	infos, err := chromedp.Targets(t.ctx)
	if err != nil {
		return nil, nil, err
	}
	var ctxs []context.Context
	var cancels []context.CancelFunc
	for _, info := range infos {
		if info.Type != "worker" {
			continue
		}
		wctx, cancel := chromedp.NewContext(t.ctx, chromedp.WithTargetID(info.TargetID))
		if err := chromedp.Do(wctx); err != nil {
			cancel()
			continue // a worker that went away
		}
		ctxs = append(ctxs, wctx)
		cancels = append(cancels, cancel)
	}
	return ctxs, func() {
		for _, c := range cancels {
			c()
		}
	}, nil
}

// traceCategories hold the main thread's top-level tasks and user-timing
// marks, nothing more, to keep the tracing overhead small.
var traceCategories = []string{"toplevel", "blink.user_timing", "__metadata"}

// tracer records a trace through a tab's own DevTools session: it holds
// that tab's renderer (which is all the benchmark reads) and, unlike a
// browser-wide trace, does not wait seconds for every other process to
// flush when it ends.
type tracer struct {
	t      *tab
	mu     sync.Mutex
	events []json.RawMessage
	done   chan struct{}
	cancel context.CancelFunc
}

func (t *tab) startTrace() (*tracer, error) {
	tr := &tracer{t: t, done: make(chan struct{})}
	lctx, cancel := context.WithCancel(t.ctx)
	tr.cancel = cancel
	err := chromedp.Listen(lctx, func(ev any) {
		switch ev := ev.(type) {
		case *tracing.EventDataCollected:
			tr.mu.Lock()
			for _, v := range ev.Value {
				tr.events = append(tr.events, json.RawMessage(v))
			}
			tr.mu.Unlock()
		case *tracing.EventTracingComplete:
			close(tr.done)
		}
	})
	if err != nil {
		cancel()
		return nil, err
	}
	_, err = chromedp.Call(t.ctx, tracing.Start, tracing.StartParams{
		TransferMode: tracing.StartTransferModeReportEvents,
		TraceConfig:  &tracing.TraceConfig{IncludedCategories: traceCategories, ExcludedCategories: []string{"*"}},
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("start tracing: %w", err)
	}
	return tr, nil
}

// stop ends the trace and returns its events.
func (tr *tracer) stop(ctx context.Context) ([]json.RawMessage, error) {
	defer tr.cancel()
	if _, err := chromedp.Call(tr.t.ctx, tracing.End, cdp.Empty{}); err != nil {
		return nil, fmt.Errorf("end tracing: %w", err)
	}
	select {
	case <-tr.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.events, nil
}
