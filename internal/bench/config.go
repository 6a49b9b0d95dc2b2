package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is what one benchmark run does.
type Config struct {
	Calls      int      `json:"calls"`      // per-call latency samples per operation
	MemCalls   int      `json:"memCalls"`   // calls before the memory reading
	Runs       int      `json:"runs"`       // cold runs (fresh profile each) per client
	WarmVisits int      `json:"warmVisits"` // warm visits after each cold one
	TraceRuns  int      `json:"traceRuns"`  // extra traced cold runs per client (longest task)
	Warmup     int      `json:"warmup"`     // untimed calls before the per-call samples
	Clients    []string `json:"clients"`
	// Latency, when > 0, adds a pass with every emulator answer delayed
	// by it (roundTrip), with its own run and call counts.
	Latency      time.Duration `json:"-"`
	LatencyRuns  int           `json:"latencyRuns"`
	LatencyCalls int           `json:"latencyCalls"`
	// SettleQuiet: after the cold and the first warm visit the tab stays
	// open until the profile's code cache has not changed for this long
	// (settleCodeCache), at most SettleMax.
	SettleQuiet time.Duration `json:"-"`
	SettleMax   time.Duration `json:"-"`
	// For the report: Latency and SettleQuiet in ms.
	LatencyMs     float64 `json:"latencyMs"`
	SettleQuietMs float64 `json:"settleQuietMs"`
	Chromium      string  `json:"chromium"`
	// JSFlags are V8 flags for every browser (--js-flags), for experiments
	// such as --wasm-tiering-budget; the report's browser.flags shows them.
	JSFlags string `json:"jsFlags,omitempty"`
	// BeforeWasm is an earlier build of cognito-wasm.wasm, measured as the
	// client wasm-before beside the current one in the same run.
	BeforeWasm string    `json:"beforeWasm,omitempty"`
	DistDir    string    `json:"-"`
	TraceDir   string    `json:"-"` // if set, the traced runs' raw traces go here
	Log        io.Writer `json:"-"`
}

func (c *Config) defaults() {
	orDefault(&c.Calls, 200)
	orDefault(&c.MemCalls, 10000)
	orDefault(&c.Runs, 5)
	orDefault(&c.WarmVisits, 3)
	orDefault(&c.TraceRuns, 3)
	orDefault(&c.Warmup, 10)
	orDefault(&c.LatencyRuns, 3)
	orDefault(&c.LatencyCalls, 50)
	orDefault(&c.SettleQuiet, 5*time.Second)
	orDefault(&c.SettleMax, 30*time.Second)
	c.LatencyMs = float64(c.Latency) / float64(time.Millisecond)
	c.SettleQuietMs = float64(c.SettleQuiet) / float64(time.Millisecond)
	if len(c.Clients) == 0 {
		for _, cl := range clients {
			if !cl.Before || c.BeforeWasm != "" {
				c.Clients = append(c.Clients, cl.Name)
			}
		}
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
}

// orDefault sets *p to v unless it is positive.
func orDefault[T int | time.Duration](p *T, v T) {
	if *p <= 0 {
		*p = v
	}
}

// distFiles are what the bench pages load from js/dist.
var distFiles = []string{"cognito-wasm.js", "cognito-wasm.wasm"}

// moduleRoot returns the directory of the go.mod above the working
// directory, so the bench runs from the repo root (make bench) and from its
// own directory (go test).
func moduleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no go.mod above %s", wd)
		}
	}
}

// findDist returns js/dist of the module.
func findDist() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "js", "dist"), nil
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
