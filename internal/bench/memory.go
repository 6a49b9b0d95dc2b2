package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// memory loads each client in a fresh browser, reads the heap after the
// first result, makes cfg.MemCalls calls (list credentials and list devices
// in turn), collects garbage and reads the heap again: the page's isolate,
// every dedicated worker's, and all WebAssembly.Memory buffers in them.
func (r *runner) memory(ctx context.Context) error {
	for _, cl := range r.selected() {
		if err := r.memoryClient(ctx, cl); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			r.fail(cl.Name, fmt.Errorf("memory: %w", err))
		}
	}
	return nil
}

func (r *runner) memoryClient(ctx context.Context, cl client) error {
	cr := r.results[cl.Name]
	c, err := r.signedInBrowser(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	// This load is cold too (fresh profile): count its bytes as Chromium
	// saw them, then stop DevTools' network instrumentation for the calls.
	v, err := r.visit(ctx, c, cl, visitOpts{keep: true, network: true})
	if err != nil {
		return err
	}
	t := v.tab
	defer t.close()
	cr.ColdCDPBytes = r.originBytes(v.Net)
	if _, err := chromedp.Call(t.ctx, network.Disable, cdp.Empty{}); err != nil {
		return err
	}
	m := &MemoryResult{Calls: r.cfg.MemCalls, WorkersBefore: []heap{}, WorkersAfter: []heap{}}
	n, err := readHeaps(t, &m.Before, &m.WorkersBefore)
	if err != nil {
		return err
	}
	cr.WorkerTargets = n
	mctx, cancel := context.WithTimeout(ctx, time.Duration(r.cfg.MemCalls)*100*time.Millisecond+time.Minute)
	defer cancel()
	if err := t.eval(mctx, fmt.Sprintf("bench.repeat(['listCredentials', 'listDevices'], %d)", r.cfg.MemCalls), &m.DurationMs); err != nil {
		return err
	}
	if _, err := readHeaps(t, &m.After, &m.WorkersAfter); err != nil {
		return err
	}
	m.total()
	cr.Memory = m
	return nil
}

// originBytes sums what Chromium received for the page's requests to the
// origin, the page itself left out.
func (r *runner) originBytes(reqs []netRequest) float64 {
	var n float64
	for _, q := range reqs {
		if strings.HasPrefix(q.URL, r.originURL+"/") && !strings.HasPrefix(q.URL, r.originURL+"/bench/") {
			n += q.EncodedBytes
		}
	}
	return n
}

// readHeaps measures the tab's page and each of its dedicated workers; it
// returns how many workers there were.
func readHeaps(t *tab, page *heap, workers *[]heap) (int, error) {
	h, err := measureHeap(t.ctx)
	if err != nil {
		return 0, fmt.Errorf("page heap: %w", err)
	}
	*page = h
	wctxs, release, err := t.workerContexts()
	if err != nil {
		return 0, fmt.Errorf("workers: %w", err)
	}
	defer release()
	for _, wctx := range wctxs {
		wh, err := measureHeap(wctx)
		if err != nil {
			return 0, fmt.Errorf("worker heap: %w", err)
		}
		*workers = append(*workers, wh)
	}
	return len(wctxs), nil
}

// total sums page and workers before and after the calls.
func (m *MemoryResult) total() {
	m.JSHeapBefore, m.WasmBefore = m.Before.JSUsed, m.Before.WasmBytes
	for _, w := range m.WorkersBefore {
		m.JSHeapBefore += w.JSUsed
		m.WasmBefore += w.WasmBytes
	}
	m.JSHeapAfter, m.WasmAfter = m.After.JSUsed, m.After.WasmBytes
	for _, w := range m.WorkersAfter {
		m.JSHeapAfter += w.JSUsed
		m.WasmAfter += w.WasmBytes
	}
}

// checkModes makes sure each cognito-wasm page ran the mode it asked for:
// Worker mode must show a dedicated worker, page mode none (the loader
// falls back to the page silently when a Worker cannot start).
func (r *runner) checkModes() {
	for _, cl := range r.selected() {
		cr := r.results[cl.Name]
		if cl.Worker == nil || cr.Memory == nil {
			continue
		}
		switch {
		case *cl.Worker && cr.WorkerTargets == 0:
			r.fail(cl.Name, errors.New("worker: true, but the page had no dedicated worker: the runtime ran on the page"))
		case !*cl.Worker && cr.WorkerTargets > 0:
			r.fail(cl.Name, fmt.Errorf("worker: false, but the page had %d dedicated worker(s)", cr.WorkerTargets))
		}
	}
}
