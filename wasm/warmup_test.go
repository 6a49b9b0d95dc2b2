//go:build js && wasm

package main

import (
	"testing"
	"time"
)

func testPlan(iterations int, budget time.Duration) warmUpConfig {
	return warmUpConfig{iterations: iterations, slice: time.Millisecond, pause: time.Millisecond, budget: budget}
}

func TestWarmUpRunsEveryCallWithoutFailing(t *testing.T) {
	w := &warmUp{plan: testPlan(20, time.Minute)}
	done, failed := w.run()
	if done != 20 || failed != 0 {
		t.Fatalf("warm-up did %d rounds with %d failed calls, want 20 rounds and none failed", done, failed)
	}
}

func TestWarmUpStopsAtItsBudget(t *testing.T) {
	w := &warmUp{plan: testPlan(1<<30, 5*time.Millisecond)}
	if done, _ := w.run(); done >= 1<<30 {
		t.Fatalf("warm-up did all %d rounds, want it stopped by its budget", done)
	}
}

// The warm-up waits while a call of the page runs, and starts once it has
// ended and plan.quiet has passed since the page's last call started. The
// clock is the test's: each wait of idle moves it on.
func TestWarmUpWaitsForThePagesCalls(t *testing.T) {
	for _, c := range []struct {
		name  string
		waits int // waits of idle during which the page's call runs
	}{
		{"a call longer than the quiet period", 5},
		{"a call that has ended", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := time.Unix(1_000_000, 0)
			w := &warmUp{plan: testPlan(1, time.Minute)}
			w.plan.quiet = 20 * time.Millisecond
			w.now = func() time.Time { return clock }
			waits := 0
			var ended time.Time
			w.sleep = func(d time.Duration) {
				clock = clock.Add(d)
				if waits++; waits == c.waits {
					w.callEnded()
					ended = clock
				}
			}
			start := clock
			w.callStarted()
			if c.waits == 0 {
				w.callEnded()
				ended = clock
			}
			w.idle()
			if ended.IsZero() {
				t.Fatalf("the warm-up went ahead after %d waits, while a call of the page was running", waits)
			}
			if quiet := clock.Sub(start); quiet < w.plan.quiet {
				t.Fatalf("the warm-up went ahead %v after the page's call started, want at least %v", quiet, w.plan.quiet)
			}
		})
	}
}

func TestWarmUpOnlyInChromium(t *testing.T) {
	g := jsGlobal
	saved := g.Get("navigator")
	defer g.Set("navigator", saved)
	for _, c := range []struct {
		navigator string
		want      bool
	}{
		{`undefined`, false}, // Node
		{`{ userAgent: "Mozilla/5.0 Firefox/140.0" }`, false},
		{`{ userAgentData: { brands: [{ brand: "Not)A;Brand", version: "8" }, { brand: "Chromium", version: "156" }] } }`, true},
		{`{ userAgentData: { brands: [{ brand: "Safari", version: "26" }] } }`, false},
	} {
		g.Set("navigator", eval(c.navigator))
		if got := isChromium(); got != c.want {
			t.Errorf("navigator = %s: isChromium() = %v, want %v", c.navigator, got, c.want)
		}
	}
}
