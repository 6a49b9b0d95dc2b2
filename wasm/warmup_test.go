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
// ended and the page has been quiet for plan.quiet.
func TestWarmUpWaitsForThePagesCalls(t *testing.T) {
	w := &warmUp{plan: testPlan(1, time.Minute)}
	w.plan.quiet = 20 * time.Millisecond
	w.callStarted()
	started := make(chan struct{})
	go func() {
		w.idle()
		close(started)
	}()
	for i := 0; i < 5; i++ {
		time.Sleep(2 * w.plan.quiet) // a call longer than the quiet period
		select {
		case <-started:
			t.Fatal("the warm-up went ahead while a call of the page was running")
		default:
		}
	}
	w.callEnded()
	<-started
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
