package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestHarness runs the whole benchmark once with tiny counts: it must load
// every client, pass the fidelity check and fill every figure. It asserts
// on counts and presence, never on a time. It needs js/dist (make build).
func TestHarness(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Minute)
	defer cancel()
	cfg := Config{Calls: 3, MemCalls: 20, Runs: 1, WarmVisits: 1, TraceRuns: 1, Warmup: 1,
		Latency: 40 * time.Millisecond, LatencyRuns: 1, LatencyCalls: 3, SettleQuiet: 500 * time.Millisecond,
		Log: testLog{t}}
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := rep.write(out); err != nil {
		t.Fatal(err)
	}

	if !rep.Fidelity.Passed {
		for _, c := range rep.Fidelity.Checks {
			if !c.Passed {
				t.Errorf("fidelity: %s %s: %v", c.Client, c.Operation, c.Diffs)
			}
		}
	}
	// Every client the three are compared on, for each operation.
	checked := map[string]int{}
	for _, c := range rep.Fidelity.Checks {
		checked[c.Client]++
	}
	for _, name := range []string{"amplify", "sdkv3", "wasm-page", "wasm-worker"} {
		if checked[name] != 3 {
			t.Errorf("fidelity ran %d checks for %s, want 3 (list passkeys, list devices, delete)", checked[name], name)
		}
	}
	for _, why := range rep.failed() {
		t.Errorf("run failed: %s", why)
	}

	var doc map[string]any
	b, err := os.ReadFile(filepath.Join(out, "bench.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"date", "browser.product", "browser.userAgent", "config.calls", "versions.aws-amplify",
		"versions.@aws-sdk/client-cognito-identity-provider", "fidelity.passed", "targets", "methods.cold"} {
		if lookup(doc, path) == nil {
			t.Errorf("bench.json lacks %s", path)
		}
	}
	// Every client but wasm-before, which needs -before.
	measured := slices.DeleteFunc(slices.Clone(clients), func(c client) bool { return c.Before })
	clientsJSON, _ := doc["clients"].([]any)
	if len(clientsJSON) != len(measured) || len(rep.Clients) != len(measured) {
		t.Fatalf("bench.json has %d clients, want %d", len(clientsJSON), len(measured))
	}
	for i, cj := range clientsJSON {
		c, _ := cj.(map[string]any)
		name, _ := c["name"].(string)
		counts := map[string]float64{
			"coldFirstResultMs.n": 1, "coldConfiguredMs.n": 1, "warmFirstResultMs.n": 1, "warmSecondVisitMs.n": 1,
			"longestTaskMs.n": 1, "traceWindowMs.n": 1, "wasmCodeCacheAfterColdBytes.n": 1, "wasmCodeCacheAfterSecondBytes.n": 1,
			"perCallMs.listCredentials.n": 3, "perCallMs.listDevices.n": 3, "perCallMs.deleteCredential.n": 3,
			"perCallRequests.listCredentials.posts": 3, "memory.calls": 20,
		}
		for path, want := range counts {
			if got, _ := lookup(c, path).(float64); got != want {
				t.Errorf("%s: %s = %v, want %v", name, path, lookup(c, path), want)
			}
		}
		for _, path := range []string{"transfer.raw", "transfer.gzip", "transfer.brotli", "coldWireBytes",
			"coldCdpEncodedBytes", "warmWireBytes", "memory.jsHeapAfter", "memory.jsHeapBefore",
			"memory.wasmMemoryAfter", "memory.pageAfter.jsHeapUsed", "assets", "longTasksDuringLoadMs", "workerTargets"} {
			if lookup(c, path) == nil {
				t.Errorf("%s: bench.json lacks %s", name, path)
			}
		}
		cl := measured[i]
		if cl.Name != name {
			t.Fatalf("client %d is %q, want %q", i, name, cl.Name)
		}
		if cl.Floor {
			continue
		}
		// Sizes are bytes, not times: a client that loads a library has some.
		for _, path := range []string{"transfer.raw", "transfer.gzip", "transfer.brotli", "coldWireBytes"} {
			if v, _ := lookup(c, path).(float64); v <= 0 {
				t.Errorf("%s: %s = %v, want > 0", name, path, v)
			}
		}
		if cl.Lib == "wasm" {
			if v, _ := lookup(c, "memory.wasmMemoryAfter").(float64); v <= 0 {
				t.Errorf("%s: no WebAssembly.Memory found after the calls", name)
			}
		}
		// A floor program is what the loader ran, not js/dist's
		// cognito-wasm.wasm.
		if cl.WasmURL != "" {
			var paths []string
			for _, a := range rep.Clients[i].Assets {
				paths = append(paths, a.Path)
			}
			if !slices.Contains(paths, cl.WasmURL) || slices.Contains(paths, "/dist/cognito-wasm.wasm") {
				t.Errorf("%s loaded %v, want %s and not js/dist's module", name, paths, cl.WasmURL)
			}
		}
	}

	// The round-trip pass: every client measured again, every request to
	// the emulator held back.
	rt := rep.RoundTrip
	if rt == nil {
		t.Fatal("no round-trip pass")
	}
	if rt.Requests == 0 || rt.Held != rt.Requests {
		t.Errorf("round trip: %d of %d requests held back, want all", rt.Held, rt.Requests)
	}
	if len(rt.Clients) != len(measured) {
		t.Fatalf("round trip measured %d clients, want %d", len(rt.Clients), len(measured))
	}
	for _, c := range rt.Clients {
		if c.Cold.N != 1 || c.Warm2nd.N != 1 || c.PerCall["listCredentials"].N != 3 || c.PerCall["deleteCredential"].N != 3 {
			t.Errorf("round trip %s: cold n=%d, 2nd visit n=%d, per-call n=%d/%d, want 1, 1, 3, 3",
				c.Name, c.Cold.N, c.Warm2nd.N, c.PerCall["listCredentials"].N, c.PerCall["deleteCredential"].N)
		}
	}

	md, err := os.ReadFile(filepath.Join(out, "bench.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{rep.Browser.Product, rep.Date, "| transfer brotli |", "## Fidelity", "Passed",
		"## cognito-wasm against its floors", "floor: Go SDK + fetch", "## With a 40 ms round trip"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("bench.md lacks %q", want)
		}
	}
}

// testLog writes the bench's progress lines (phases and their durations)
// to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// lookup follows a dotted path through decoded JSON objects; keys may
// themselves hold dots only as the last element (versions.@aws-sdk/...).
func lookup(v any, path string) any {
	for path != "" {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		if x, ok := m[path]; ok {
			return x
		}
		key, rest, _ := strings.Cut(path, ".")
		v, path = m[key], rest
		if v == nil {
			return nil
		}
	}
	return v
}
