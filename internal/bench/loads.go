package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// loadSamples collects the load times of every client over the runs.
type loadSamples struct {
	cold, coldReady, warm, warmReady, warm2 map[string][]float64
	// Code cache bytes after the cold and the first warm visit settled.
	wasmCacheCold, wasmCache2nd, jsCacheCold map[string][]float64
}

func newLoadSamples() *loadSamples {
	return &loadSamples{
		cold: map[string][]float64{}, coldReady: map[string][]float64{},
		warm: map[string][]float64{}, warmReady: map[string][]float64{}, warm2: map[string][]float64{},
		wasmCacheCold: map[string][]float64{}, wasmCache2nd: map[string][]float64{}, jsCacheCold: map[string][]float64{},
	}
}

// add records visit number visit (0: cold) of client name.
func (s *loadSamples) add(name string, v *visitResult, visit int) {
	if cc := v.CodeCache; cc != nil {
		switch visit {
		case 0:
			s.wasmCacheCold[name] = append(s.wasmCacheCold[name], float64(cc.WasmBytes))
			s.jsCacheCold[name] = append(s.jsCacheCold[name], float64(cc.JSBytes))
		case 1:
			s.wasmCache2nd[name] = append(s.wasmCache2nd[name], float64(cc.WasmBytes))
		}
	}
	if visit == 0 {
		s.cold[name] = append(s.cold[name], v.First)
		s.coldReady[name] = append(s.coldReady[name], v.Configured)
		return
	}
	s.warm[name] = append(s.warm[name], v.First)
	s.warmReady[name] = append(s.warmReady[name], v.Configured)
	if visit == 1 {
		s.warm2[name] = append(s.warm2[name], v.First)
	}
}

func (s *loadSamples) summarizeInto(results map[string]*ClientResult) {
	for name, cr := range results {
		cr.Cold, cr.ColdReady = summarize(s.cold[name]), summarize(s.coldReady[name])
		cr.Warm, cr.WarmReady, cr.Warm2nd = summarize(s.warm[name]), summarize(s.warmReady[name]), summarize(s.warm2[name])
		cr.WasmCodeCacheCold, cr.WasmCodeCache2nd = summarize(s.wasmCacheCold[name]), summarize(s.wasmCache2nd[name])
		cr.JSCodeCacheCold = summarize(s.jsCacheCold[name])
	}
}

// loads measures cold and warm visits: each run starts a browser with a
// fresh profile, stores the session, loads the page once (cold) and then
// again in new tabs (warm: HTTP cache and code cache). Clients take turns
// within a run, starting one further each run, so drift spreads evenly.
func (r *runner) loads(ctx context.Context) error {
	sel := r.selected()
	samples := newLoadSamples()
	for run := 0; run < r.cfg.Runs; run++ {
		for i := range sel {
			cl := sel[(run+i)%len(sel)]
			if err := r.loadRun(ctx, cl, run, samples); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				r.fail(cl.Name, err)
			}
		}
	}
	samples.summarizeInto(r.results)
	return nil
}

// loadRun is one run of one client: a fresh browser, the cold visit and
// the warm ones, each a new navigation in a new tab of the same profile.
// The cold and the first warm visit stay open until the code cache settles
// (settleCodeCache), so the next visit finds what the browser caches after
// a visit; the later warm visits close at their first result.
func (r *runner) loadRun(ctx context.Context, cl client, run int, samples *loadSamples) error {
	cr := r.results[cl.Name]
	c, err := r.signedInBrowser(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	for visit := 0; visit <= r.cfg.WarmVisits; visit++ {
		v, err := r.visit(ctx, c, cl, visitOpts{settle: visit <= 1})
		if err != nil {
			return fmt.Errorf("run %d visit %d: %w", run, visit, err)
		}
		samples.add(cl.Name, v, visit)
		if visit == 0 {
			recordLongTasks(cr, v)
		}
		if run == 0 && visit <= 1 {
			r.recordResources(cr, v, visit)
			r.recordTransfer(cr, v, visit)
		}
	}
	return nil
}

// recordLongTasks keeps a cold visit's long tasks up to its first result.
func recordLongTasks(cr *ClientResult, v *visitResult) {
	for _, lt := range v.LongTasks {
		if lt[0] <= v.First {
			cr.LongTasksLoad = append(cr.LongTasksLoad, lt[1])
		}
	}
	cr.LongTasksRuns++
}

// recordResources keeps the Resource Timing entries of the first run's
// cold (visit 0) and first warm visit.
func (r *runner) recordResources(cr *ClientResult, v *visitResult, visit int) {
	res := nonNilResources(v.Resources)
	for i := range res {
		res[i].URL = strings.TrimPrefix(res[i].URL, r.originURL)
	}
	if visit == 0 {
		cr.ColdResources = res
	} else {
		cr.WarmResources = res
	}
}

// recordTransfer takes sizes and bytes from the first run's cold (visit 0)
// and first warm visit.
func (r *runner) recordTransfer(cr *ClientResult, v *visitResult, visit int) {
	var wire int64
	var assets []AssetSize
	var total sizes
	for _, s := range v.Served {
		if strings.HasPrefix(s.Path, "/bench/") {
			continue // the page itself, the same for every client
		}
		wire += s.Bytes
		if s.Status != http.StatusOK {
			continue
		}
		if a := r.org.asset(s.Path); a != nil && !slices.ContainsFunc(assets, func(x AssetSize) bool { return x.Path == s.Path }) {
			assets = append(assets, AssetSize{Path: s.Path, sizes: a.sizes()})
			total.add(a.sizes())
		}
	}
	switch visit {
	case 0:
		cr.Assets, cr.Transfer, cr.ColdWireBytes = nonNilAssets(assets), total, wire
	case 1:
		cr.WarmWireBytes = wire
	}
}

func nonNilResources(r []resource) []resource {
	if r == nil {
		return []resource{}
	}
	return r
}

func nonNilAssets(a []AssetSize) []AssetSize {
	if a == nil {
		return []AssetSize{}
	}
	return a
}
