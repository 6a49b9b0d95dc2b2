package main

import (
	"context"
	"fmt"
	"time"
)

// roundTrip repeats the cold and warm loads and the per-call timing with
// every emulator answer held back by cfg.Latency (delayed), CORS preflights
// included, the way a network between the page and Cognito would: it shows
// what a client's requests per call cost once each one is a round trip.
// Fewer runs and calls than the main pass (cfg.LatencyRuns, LatencyCalls):
// the delay dominates these figures and their spread.
func (r *runner) roundTrip(ctx context.Context) error {
	if r.cfg.Latency <= 0 {
		return nil
	}
	saved, savedCfg := r.results, r.cfg
	defer func() { r.results, r.cfg = saved, savedCfg }()
	r.cfg.Runs, r.cfg.Calls = min(r.cfg.Runs, r.cfg.LatencyRuns), r.cfg.LatencyCalls
	r.rep.RoundTrip = &RoundTripResult{
		DelayMs: float64(r.cfg.Latency) / float64(time.Millisecond), Runs: r.cfg.Runs, Calls: r.cfg.Calls,
		Clients: r.newResults(),
	}
	total, held := r.emCount.total.Load(), r.emDelay.held.Load()
	r.emDelay.set(r.cfg.Latency)
	defer func() {
		r.emDelay.set(0)
		r.rep.RoundTrip.Requests = r.emCount.total.Load() - total
		r.rep.RoundTrip.Held = r.emDelay.held.Load() - held
	}()
	if err := r.loads(ctx); err != nil {
		return fmt.Errorf("loads: %w", err)
	}
	return r.perCall(ctx)
}
