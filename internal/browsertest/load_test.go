package browsertest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// checkCallsJS verifies results in the page (the load tests make too many
// calls to send each one back): kinds[i % 3] is the call, and check(i, v)
// says what is wrong with its value, or "".
func checkCallsJS(credIDs, devIDs []string) string {
	return `
const CREDS = ` + mustJSON(credIDs) + `, DEVS = ` + mustJSON(devIDs) + `;
const kinds = [
  () => cw.listWebAuthnCredentials(),
  () => cw.listDevices({ pageSize: 3 }),
  () => cw.fetchDevices(),
];
const ids = (list, key) => JSON.stringify(list.map((x) => x[key]));
const check = (i, v) => {
  switch (i % 3) {
    case 0: return ids(v.credentials, 'credentialId') === JSON.stringify(CREDS) && 'nextToken' in v && v.nextToken === undefined && v.credentials.every((c) => c.createdAt instanceof Date) ? '' : 'credentials ' + JSON.stringify(v);
    case 1: return ids(v.devices, 'id') === JSON.stringify(DEVS.slice(0, 3)) && typeof v.nextToken === 'string' ? '' : 'devices page ' + JSON.stringify(v);
    case 2: return ids(v, 'id') === JSON.stringify(DEVS) ? '' : 'fetchDevices ' + JSON.stringify(v);
  }
};
// Runs calls first..first+n-1 (concurrently or one after the other) and
// returns {ok, problems: the first few}.
const run = async (first, n, concurrent) => {
  const r = { ok: 0, problems: [] };
  const one = async (i) => {
    let problem;
    try { problem = check(i, await kinds[i % 3]()); } catch (e) { problem = 'call ' + i + ': ' + e.name + ': ' + e.message; }
    if (!problem) r.ok++;
    else if (r.problems.length < 5) r.problems.push(problem);
  };
  if (concurrent) await Promise.all(Array.from({ length: n }, (_, k) => one(first + k)));
  else for (let k = 0; k < n; k++) await one(first + k);
  return r;
};
`
}

type loadRun struct {
	OK       int      `json:"ok"`
	Problems []string `json:"problems"`
}

// TestLoad runs, in one page (Worker mode, the default) against an emulator
// of its own: 1,000 concurrent calls that must all settle with the right
// results, each with exactly one request; then 10,000 calls one after the
// other, with the JS heap (page and worker) and the wasm memory read after
// full garbage collections before and after them: they must stay flat.
func TestLoad(t *testing.T) {
	t.Parallel() // its own emulator and tab: it can overlap the other reliability tests
	const concurrent, sequential, warmUp = 1000, 10000, 300
	pe := startPrivateEmulator(t)
	token := pe.signIn(t)
	var credIDs, devIDs []string
	for _, c := range seedCredentials() {
		credIDs = append(credIDs, c.CredentialID)
	}
	for _, d := range seedDevices() {
		devIDs = append(devIDs, d.ID)
	}
	tb := newTabWithin(t, 4*time.Minute)
	tb.do(navigate(site + "/pages/blank.html"))
	prelude := `const cw = await import('/dist/index.mjs');` + checkCallsJS(credIDs, devIDs)
	tb.eval(prelude+`await cw.configure({ Auth: { Cognito: `+pe.config()+` } }, { tokenProvider: async () => `+jsString(token)+` });`, nil)
	workers := tb.workers(nil)
	if len(workers) != 1 {
		t.Fatalf("%d workers, want the runtime's 1", len(workers))
	}
	// DevTools' network instrumentation (chromedp turns it on) costs every
	// request a round of events; these calls do not need it.
	for _, ctx := range append([]context.Context{tb.ctx}, workers...) {
		if _, err := chromedp.Call(ctx, network.Disable, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
	}

	var burst loadRun
	tb.eval(prelude+`return await run(0, `+itoa(concurrent)+`, true);`, &burst)
	if burst.OK != concurrent {
		t.Errorf("%d of %d concurrent calls settled right; first problems: %q", burst.OK, concurrent, burst.Problems)
	}
	log := pe.emu.Requests()
	answered := 0
	for _, e := range log {
		if e.Status == 200 {
			answered++
		}
	}
	if len(log) != concurrent || answered != concurrent {
		t.Errorf("the emulator got %d requests, %d answered 200; want %d, one per call", len(log), answered, concurrent)
	}

	var warm loadRun
	tb.eval(prelude+`return await run(0, `+itoa(warmUp)+`, false);`, &warm)
	before := tb.heap(workers)
	var long loadRun
	tb.eval(prelude+`return await run(0, `+itoa(sequential)+`, false);`, &long)
	after := tb.heap(workers)
	if warm.OK != warmUp || long.OK != sequential {
		t.Errorf("%d of %d sequential calls right; first problems: %q", long.OK, sequential, append(warm.Problems, long.Problems...))
	}
	mib := func(n int64) string { return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20)) }
	t.Logf("%d sequential calls: JS heap (page + worker) %s -> %s (%+.2f MiB); wasm memory %s -> %s (%+.2f MiB)",
		sequential, mib(before.JS), mib(after.JS), float64(after.JS-before.JS)/(1<<20),
		mib(before.Wasm), mib(after.Wasm), float64(after.Wasm-before.Wasm)/(1<<20))
	// Generous: a leak of 256 bytes of JS or 1 KiB of Go memory per call
	// would exceed them.
	if grown := after.JS - before.JS; grown > 2500<<10 {
		t.Errorf("the JS heap grew by %s over %d calls", mib(grown), sequential)
	}
	if grown := after.Wasm - before.Wasm; grown > 10<<20 {
		t.Errorf("the wasm memory grew by %s over %d calls", mib(grown), sequential)
	}
}
