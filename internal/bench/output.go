package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// methods says how each figure is measured; it goes into bench.json and
// bench.md.
var methods = map[string]string{
	"transfer": "Sum over the files the client's page loaded from the origin during a cold visit (page HTML excluded): raw bytes, gzip -9 and brotli q11 " +
		"as the origin serves them (js/dist's own .br/.gz for the wasm). coldWireBytes is what the origin actually sent in the cold visit " +
		"(Chromium advertises br, so brotli), coldCdpEncodedBytes Chromium's Network.loadingFinished encodedDataLength for the page's requests (headers included; a dedicated worker's requests are not reported to the page) in the memory phase's load, which is cold too.",
	"cold": "Fresh --user-data-dir per run (new browser process); the measured page is the profile's first navigation, and its first inline " +
		"script stores the session (signed in with the Go SDK) in localStorage as Amplify would, before any library loads. " +
		"Time from navigation start (performance.timeOrigin) to the first listWebAuthnCredentials resolving, measured by performance.now() in the page; median over runs.",
	"warm": "Same browser profile after the cold visit, each warm visit a new navigation in a new tab: libraries from the HTTP cache (max-age=3600) and V8's code caches. " +
		"The cold and the first warm visit keep their page open after the first result until the profile's code cache (Code Cache/js and Code Cache/wasm) " +
		"has not changed for settleQuietMs (polled every 100 ms, at most 30 s): V8 asks Chromium to store a wasm module 2 s after the last function it tiered up " +
		"to TurboFan, and a page closed earlier never gets its entry written. Median over all warm visits; warmSecondVisitMs is the first warm visit alone.",
	"codeCache": "Bytes of the entry files (index files left out) under the profile's Code Cache/wasm once the cold visit, and the first warm one, had settled " +
		"(see warm); median over runs. Zero means Chromium cached no compiled wasm code, so every warm visit compiles the module again.",
	"floors": "Two floor programs, built by each run from internal/bench/floor with the shipped module's modfile and flags and run by the same loader in page mode " +
		"(options.wasmURL): floor-gofetch is Go + syscall/js + one fetch per call (request and response in JS, JSON.stringify/Response.json); floor-sdk is " +
		"aws-sdk-go-v2's cognitoidentityprovider client over internal/fetch, one SDK call per call, SDK defaults, no project validation or mapping " +
		"(it resolves with the item count). Both get the token from the loader's host.getToken as the module does.",
	"roundTrip": "A second pass of the loads and per-call phases (latencyRuns runs, latencyCalls calls) with every emulator answer held back by the given delay " +
		"before it is handled, CORS preflights included; connection set-up and the origin's files are not delayed. Preflights per 100 calls come from the emulator's count.",
	"longestTask": "Separate cold runs with Chromium tracing (categories toplevel, blink.user_timing): the longest stretch the page's CrRendererMain " +
		"thread was busy without a break between navigationStart and the page's 'bench-first' mark (load + configure + first call), from the " +
		"top-level trace events (tasks, microtask checkpoints, IPC) merged where they overlap. It sees work below the Long Tasks API's 50 ms " +
		"and microtask checkpoints that run outside a task (Go's start-up runs in one). A PerformanceObserver('longtask') in the page records " +
		"tasks >= 50 ms during the timed cold runs as a cross-check (longTasksDuringLoadMs).",
	"perCall": "In one page, after a warm-up, N sequential awaited calls of each operation timed with performance.now() (100 µs resolution): " +
		"listWebAuthnCredentials, fetchDevices (Amplify, cognito-wasm) / ListDevices Limit 60 (SDK, fetch), and deleteWebAuthnCredential " +
		"in rounds of three on a pool reset to the seed before each round (first round discarded). The floor is the same request with a bare fetch.",
	"memory": "Fresh browser per client; after the first result and again after M calls (list credentials and list devices in turn): " +
		"HeapProfiler.collectGarbage, then Runtime.getHeapUsage (JS heap used) and the sum of byteLength of every WebAssembly.Memory " +
		"(found with Runtime.queryObjects) in the page and in each dedicated worker.",
	"fidelity": "Amplify signs in (USER_PASSWORD_AUTH) in a fresh profile; Amplify, the SDK JS v3 and cognito-wasm (page and worker mode) list " +
		"passkeys and devices from that session; each result, normalised (SDK raw shapes mapped as Amplify maps them), must equal the seed, with " +
		"dates as Date objects (Amplify: new Date(s*1000); SDK: Math.round(s*1000)). Then each deletes a passkey on a reset pool and lists again.",
}

func (r *Report) client(name string) *ClientResult {
	for _, c := range r.Clients {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// brotliBudget is issue 14's size target: 1.6 MB (decimal) brotli.
const brotliBudget = 1_600_000

// targets checks issue 14's targets for each cognito-wasm mode. Reported
// only: nothing fails on a time.
func targets(r *Report) []TargetCheck {
	base := r.client(r.Baseline)
	out := []TargetCheck{}
	if base == nil {
		return out
	}
	floor := r.client("floor-sdk")
	for _, name := range []string{"wasm-page", "wasm-worker"} {
		c := r.client(name)
		if c == nil {
			continue
		}
		add := func(metric, target string, v float64, met bool) {
			out = append(out, TargetCheck{Client: name, Name: metric, Target: target, Value: v, Met: met && v != 0})
		}
		if floor != nil {
			cold := ratio(c.Cold.Median, floor.Cold.Median)
			add("cold first result / SDK floor", "<= 1.05x", cold, cold <= 1.05)
		}
		warm := ratio(c.Warm.Median, base.Warm.Median)
		add("warm first result / Amplify", "<= 3x", warm, warm <= 3)
		add("longest main-thread task (ms) vs Amplify's "+ms(base.LongestTask.Median), "<= Amplify's", c.LongestTask.Median,
			c.LongestTask.Median <= base.LongestTask.Median)
		for _, op := range []string{"listCredentials", "listDevices", "deleteCredential"} {
			pc := ratio(c.PerCall[op].Median, base.PerCall[op].Median)
			add("per-call "+op+" median / Amplify", "<= 1.15x", pc, pc <= 1.15)
		}
		add("transfer brotli (bytes)", "<= 1.6 MB", float64(c.Transfer.Brotli), c.Transfer.Brotli <= brotliBudget)
	}
	return out
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func ms(v float64) string {
	switch {
	case v == 0:
		return "–"
	case v < 10:
		return fmt.Sprintf("%.2f ms", v)
	default:
		return fmt.Sprintf("%.0f ms", v)
	}
}

func bytesStr(n int64) string {
	switch {
	case n == 0:
		return "0"
	case n < 1_000_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	default:
		return fmt.Sprintf("%.2f MB", float64(n)/1e6)
	}
}

func ratioStr(v, base float64) string {
	if base == 0 || v == 0 {
		return ""
	}
	return fmt.Sprintf(" (%.2f×)", v/base)
}

// markdown renders bench.md.
func (r *Report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# cognito-wasm benchmark\n\n")
	fmt.Fprintf(&b, "%s, %s (V8 %s), %s/%s, %d CPUs, %s. ", r.Date, r.Browser.Product, r.Browser.V8, r.Host.GOOS, r.Host.GOARCH, r.Host.CPUs, r.Host.GoVersion)
	if r.Host.LoadAvgStart != "" {
		fmt.Fprintf(&b, "Load average %s at the start, %s at the end. ", r.Host.LoadAvgStart, r.Host.LoadAvgEnd)
	}
	fmt.Fprintf(&b, "Versions: %s. ", versionsStr(r.Versions))
	fmt.Fprintf(&b, "Runs: %d cold (+%d warm visits each), %d traced, %d calls per operation, %d calls before the memory reading. "+
		"Ratios are to %s.\n\n", r.Config.Runs, r.Config.WarmVisits, r.Config.TraceRuns, r.Config.Calls, r.Config.MemCalls, r.client(r.Baseline).Label)
	for i, t := range r.tables() {
		if i > 0 {
			fmt.Fprintf(&b, "\n## %s\n\n", t.title)
		}
		t.markdown(&b)
	}
	b.WriteString("\n## Targets (issue 14; reported, never enforced)\n\n| client | figure | target | value | met |\n| --- | --- | --- | --- | --- |\n")
	for _, t := range r.Targets {
		val := fmt.Sprintf("%.2f", t.Value)
		if strings.Contains(t.Name, "bytes") {
			val = bytesStr(int64(t.Value))
		}
		met := "no"
		if t.Met {
			met = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", t.Client, t.Name, t.Target, val, met)
	}
	b.WriteString("\n## Fidelity\n\n")
	if r.Fidelity.Passed {
		b.WriteString("Passed: ")
	} else {
		b.WriteString("**FAILED**: ")
	}
	b.WriteString("Amplify, the AWS SDK JS v3 and cognito-wasm return the seeded passkeys and devices.\n\n| client | operation | items | result |\n| --- | --- | --- | --- |\n")
	for _, c := range r.Fidelity.Checks {
		res := "same"
		if !c.Passed {
			res = "DIFFERENT: " + strings.ReplaceAll(strings.Join(c.Diffs, "; "), "|", "\\|")
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s |\n", c.Client, c.Operation, c.Items, res)
	}
	b.WriteString("\n## Load timeline (first run; ms from navigation start)\n\n" +
		"| client | visit | resource | start | loaded | from HTTP cache |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, c := range r.Clients {
		for _, v := range []struct {
			name string
			res  []resource
		}{{"cold", c.ColdResources}, {"warm", c.WarmResources}} {
			for _, x := range v.res {
				cached := "no"
				if x.TransferSize == 0 {
					cached = "yes"
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %.0f | %.0f | %s |\n", c.Label, v.name, x.URL, x.Start, x.ResponseEnd, cached)
			}
		}
	}
	b.WriteString("\n## Assets\n\n| client | file | raw | gzip | brotli |\n| --- | --- | --- | --- | --- |\n")
	for _, c := range r.Clients {
		for _, a := range c.Assets {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", c.Label, a.Path, bytesStr(a.Raw), bytesStr(a.Gzip), bytesStr(a.Brotli))
		}
	}
	var errs []string
	for _, c := range r.allResults() {
		for _, e := range c.Errors {
			errs = append(errs, "- "+c.Label+": "+e)
		}
	}
	if len(errs) > 0 {
		b.WriteString("\n## Errors\n\n" + strings.Join(errs, "\n") + "\n")
	}
	b.WriteString("\n## How each figure is measured\n\n")
	for _, k := range sortedKeys(r.Methods) {
		fmt.Fprintf(&b, "- **%s**: %s\n", k, r.Methods[k])
	}
	fmt.Fprintf(&b, "\nChromium flags: `%s`.\n", strings.Join(r.Browser.Flags, " "))
	return b.String()
}

// allResults are the main pass's results and the round-trip pass's.
func (r *Report) allResults() []*ClientResult {
	all := slices.Clone(r.Clients)
	if r.RoundTrip != nil {
		all = append(all, r.RoundTrip.Clients...)
	}
	return all
}

func versionsStr(v map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(v) {
		parts = append(parts, k+" "+v[k])
	}
	return strings.Join(parts, ", ")
}

// write saves bench.json and bench.md in dir.
func (r *Report) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "bench.json"), append(j, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "bench.md"), []byte(r.markdown()), 0o644)
}

// failed reports whether the run must exit non-zero: the fidelity check
// failed or a client could not be measured. Times never fail it.
func (r *Report) failed() []string {
	var why []string
	if !r.Fidelity.Passed {
		why = append(why, "fidelity check failed")
	}
	for _, c := range r.allResults() {
		if len(c.Errors) > 0 {
			why = append(why, fmt.Sprintf("%s: %d error(s)", c.Name, len(c.Errors)))
		}
	}
	return why
}
