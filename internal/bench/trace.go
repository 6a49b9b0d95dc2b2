package main

import (
	"encoding/json"
	"errors"
	"fmt"
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

// isTask reports whether e is a top-level task of a thread's run loop:
// "ThreadControllerImpl::RunTask" in current Chromium, "RunTask" in older.
func (e *traceEvent) isTask() bool {
	return e.Cat == "toplevel" && (e.Name == "ThreadControllerImpl::RunTask" || e.Name == "RunTask")
}

// longestTask finds, in a trace of one page load, the longest top-level task
// (ThreadControllerImpl::RunTask) on the renderer main thread (CrRendererMain) that started
// between the page's navigationStart and its "bench-first" user-timing mark,
// i.e. during load and the first call. Times in ms. It also returns the
// window's length, as a sanity check against the page's own timing.
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
	found := false
	consider := func(ts, dur float64) {
		if ts+dur < nav.Ts || ts > mark.Ts {
			return
		}
		found = true
		longest = max(longest, dur/1000)
	}
	open := map[thread][]float64{} // begin times of "B" tasks, per thread
	for _, e := range events {
		th := thread{e.Pid, e.Tid}
		if !e.isTask() || e.Pid != mark.Pid || !mainThreads[th] {
			continue
		}
		switch e.Ph {
		case "X":
			consider(e.Ts, e.Dur)
		case "B":
			open[th] = append(open[th], e.Ts)
		case "E":
			if n := len(open[th]); n > 0 {
				consider(open[th][n-1], e.Ts-open[th][n-1])
				open[th] = open[th][:n-1]
			}
		}
	}
	if !found {
		return 0, 0, errors.New("trace has no main-thread tasks in the load window")
	}
	return longest, (mark.Ts - nav.Ts) / 1000, nil
}
