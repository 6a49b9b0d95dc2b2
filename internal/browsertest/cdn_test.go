package browsertest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestCDN loads the package from another origin, a CDN that sends
// Access-Control-Allow-Origin: *, with a script tag (dist/cognito-wasm.js) and
// as an ES module (dist/index.mjs). A Worker cannot be started from another
// origin's file, so the runtime runs in a blob: Worker, and the .wasm comes
// from the CDN (a CORS fetch), found beside the script. The same script tag
// from the page's own origin starts the worker file beside it.
func TestCDN(t *testing.T) {
	for _, tc := range []struct {
		name, load string
		fromCDN    bool
	}{
		{"script tag", `<script src="{cdn}/dist/cognito-wasm.js"></script>`, true},
		{"module", `<script type="module">import * as cw from "{cdn}/dist/index.mjs"; globalThis.CognitoWasm = cw;</script>`, true},
		{"same-origin script tag", `<script src="/dist/cognito-wasm.js"></script>`, false},
	} {
		t.Run(tc.name, func(t *testing.T) { checkCDN(t, tc.load, tc.fromCDN) })
	}
}

// checkCDN serves a page that loads the package with load ({cdn} stands for
// the CDN's origin), then runs testdata/pages/cdn.js.
func checkCDN(t *testing.T, load string, fromCDN bool) {
	resetEmulator(t)
	var (
		mu        sync.Mutex
		wasmFrom  []string // the Origin header of each .wasm request
		dist      = http.StripPrefix("/dist/", http.FileServer(http.Dir(distDir)))
		pageFiles = siteHandler()
	)
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			mu.Lock()
			wasmFrom = append(wasmFrom, r.Header.Get("Origin"))
			mu.Unlock()
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		dist.ServeHTTP(w, r)
	}))
	defer cdn.Close()
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			pageFiles.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cognito-wasm from a CDN</title>
%s
<script type="module" src="/pages/cdn.js"></script></head>
<body><pre id="result"></pre></body></html>`, strings.ReplaceAll(load, "{cdn}", cdn.URL))
	}))
	defer page.Close()

	tb := newTab(t)
	tb.storeAmplifyTokensAt(page.URL)
	tb.checkResult(page.URL+"/", "worker")
	wantWorker, wantWasmFrom := page.URL+"/dist/cognito-wasm-worker.js", []string(nil)
	if fromCDN {
		wantWorker, wantWasmFrom = "blob:"+page.URL+"/", []string{page.URL}
	}
	if workers := tb.workerURLs(); len(workers) != 1 || !strings.HasPrefix(workers[0], wantWorker) {
		t.Errorf("workers %q, want one: %s", workers, wantWorker)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(wasmFrom, wantWasmFrom) {
		t.Errorf("the CDN was asked for the .wasm with Origin %q, want %q (once from the page: a CORS fetch)", wasmFrom, wantWasmFrom)
	}
}
