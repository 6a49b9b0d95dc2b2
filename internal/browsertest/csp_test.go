package browsertest

import (
	"strings"
	"testing"
)

// TestStrictCSP loads the ES module from a page under the policy the READMEs
// recommend (default-src 'self'; script-src 'self' 'wasm-unsafe-eval';
// worker-src 'self'; connect-src 'self' <Cognito>), and the same without
// worker-src: the runtime must run in the package's worker file, and
// configure() must say so. With every Worker forbidden it runs on the page.
func TestStrictCSP(t *testing.T) {
	for _, tc := range []struct {
		policy            string
		runtime           string
		workers           int
		wasmFetchedByPage int
	}{
		{"documented", "worker", 1, 0},
		{"no-worker-src", "worker", 1, 0},
		{"no-worker", "page", 0, 1},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			resetEmulator(t)
			tb := newTab(t)
			tb.storeAmplifyTokens()
			tb.checkResult(site+"/pages/csp-page.html?csp="+tc.policy, tc.runtime)
			workers := tb.workerURLs()
			if len(workers) != tc.workers || (tc.workers == 1 && workers[0] != site+"/dist/cognito-wasm-worker.js") {
				t.Errorf("workers %q, want %d (%s/dist/cognito-wasm-worker.js)", workers, tc.workers, site)
			}
			var inPage int
			tb.eval(wasmFetchedByPageJS, &inPage)
			if inPage != tc.wasmFetchedByPage {
				t.Errorf("the page fetched the .wasm %d times, want %d", inPage, tc.wasmFetchedByPage)
			}
			tb.screenshot("strict-csp-" + strings.ReplaceAll(tc.policy, " ", "-"))
		})
	}
}
