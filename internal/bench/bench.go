package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
	"github.com/cognito-wasm/cognito-wasm/internal/refclients"
)

// Config is what one benchmark run does.
type Config struct {
	Calls      int       `json:"calls"`      // per-call latency samples per operation
	MemCalls   int       `json:"memCalls"`   // calls before the memory reading
	Runs       int       `json:"runs"`       // cold runs (fresh profile each) per client
	WarmVisits int       `json:"warmVisits"` // warm visits after each cold one
	TraceRuns  int       `json:"traceRuns"`  // extra traced cold runs per client (longest task)
	Warmup     int       `json:"warmup"`     // untimed calls before the per-call samples
	Clients    []string  `json:"clients"`
	Chromium   string    `json:"chromium"`
	DistDir    string    `json:"-"`
	TraceDir   string    `json:"-"` // if set, the traced runs' raw traces go here
	Log        io.Writer `json:"-"`
}

func (c *Config) defaults() {
	if c.Calls <= 0 {
		c.Calls = 200
	}
	if c.MemCalls <= 0 {
		c.MemCalls = 10000
	}
	if c.Runs <= 0 {
		c.Runs = 5
	}
	if c.WarmVisits <= 0 {
		c.WarmVisits = 3
	}
	if c.TraceRuns <= 0 {
		c.TraceRuns = 3
	}
	if c.Warmup <= 0 {
		c.Warmup = 10
	}
	if c.Chromium == "" {
		c.Chromium = "/usr/bin/chromium"
	}
	if len(c.Clients) == 0 {
		for _, cl := range clients {
			c.Clients = append(c.Clients, cl.Name)
		}
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
}

// distFiles are what the bench pages load from js/dist.
var distFiles = []string{"cognito-wasm.js", "cognito-wasm.wasm"}

// findDist returns js/dist under the module root above the working
// directory, so the bench runs from the repo root (make bench) and from its
// own directory (go test).
func findDist() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "js", "dist"), nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no go.mod above %s", wd)
		}
	}
}

func checkDist(dir string) error {
	var missing []string
	for _, f := range distFiles {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s lacks %s: run `make build` first", dir, strings.Join(missing, ", "))
	}
	return nil
}

// runner holds what every phase shares.
type runner struct {
	cfg     Config
	em      *emulator.Emulator
	emCount *requestCounter
	// pageSession is the session the next client page stores (armSession).
	pageSession *atomic.Pointer[map[string]string]
	seed        *emulator.Seed
	org         *origin
	originURL   string
	emURL       string
	rep         *Report
	results     map[string]*ClientResult
	seedIDs     []string // alice's credential ids, for the delete rounds
}

func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.cfg.Log, format+"\n", args...)
}

// Run runs the benchmark and the fidelity check. An error means the
// benchmark could not run at all; failures of one client are in its
// Errors, a fidelity failure in Report.Fidelity.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	start := time.Now()
	cfg.defaults()
	for _, name := range cfg.Clients {
		if _, ok := clientByName(name); !ok {
			return nil, fmt.Errorf("unknown client %q", name)
		}
	}
	if !slices.Contains(cfg.Clients, "amplify") {
		return nil, errors.New("the amplify client is the baseline of every ratio: keep it in -clients")
	}
	if cfg.DistDir == "" {
		d, err := findDist()
		if err != nil {
			return nil, err
		}
		cfg.DistDir = d
	}
	needDist := slices.ContainsFunc(cfg.Clients, func(n string) bool { return strings.HasPrefix(n, "wasm") })
	if needDist {
		if err := checkDist(cfg.DistDir); err != nil {
			return nil, err
		}
	}
	if _, err := os.Stat(cfg.Chromium); err != nil {
		return nil, fmt.Errorf("chromium: %w (run `make deps`)", err)
	}

	refDir, err := os.MkdirTemp("", "cw-bench-ref-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(refDir)
	ref, err := refclients.Build(ctx, refclients.Options{OutDir: refDir})
	if err != nil {
		return nil, err
	}

	seed := emulator.DemoSeed()
	em, err := emulator.New(seed)
	if err != nil {
		return nil, err
	}
	defer em.Close()
	emCount := &requestCounter{h: em}
	emURL, stopEm, err := serve(emCount)
	if err != nil {
		return nil, err
	}
	defer stopEm()

	pageSession := &atomic.Pointer[map[string]string]{}
	ps := pageSet{userPoolID: emulator.DemoPoolID, clientID: emulator.DemoClientID, endpoint: emURL, session: pageSession}
	org := newOrigin(ps.render)
	if needDist {
		if err := org.addDir(cfg.DistDir, "/dist/"); err != nil {
			return nil, fmt.Errorf("serve %s: %w", cfg.DistDir, err)
		}
	}
	if err := org.addFS(ref.FS(), "/ref/"); err != nil {
		return nil, fmt.Errorf("serve reference clients: %w", err)
	}
	originURL, stopOrigin, err := serve(org)
	if err != nil {
		return nil, err
	}
	defer stopOrigin()

	r := &runner{
		cfg: cfg, em: em, emCount: emCount, seed: seed, pageSession: pageSession, org: org, originURL: originURL, emURL: emURL,
		results: map[string]*ClientResult{},
		rep: &Report{
			Date: start.UTC().Format(time.RFC3339),
			Host: HostInfo{GOOS: goruntime.GOOS, GOARCH: goruntime.GOARCH, CPUs: goruntime.NumCPU(),
				GoVersion: goruntime.Version(), LoadAvgStart: loadAvg()},
			Config:   cfg,
			Versions: map[string]string{},
			Methods:  methods,
			Baseline: "amplify",
		},
	}
	for k, v := range ref.Versions {
		r.rep.Versions[k] = v
	}
	if needDist {
		if v := packageVersion(filepath.Join(cfg.DistDir, "..", "package.json")); v != "" {
			r.rep.Versions["cognito-wasm"] = v
		}
		// Which build was measured: the wasm changes between runs of the same version.
		if a := org.asset("/dist/cognito-wasm.wasm"); a != nil {
			sum := sha256.Sum256(a.raw)
			r.rep.Versions["cognito-wasm.wasm sha256"] = hex.EncodeToString(sum[:])[:16]
		}
	}
	for _, c := range r.selected() {
		cr := &ClientResult{
			Name: c.Name, Label: c.Label,
			PerCall: map[string]stat{}, PerCallRequests: map[string]requestCount{},
			Assets: []AssetSize{}, LongTasksLoad: []float64{}, ColdResources: []resource{}, WarmResources: []resource{},
		}
		r.results[c.Name] = cr
		r.rep.Clients = append(r.rep.Clients, cr)
	}
	for _, u := range seed.UserPools[0].Users {
		if u.Username == emulator.DemoUsername {
			for _, c := range u.WebAuthnCredentials {
				r.seedIDs = append(r.seedIDs, c.CredentialID)
			}
		}
	}

	phases := []struct {
		name string
		run  func(context.Context) error
	}{
		{"fidelity", r.fidelity},
		{"cold and warm loads", r.loads},
		{"traced loads", r.traces},
		{"per-call latency", r.perCall},
		{"memory", r.memory},
	}
	for _, p := range phases {
		t := time.Now()
		r.logf("bench: %s ...", p.name)
		if err := p.run(ctx); err != nil {
			return r.rep, fmt.Errorf("%s: %w", p.name, err)
		}
		r.logf("bench: %s done in %.1fs", p.name, time.Since(t).Seconds())
	}
	r.checkModes()
	r.rep.Targets = targets(r.rep)
	r.rep.ElapsedMs = float64(time.Since(start).Microseconds()) / 1000
	r.rep.Host.LoadAvgEnd = loadAvg()
	return r.rep, nil
}

func (r *runner) selected() []client {
	var out []client
	for _, c := range clients {
		if slices.Contains(r.cfg.Clients, c.Name) {
			out = append(out, c)
		}
	}
	return out
}

func (r *runner) pageURL(c client) string { return r.originURL + "/bench/" + c.Name + ".html" }

// requestCounter counts the requests a handler gets, by method (CORS
// preflights are OPTIONS).
type requestCounter struct {
	h           http.Handler
	posts, opts atomic.Int64
}

func (c *requestCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodOptions:
		c.opts.Add(1)
	case http.MethodPost:
		c.posts.Add(1)
	}
	c.h.ServeHTTP(w, r)
}

func (c *requestCounter) take() (posts, preflights int64) {
	return c.posts.Swap(0), c.opts.Swap(0)
}

// serve starts h on a loopback port and returns its base URL (no trailing
// slash) and a func that stops it.
func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

// loadAvg returns the 1, 5 and 15 minute load averages ("" off Linux).
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func packageVersion(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	var p struct {
		Version string `json:"version"`
	}
	if json.Unmarshal(b, &p) != nil {
		return ""
	}
	return p.Version
}

// browserInfo records which browser runs the benchmark.
func (r *runner) browserInfo(ctx context.Context, c *chromium) error {
	v, err := c.version(ctx)
	if err != nil {
		return fmt.Errorf("browser version: %w", err)
	}
	r.rep.Browser = BrowserInfo{Product: v.Product, UserAgent: v.UserAgent, V8: v.JsVersion, Flags: chromiumFlags}
	return nil
}

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
	c, err := startChromium(ctx, r.cfg.Chromium)
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
	ok = true
	return v, nil
}

func (r *runner) fail(name string, err error) {
	r.logf("bench: %s: %v", name, err)
	if cr := r.results[name]; cr != nil {
		cr.Errors = append(cr.Errors, err.Error())
	}
}

// loads measures cold and warm visits: each run starts a browser with a
// fresh profile, stores the session, loads the page once (cold) and then
// again in new tabs (warm: HTTP cache and code cache). Clients take turns
// within a run, starting one further each run, so drift spreads evenly.
func (r *runner) loads(ctx context.Context) error {
	sel := r.selected()
	cold := map[string][]float64{}
	coldReady := map[string][]float64{}
	warm := map[string][]float64{}
	warmReady := map[string][]float64{}
	warm2 := map[string][]float64{}
	for run := 0; run < r.cfg.Runs; run++ {
		for i := range sel {
			cl := sel[(run+i)%len(sel)]
			cr := r.results[cl.Name]
			if err := r.loadRun(ctx, cl, cr, run, func(v *visitResult, visit int) {
				if visit == 0 {
					cold[cl.Name] = append(cold[cl.Name], v.First)
					coldReady[cl.Name] = append(coldReady[cl.Name], v.Configured)
					return
				}
				warm[cl.Name] = append(warm[cl.Name], v.First)
				warmReady[cl.Name] = append(warmReady[cl.Name], v.Configured)
				if visit == 1 {
					warm2[cl.Name] = append(warm2[cl.Name], v.First)
				}
			}); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				r.fail(cl.Name, err)
			}
		}
	}
	for name, cr := range r.results {
		cr.Cold, cr.ColdReady = summarize(cold[name]), summarize(coldReady[name])
		cr.Warm, cr.WarmReady, cr.Warm2nd = summarize(warm[name]), summarize(warmReady[name]), summarize(warm2[name])
	}
	return nil
}

func (r *runner) loadRun(ctx context.Context, cl client, cr *ClientResult, run int, record func(*visitResult, int)) error {
	c, err := r.signedInBrowser(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	for visit := 0; visit <= r.cfg.WarmVisits; visit++ {
		v, err := r.visit(ctx, c, cl, visitOpts{})
		if err != nil {
			return fmt.Errorf("run %d visit %d: %w", run, visit, err)
		}
		record(v, visit)
		if run == 0 && visit <= 1 {
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
		if visit == 0 {
			for _, lt := range v.LongTasks {
				if lt[0] <= v.First {
					cr.LongTasksLoad = append(cr.LongTasksLoad, lt[1])
				}
			}
			cr.LongTasksRuns++
		}
		if run != 0 {
			continue
		}
		// Sizes and bytes from the first run's visits.
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
	return nil
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

// perCall times each operation n times in a row, after a warm-up, in one
// browser. Deletes run in rounds: the emulator is reset to the seed (tokens
// stay valid), then the page deletes alice's passkeys one by one.
func (r *runner) perCall(ctx context.Context) error {
	c, err := r.signedInBrowser(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	defer r.em.Reset()
	for _, cl := range r.selected() {
		if err := r.perCallClient(ctx, c, cl); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			r.fail(cl.Name, fmt.Errorf("per-call: %w", err))
		}
	}
	return nil
}

func (r *runner) perCallClient(ctx context.Context, c *chromium, cl client) error {
	cr := r.results[cl.Name]
	v, err := r.visit(ctx, c, cl, visitOpts{keep: true})
	if err != nil {
		return err
	}
	t := v.tab
	defer t.close()
	pctx, cancel := context.WithTimeout(ctx, time.Duration(r.cfg.Calls)*3*time.Second+time.Minute)
	defer cancel()
	for _, op := range []string{"listCredentials", "listDevices"} {
		if err := t.eval(pctx, fmt.Sprintf("bench.time(%q, %d)", op, r.cfg.Warmup), nil); err != nil {
			return err
		}
		r.emCount.take()
		var d []float64
		if err := t.eval(pctx, fmt.Sprintf("bench.time(%q, %d)", op, r.cfg.Calls), &d); err != nil {
			return err
		}
		cr.PerCall[op] = summarize(d)
		posts, pre := r.emCount.take()
		cr.PerCallRequests[op] = requestCount{Posts: posts, Preflights: pre}
	}
	idsJSON, _ := json.Marshal(r.seedIDs)
	var deletes []float64
	for round := 0; len(deletes) < r.cfg.Calls; round++ {
		r.em.Reset()
		var d []float64
		if err := t.eval(pctx, "bench.timeDeletes("+string(idsJSON)+")", &d); err != nil {
			return fmt.Errorf("delete round %d: %w", round, err)
		}
		if round == 0 {
			continue // warm-up round
		}
		deletes = append(deletes, d...)
	}
	cr.PerCall["deleteCredential"] = summarize(deletes[:r.cfg.Calls])
	r.em.Reset()
	return nil
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
	cr.ColdCDPBytes = 0
	for _, n := range v.Net {
		if strings.HasPrefix(n.URL, r.originURL+"/") && !strings.HasPrefix(n.URL, r.originURL+"/bench/") {
			cr.ColdCDPBytes += n.EncodedBytes
		}
	}
	if _, err := chromedp.Call(t.ctx, network.Disable, cdp.Empty{}); err != nil {
		return err
	}
	m := &MemoryResult{Calls: r.cfg.MemCalls, WorkersBefore: []heap{}, WorkersAfter: []heap{}}
	read := func(page *heap, workers *[]heap) (int, error) {
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
	n, err := read(&m.Before, &m.WorkersBefore)
	if err != nil {
		return err
	}
	cr.WorkerTargets = n
	mctx, cancel := context.WithTimeout(ctx, time.Duration(r.cfg.MemCalls)*100*time.Millisecond+time.Minute)
	defer cancel()
	if err := t.eval(mctx, fmt.Sprintf("bench.repeat(['listCredentials', 'listDevices'], %d)", r.cfg.MemCalls), &m.DurationMs); err != nil {
		return err
	}
	if _, err := read(&m.After, &m.WorkersAfter); err != nil {
		return err
	}
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
	cr.Memory = m
	return nil
}
