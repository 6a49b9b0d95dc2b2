package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// traceEvent is the part of a Chrome trace event the benchmark reads.
type traceEvent struct {
	Name string  `json:"name"`
	Cat  string  `json:"cat"`
	Ph   string  `json:"ph"`
	Ts   float64 `json:"ts"`  // µs
	Dur  float64 `json:"dur"` // µs, complete ("X") events
	Pid  int64   `json:"pid"`
	Tid  int64   `json:"tid"`
	Args struct {
		Name string `json:"name"` // thread_name metadata
		Data struct {
			DocumentLoaderURL string `json:"documentLoaderURL"`
			NavigationID      string `json:"navigationId"`
		} `json:"data"`
	} `json:"args"`
}

// isTopLevel reports whether e is work the main thread's run loop does at
// the top: tasks ("ThreadControllerImpl::RunTask", "RunTask" in older
// Chromium), microtask checkpoints ("BlinkScheduler_PerformMicrotaskCheckpoint",
// which can run outside any task, e.g. when a promise settles from a
// background compile, and then hold Go's start-up), IPC handling.
func (e *traceEvent) isTopLevel() bool {
	for _, c := range strings.Split(e.Cat, ",") {
		if c == "toplevel" {
			return true
		}
	}
	return false
}

// longestTask finds, in a trace of one page load, the longest stretch the
// renderer main thread (CrRendererMain) was busy without a break between
// the page's navigationStart and its "bench-first" user-timing mark, i.e.
// during load and the first call: top-level events merged where they
// overlap (a task and the microtasks it runs are one stretch). This is what
// blocks input, as a long task does, but also catches work below the Long
// Tasks API's 50 ms and microtask checkpoints outside a task. Times in ms.
// It also returns the window's length, as a check against the page's own
// timing.
func longestTask(raw []json.RawMessage, pageURL string) (longest, window float64, err error) {
	events := make([]traceEvent, 0, len(raw))
	for _, r := range raw {
		var e traceEvent
		if json.Unmarshal(r, &e) == nil {
			events = append(events, e)
		}
	}
	type thread struct{ pid, tid int64 }
	mainThreads := map[thread]bool{}
	for _, e := range events {
		if e.Ph == "M" && e.Name == "thread_name" && e.Args.Name == "CrRendererMain" {
			mainThreads[thread{e.Pid, e.Tid}] = true
		}
	}
	// The mark is in the page's renderer; its navigationStart is the last
	// one for the page's URL before the mark in that process.
	var mark *traceEvent
	for i := range events {
		e := &events[i]
		if e.Name == "bench-first" && e.Cat == "blink.user_timing" {
			mark = e
		}
	}
	if mark == nil {
		return 0, 0, errors.New("trace has no bench-first mark")
	}
	// The mark carries its navigation's id; older traces lack it, then
	// the page's URL picks the navigation.
	var nav *traceEvent
	for i := range events {
		e := &events[i]
		if e.Name != "navigationStart" || e.Pid != mark.Pid || e.Ts > mark.Ts {
			continue
		}
		if id := mark.Args.Data.NavigationID; id != "" && e.Args.Data.NavigationID != id {
			continue
		}
		if mark.Args.Data.NavigationID == "" && e.Args.Data.DocumentLoaderURL != pageURL {
			continue
		}
		if nav == nil || e.Ts > nav.Ts {
			nav = e
		}
	}
	if nav == nil {
		return 0, 0, fmt.Errorf("trace has no navigationStart for %s", pageURL)
	}
	type span struct{ start, end float64 }
	var spans []span
	open := map[thread][]float64{} // begin times of "B" events, per thread
	for _, e := range events {
		th := thread{e.Pid, e.Tid}
		if !e.isTopLevel() || e.Pid != mark.Pid || !mainThreads[th] {
			continue
		}
		switch e.Ph {
		case "X":
			spans = append(spans, span{e.Ts, e.Ts + e.Dur})
		case "B":
			open[th] = append(open[th], e.Ts)
		case "E":
			if n := len(open[th]); n > 0 {
				spans = append(spans, span{open[th][n-1], e.Ts})
				open[th] = open[th][:n-1]
			}
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	found := false
	consider := func(s span) {
		if s.end < nav.Ts || s.start > mark.Ts {
			return
		}
		found = true
		longest = max(longest, (s.end-s.start)/1000)
	}
	var cur *span
	for i := range spans {
		if cur != nil && spans[i].start <= cur.end {
			cur.end = max(cur.end, spans[i].end)
			continue
		}
		if cur != nil {
			consider(*cur)
		}
		cur = &spans[i]
	}
	if cur != nil {
		consider(*cur)
	}
	if !found {
		return 0, 0, errors.New("trace has no main-thread tasks in the load window")
	}
	return longest, (mark.Ts - nav.Ts) / 1000, nil
}
