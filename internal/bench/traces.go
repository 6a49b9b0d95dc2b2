package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
)

// traces loads each page cold with Chromium's tracing on and takes the
// longest main-thread task from navigation start to the first result.
// These loads are separate from the timed ones so that tracing costs them
// nothing.
func (r *runner) traces(ctx context.Context) error {
	longest := map[string][]float64{}
	window := map[string][]float64{}
	for run := 0; run < r.cfg.TraceRuns; run++ {
		for _, cl := range r.selected() {
			l, w, err := r.traceRun(ctx, cl)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				r.fail(cl.Name, fmt.Errorf("traced run %d: %w", run, err))
				continue
			}
			longest[cl.Name] = append(longest[cl.Name], l)
			window[cl.Name] = append(window[cl.Name], w)
		}
	}
	for name, cr := range r.results {
		cr.LongestTask, cr.TraceWindow = summarize(longest[name]), summarize(window[name])
	}
	return nil
}

func (r *runner) traceRun(ctx context.Context, cl client) (longest, window float64, err error) {
	c, err := r.signedInBrowser(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer c.close()
	v, err := r.visit(ctx, c, cl, visitOpts{trace: true})
	if err != nil {
		return 0, 0, err
	}
	if r.cfg.TraceDir != "" {
		if err := saveTrace(r.cfg.TraceDir, cl.Name, v.Trace); err != nil {
			return 0, 0, err
		}
	}
	return longestTask(v.Trace, r.pageURL(cl))
}

// saveTrace writes a trace in the format DevTools' performance panel loads.
func saveTrace(dir, name string, events []json.RawMessage) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.Marshal(map[string]any{"traceEvents": events})
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, name+"-*.json")
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
