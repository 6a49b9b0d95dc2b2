package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

func (r *runner) signIn(ctx context.Context) (*session, error) {
	return signIn(ctx, r.emURL, emulator.DemoPoolID, emulator.DemoClientID, emulator.DemoUsername, emulator.DemoPassword)
}

// armSession makes the next client page that the origin renders store s
// in localStorage from its first inline script, before any library loads.
// The measured page is then the profile's first navigation: nothing it
// loads is warm, and no other page had to write the storage first.
func (r *runner) armSession(s *session) {
	kv := s.storage()
	r.pageSession.Store(&kv)
}

// signedInBrowser signs alice in, starts a fresh Chromium (a new profile:
// nothing cached) and arms the session for its first client page.
func (r *runner) signedInBrowser(ctx context.Context) (*chromium, error) {
	s, err := r.signIn(ctx)
	if err != nil {
		return nil, err
	}
	c, err := startChromium(ctx, r.cfg.Chromium, r.browserFlags())
	if err != nil {
		return nil, err
	}
	r.armSession(s)
	return c, nil
}

// visitResult is one page load of a client.
type visitResult struct {
	Configured float64 // ms from navigation start to configure resolved
	First      float64 // ... to the first listWebAuthnCredentials resolved
	FirstJSON  string
	LongTasks  [][2]float64 // PerformanceObserver('longtask'): start, duration
	Served     []served
	Net        []netRequest
	Trace      []json.RawMessage
	Resources  []resource
	CodeCache  *codeCache // after the visit settled (visitOpts.settle)
	tab        *tab
}

type finished struct {
	Marks struct {
		Configured float64 `json:"configured"`
		First      float64 `json:"first"`
	} `json:"marks"`
	First     string     `json:"first"`
	Resources []resource `json:"resources"`
	Error     *struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"error"`
}

// resource is a Resource Timing entry of a bench page's script or wasm.
type resource struct {
	URL             string  `json:"url"`
	Start           float64 `json:"start"`
	ResponseEnd     float64 `json:"responseEnd"`
	TransferSize    int64   `json:"transferSize"` // 0 when served from the HTTP cache
	EncodedBodySize int64   `json:"encodedBodySize"`
}

// visitOpts say what a visit collects besides the page's own timing.
type visitOpts struct {
	keep    bool // leave the tab open (the caller closes it)
	network bool // collect the tab's requests (see newTab)
	trace   bool // record a trace of the load (visitResult.Trace)
	settle  bool // keep the page open until the code cache settles (settleCodeCache)
}

// visit opens the client's page in a new tab and waits for its first
// result.
func (r *runner) visit(ctx context.Context, c *chromium, cl client, o visitOpts) (*visitResult, error) {
	keep := o.keep
	t, err := c.newTab(o.network)
	if err != nil {
		return nil, err
	}
	var tr *tracer
	if o.trace {
		if tr, err = t.startTrace(); err != nil {
			t.close()
			return nil, err
		}
	}
	ok := false
	defer func() {
		if !ok || !keep {
			t.close()
		}
	}()
	r.org.takeLog()
	vctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := t.navigate(r.pageURL(cl)); err != nil {
		return nil, fmt.Errorf("%s: navigate: %w", cl.Name, err)
	}
	var f finished
	if err := t.eval(vctx, "bench.finished", &f); err != nil {
		return nil, fmt.Errorf("%s: %w", cl.Name, err)
	}
	if f.Error != nil {
		return nil, fmt.Errorf("%s: first call failed: %s: %s", cl.Name, f.Error.Name, f.Error.Message)
	}
	v := &visitResult{Configured: f.Marks.Configured, First: f.Marks.First, FirstJSON: f.First, Resources: f.Resources, tab: t}
	if err := t.eval(vctx, "window.__longTasks", &v.LongTasks); err != nil {
		return nil, err
	}
	v.Served = r.org.takeLog()
	v.Net = t.network()
	if tr != nil {
		// Before the tab closes: a closing renderer cannot flush its trace.
		if v.Trace, err = tr.stop(vctx); err != nil {
			return nil, err
		}
	}
	if o.settle {
		cc, err := c.settleCodeCache(vctx, r.cfg.SettleQuiet, r.cfg.SettleMax)
		if err != nil {
			return nil, fmt.Errorf("%s: code cache: %w", cl.Name, err)
		}
		v.CodeCache = &cc
	}
	ok = true
	return v, nil
}
