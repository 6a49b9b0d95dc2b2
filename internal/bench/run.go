package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/browsertest/engine"
	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
	"github.com/cognito-wasm/cognito-wasm/internal/refclients"
)

// runner holds what every phase shares.
type runner struct {
	cfg     Config
	em      *emulator.Emulator
	emCount *requestCounter
	emDelay *delayed // the round trip of the latency pass
	// pageSession is the session the next client page stores (armSession).
	pageSession *atomic.Pointer[map[string]string]
	seed        *emulator.Seed
	org         *origin
	originURL   string
	emURL       string
	rep         *Report
	results     map[string]*ClientResult
	seedIDs     []string // alice's credential ids, for the delete rounds
	cleanup     []func() // run in reverse order by close
}

func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.cfg.Log, format+"\n", args...)
}

// onClose adds f to what close undoes.
func (r *runner) onClose(f func()) { r.cleanup = append(r.cleanup, f) }

func (r *runner) close() {
	for i := len(r.cleanup) - 1; i >= 0; i-- {
		r.cleanup[i]()
	}
}

// Run runs the benchmark and the fidelity check. An error means the
// benchmark could not run at all; failures of one client are in its
// Errors, a fidelity failure in Report.Fidelity.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	start := time.Now()
	cfg.defaults()
	if err := checkConfig(&cfg); err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, results: map[string]*ClientResult{}}
	defer r.close()
	if err := r.setUp(ctx, start); err != nil {
		return nil, err
	}
	if err := r.runPhases(ctx); err != nil {
		return r.rep, err
	}
	r.checkModes()
	r.rep.Targets = targets(r.rep)
	r.rep.ElapsedMs = float64(time.Since(start).Microseconds()) / 1000
	r.rep.Host.LoadAvgEnd = loadAvg()
	return r.rep, nil
}

// checkConfig checks the clients and finds js/dist and Chromium.
func checkConfig(cfg *Config) error {
	for _, name := range cfg.Clients {
		if _, ok := clientByName(name); !ok {
			return fmt.Errorf("unknown client %q", name)
		}
	}
	if slices.Contains(cfg.Clients, "wasm-before") && cfg.BeforeWasm == "" {
		return errors.New("the wasm-before client needs -before FILE (an earlier cognito-wasm.wasm)")
	}
	if !slices.Contains(cfg.Clients, "amplify") {
		return errors.New("the amplify client is the baseline of every ratio: keep it in -clients")
	}
	if cfg.Chromium == "" {
		// Found as the browser tests find it: $CHROME, chromium, google-chrome, macOS.
		path, err := engine.FindChrome()
		if err != nil {
			return err
		}
		cfg.Chromium = path
	}
	if cfg.DistDir == "" {
		d, err := findDist()
		if err != nil {
			return err
		}
		cfg.DistDir = d
	}
	if needsDist(cfg.Clients) {
		if err := checkDist(cfg.DistDir); err != nil {
			return err
		}
	}
	if _, err := os.Stat(cfg.Chromium); err != nil {
		return fmt.Errorf("chromium: %w (run `make deps`)", err)
	}
	return nil
}

// needsDist reports whether a selected client loads cognito-wasm's loader.
func needsDist(names []string) bool {
	return slices.ContainsFunc(names, func(n string) bool {
		c, _ := clientByName(n)
		return c.Lib == "wasm"
	})
}

// setUp builds the reference clients, starts the emulator and the origin,
// creates the report and adds the floor programs and -before to the origin.
func (r *runner) setUp(ctx context.Context, start time.Time) error {
	ref, err := r.buildRefClients(ctx)
	if err != nil {
		return err
	}
	if err := r.startEmulator(); err != nil {
		return err
	}
	if err := r.startOrigin(ref); err != nil {
		return err
	}
	r.newReport(start, ref)
	t := time.Now()
	if err := r.buildFloors(ctx); err != nil {
		return err
	}
	r.logf("bench: floor programs built in %.1fs", time.Since(t).Seconds())
	return r.addBefore()
}

func (r *runner) buildRefClients(ctx context.Context) (*refclients.Result, error) {
	refDir, err := os.MkdirTemp("", "cw-bench-ref-")
	if err != nil {
		return nil, err
	}
	r.onClose(func() { os.RemoveAll(refDir) })
	return refclients.Build(ctx, refclients.Options{OutDir: refDir})
}

// startEmulator serves the emulator with the demo seed, counting requests.
func (r *runner) startEmulator() error {
	r.seed = emulator.DemoSeed()
	em, err := emulator.New(r.seed)
	if err != nil {
		return err
	}
	r.onClose(func() { em.Close() })
	r.em = em
	r.emDelay = &delayed{h: em}
	r.emCount = &requestCounter{h: r.emDelay}
	emURL, stop, err := serve(r.emCount)
	if err != nil {
		return err
	}
	r.onClose(stop)
	r.emURL = emURL
	for _, u := range r.seed.UserPools[0].Users {
		if u.Username == emulator.DemoUsername {
			for _, c := range u.WebAuthnCredentials {
				r.seedIDs = append(r.seedIDs, c.CredentialID)
			}
		}
	}
	return nil
}

// startOrigin serves the bench pages, js/dist and the reference bundles.
func (r *runner) startOrigin(ref *refclients.Result) error {
	r.pageSession = &atomic.Pointer[map[string]string]{}
	ps := pageSet{userPoolID: emulator.DemoPoolID, clientID: emulator.DemoClientID, endpoint: r.emURL, session: r.pageSession}
	r.org = newOrigin(ps.render)
	if needsDist(r.cfg.Clients) {
		if err := r.org.addDir(r.cfg.DistDir, "/dist/"); err != nil {
			return fmt.Errorf("serve %s: %w", r.cfg.DistDir, err)
		}
	}
	if err := r.org.addFS(ref.FS(), "/ref/"); err != nil {
		return fmt.Errorf("serve reference clients: %w", err)
	}
	originURL, stop, err := serve(r.org)
	if err != nil {
		return err
	}
	r.onClose(stop)
	r.originURL = originURL
	return nil
}

// newReport starts the report: host, versions and one result per client.
func (r *runner) newReport(start time.Time, ref *refclients.Result) {
	r.rep = &Report{
		Date: start.UTC().Format(time.RFC3339),
		Host: HostInfo{GOOS: goruntime.GOOS, GOARCH: goruntime.GOARCH, CPUs: goruntime.NumCPU(),
			GoVersion: goruntime.Version(), LoadAvgStart: loadAvg()},
		Config:   r.cfg,
		Versions: map[string]string{},
		Methods:  methods,
		Baseline: "amplify",
	}
	for k, v := range ref.Versions {
		r.rep.Versions[k] = v
	}
	if needsDist(r.cfg.Clients) {
		if v := packageVersion(filepath.Join(r.cfg.DistDir, "..", "package.json")); v != "" {
			r.rep.Versions["cognito-wasm"] = v
		}
		// Which build was measured: the wasm changes between runs of the same version.
		if a := r.org.asset("/dist/cognito-wasm.wasm"); a != nil {
			sum := sha256.Sum256(a.raw)
			r.rep.Versions["cognito-wasm.wasm sha256"] = hex.EncodeToString(sum[:])[:16]
		}
	}
	r.rep.Clients = r.newResults()
}

// newResults makes r.results an empty result per selected client and
// returns them in table order.
func (r *runner) newResults() []*ClientResult {
	r.results = map[string]*ClientResult{}
	var out []*ClientResult
	for _, c := range r.selected() {
		cr := &ClientResult{
			Name: c.Name, Label: c.Label,
			PerCall: map[string]stat{}, PerCallRequests: map[string]requestCount{},
			Assets: []AssetSize{}, LongTasksLoad: []float64{}, ColdResources: []resource{}, WarmResources: []resource{},
		}
		r.results[c.Name] = cr
		out = append(out, cr)
	}
	return out
}

// runPhases runs each measurement in turn, logging its duration.
func (r *runner) runPhases(ctx context.Context) error {
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
	if r.cfg.Latency > 0 {
		phases = append(phases, struct {
			name string
			run  func(context.Context) error
		}{fmt.Sprintf("round trip of %v: loads and per call", r.cfg.Latency), r.roundTrip})
	}
	for _, p := range phases {
		t := time.Now()
		r.logf("bench: %s ...", p.name)
		if err := p.run(ctx); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		r.logf("bench: %s done in %.1fs", p.name, time.Since(t).Seconds())
	}
	return nil
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

func (r *runner) fail(name string, err error) {
	r.logf("bench: %s: %v", name, err)
	if cr := r.results[name]; cr != nil {
		cr.Errors = append(cr.Errors, err.Error())
	}
}

// browserInfo records which browser runs the benchmark.
func (r *runner) browserInfo(ctx context.Context, c *chromium) error {
	v, err := c.version(ctx)
	if err != nil {
		return fmt.Errorf("browser version: %w", err)
	}
	r.rep.Browser = BrowserInfo{Product: v.Product, UserAgent: v.UserAgent, V8: v.JsVersion, Flags: r.browserFlags()}
	return nil
}

// browserFlags are chromiumFlags plus -js-flags, if given.
func (r *runner) browserFlags() []string {
	if r.cfg.JSFlags == "" {
		return chromiumFlags
	}
	return append(slices.Clone(chromiumFlags), "--js-flags="+r.cfg.JSFlags)
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
