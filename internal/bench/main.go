// Command bench measures cognito-wasm against Amplify JS v6, the AWS SDK
// JS v3 and two floor programs of its own stack (internal/bench/floor: Go +
// syscall/js + fetch, and the Go SDK + fetch, built by each run and run by
// the same loader) in headless Chromium, against the in-process Cognito
// emulator with the demo seed, once as is and once with every emulator
// answer delayed by -latency, and checks that the three libraries return
// the same data:
//
//	go run ./internal/bench [-calls 200] [-memcalls 10000] [-runs 5] [-latency 40ms] [-out bench-results]
//
// It prints tables of absolute figures and ratios to Amplify and to the
// floors, and writes
// bench.json and bench.md to -out. It exits non-zero when the fidelity check
// fails or a client cannot be measured; never because of a time. Needs
// js/dist (make build) and the reference clients' npm packages (make deps).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	var cfg Config
	var out, clientList string
	flag.IntVar(&cfg.Calls, "calls", 200, "timed calls per operation for the per-call latency")
	flag.IntVar(&cfg.MemCalls, "memcalls", 10000, "calls before the memory reading")
	flag.IntVar(&cfg.Runs, "runs", 5, "cold runs per client, each in a fresh browser profile")
	flag.IntVar(&cfg.WarmVisits, "warm", 3, "warm visits after each cold one")
	flag.IntVar(&cfg.TraceRuns, "traceruns", 3, "traced cold runs per client, for the longest main-thread task")
	flag.DurationVar(&cfg.Latency, "latency", 40*time.Millisecond, "also measure loads and calls with every emulator answer delayed this much (0: skip)")
	flag.IntVar(&cfg.LatencyRuns, "latency-runs", 3, "cold runs per client with -latency")
	flag.IntVar(&cfg.LatencyCalls, "latency-calls", 50, "timed calls per operation with -latency")
	flag.DurationVar(&cfg.SettleQuiet, "settle", 5*time.Second, "keep the cold and 2nd visit open until the code cache has not changed for this long")
	flag.StringVar(&cfg.JSFlags, "js-flags", "", "V8 flags for every browser, e.g. --wasm-tiering-budget=20000 (an experiment: the default Chrome has none)")
	flag.StringVar(&cfg.BeforeWasm, "before", "", "an earlier cognito-wasm.wasm to measure beside the current one (client wasm-before, page mode)")
	flag.StringVar(&cfg.Chromium, "chromium", "", "Chrome or Chromium binary (default: $CHROME, else chromium, chromium-browser, google-chrome on PATH, else the macOS app)")
	flag.StringVar(&cfg.DistDir, "dist", "", "cognito-wasm's built files (default: js/dist of the module)")
	flag.StringVar(&clientList, "clients", "", "comma-separated clients to measure (default: all): amplify,sdkv3,wasm-page,wasm-worker,wasm-before,floor-sdk,floor-gofetch,fetch")
	flag.StringVar(&cfg.TraceDir, "tracedir", "", "also save the traced runs' Chrome traces here (open in DevTools)")
	flag.StringVar(&out, "out", "bench-results", "directory for bench.json and bench.md")
	quiet := flag.Bool("q", false, "no progress lines")
	flag.Parse()
	if clientList != "" {
		cfg.Clients = strings.Split(clientList, ",")
	}
	if !*quiet {
		cfg.Log = os.Stderr
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := Run(ctx, cfg)
	if rep != nil && rep.Browser.Product != "" {
		rep.printTables(os.Stdout)
		if werr := rep.write(out); werr != nil {
			fmt.Fprintln(os.Stderr, "bench:", werr)
			os.Exit(1)
		}
		fmt.Printf("\n%s, %s, load average %s → %s. Wrote %s/bench.json and %s/bench.md.\n",
			rep.Date, rep.Browser.Product, rep.Host.LoadAvgStart, rep.Host.LoadAvgEnd, out, out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if why := rep.failed(); len(why) > 0 {
		fmt.Fprintln(os.Stderr, "bench: FAILED:", strings.Join(why, "; "))
		os.Exit(1)
	}
}
