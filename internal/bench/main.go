// Command bench measures cognito-wasm against Amplify JS v6 and the AWS SDK
// JS v3 in headless Chromium, against the in-process Cognito emulator with
// the demo seed, and checks that all three return the same data:
//
//	go run ./internal/bench [-calls 200] [-memcalls 10000] [-runs 5] [-out bench-results]
//
// It prints a table of absolute figures and ratios to Amplify and writes
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
)

func main() {
	var cfg Config
	var out, clientList string
	flag.IntVar(&cfg.Calls, "calls", 200, "timed calls per operation for the per-call latency")
	flag.IntVar(&cfg.MemCalls, "memcalls", 10000, "calls before the memory reading")
	flag.IntVar(&cfg.Runs, "runs", 5, "cold runs per client, each in a fresh browser profile")
	flag.IntVar(&cfg.WarmVisits, "warm", 3, "warm visits after each cold one")
	flag.IntVar(&cfg.TraceRuns, "traceruns", 3, "traced cold runs per client, for the longest main-thread task")
	flag.StringVar(&cfg.Chromium, "chromium", "/usr/bin/chromium", "Chromium binary")
	flag.StringVar(&cfg.DistDir, "dist", "", "cognito-wasm's built files (default: js/dist of the module)")
	flag.StringVar(&clientList, "clients", "", "comma-separated clients to measure (default: all): amplify,sdkv3,wasm-page,wasm-worker,fetch")
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
		rep.printTable(os.Stdout)
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
