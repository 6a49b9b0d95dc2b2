package browsertest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// consumersDir holds the consumer apps: one npm tree (package.json and its
// lockfile, installed by `make test-deps`) and one folder per bundler, all
// building the app in shared/. Each package.json script is the build a user
// would run, recipe included (Rollup and esbuild copy two files).
var consumersDir = filepath.Join("testdata", "consumers")

// bundlerApps are the production builds, each served from its output folder.
var bundlerApps = []struct{ name, script, out string }{
	{"vite", "build:vite", "vite/dist"},
	{"webpack", "build:webpack", "webpack/dist"},
	{"nextjs", "build:next", "next/out"},
	{"parcel", "build:parcel", "parcel/dist"},
	{"rollup", "build:rollup", "rollup/dist"},
	{"esbuild", "build:esbuild", "esbuild/dist"},
}

// TestBundlers installs the npm tarball into the consumer apps, builds each
// with its bundler in production mode (all at once) and runs the Vite dev
// server, serves each build from a plain static server that answers unknown
// paths with index.html (as SPA hosts do: a missing .wasm then comes back as
// HTML), and checks in Chromium that configure() without wasmURL lists the
// demo user's passkeys and devices with the runtime in the package's own
// module worker (not a blob: one, not the page).
func TestBundlers(t *testing.T) {
	// Not parallel: the builds take both cores for a while, and TestLoad's
	// 1,000 concurrent calls (30 s each at most) must not starve beside them.
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("npm is needed (Debian package npm): %v", err)
	}
	if _, err := os.Stat(filepath.Join(consumersDir, "node_modules", ".bin", "vite")); err != nil {
		t.Fatalf("the consumer apps' npm tree is not installed (run `make test-deps`): %v", err)
	}
	tgz, _ := npmPack(t)
	if err := installTarball(tgz, filepath.Join(consumersDir, "node_modules")); err != nil {
		t.Fatalf("installing %s: %v", tgz, err)
	}

	type build struct {
		done chan struct{}
		err  error
	}
	builds := make(map[string]*build, len(bundlerApps))
	for _, app := range bundlerApps {
		b := &build{done: make(chan struct{})}
		builds[app.name] = b
		go func() {
			defer close(b.done)
			start := time.Now()
			b.err = npmRun(npm, app.script)
			t.Logf("%s: built in %v", app.name, time.Since(start).Round(100*time.Millisecond))
		}()
	}
	// Every build has ended before the test does (they write into testdata).
	t.Cleanup(func() {
		for _, b := range builds {
			<-b.done
		}
	})

	t.Run("vite-dev", func(t *testing.T) {
		origin := startViteDev(t, npm)
		checkConsumer(t, origin)
	})
	for _, app := range bundlerApps {
		t.Run(app.name, func(t *testing.T) {
			b := builds[app.name]
			<-b.done
			if b.err != nil {
				t.Fatal(b.err)
			}
			srv := httptest.NewServer(spaHandler(filepath.Join(consumersDir, app.out)))
			t.Cleanup(srv.Close)
			checkConsumer(t, srv.URL)
		})
	}
}

// npmRun runs a script of the consumers' package.json.
func npmRun(npm, script string) error {
	cmd := exec.Command(npm, "run", "--silent", script)
	cmd.Dir = consumersDir
	cmd.Env = append(os.Environ(), "NEXT_TELEMETRY_DISABLED=1", "NO_COLOR=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm run %s: %v\n%s", script, err, out)
	}
	return nil
}

// spaHandler serves dir, and index.html for any path that is not a file.
func spaHandler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(relPath(r.URL.Path)))); err != nil || st.IsDir() {
			http.ServeFile(w, r, filepath.Join(dir, "index.html"))
			return
		}
		files.ServeHTTP(w, r)
	})
}

func relPath(p string) string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return "index.html"
	}
	return p
}

// startViteDev runs `vite` (the dev server) on a free loopback port and
// returns its origin once it answers.
func startViteDev(t *testing.T, npm string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(npm, "run", "--silent", "dev:vite", "--", "--port", fmt.Sprint(port))
	cmd.Dir = consumersDir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // npm, node and esbuild: stopped together
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			t.Logf("vite dev server output:\n%s", out.String())
		}
	})
	origin := fmt.Sprintf("http://127.0.0.1:%d", port)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", origin+"/", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return origin
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the vite dev server did not answer on %s:\n%s", origin, out.String())
		case <-time.After(100 * time.Millisecond): // polling a server that is starting
		}
	}
}

// consumerResult is what the consumer app (testdata/consumers/shared/app.js) reports.
type consumerResult struct {
	Error       string   `json:"error"`
	Runtime     string   `json:"runtime"`
	Credentials []string `json:"credentials"`
	Devices     []string `json:"devices"`
	Dates       bool     `json:"dates"`
}

// checkConsumer signs in on the app's origin, opens it with the emulator's
// pool and checks what it listed and where the runtime ran.
func checkConsumer(t *testing.T, origin string) {
	t.Helper()
	tb := newTabWithin(t, 90*time.Second)
	token := signIn(t)
	// Any path: the app is served for it and does nothing without a pool.
	tb.do(navigate(origin + "/signed-in"))
	tb.storeToken(token)
	q := url.Values{"pool": {emulator.DemoPoolID}, "client": {emulator.DemoClientID}, "endpoint": {cognitoURL}}
	tb.checkResult(origin+"/?"+q.Encode(), "worker")
	workers := tb.workerURLs()
	if len(workers) != 1 || !strings.HasPrefix(workers[0], origin+"/") {
		t.Errorf("workers %q, want one started from a file of %s (the package's worker file, not a blob:)", workers, origin)
	}
	var inPage int
	tb.eval(wasmFetchedByPageJS, &inPage)
	if inPage != 0 {
		t.Errorf("the page fetched the .wasm %d times, want 0 (the worker does)", inPage)
	}
}

// checkResult opens the page at url, waits for its #result (a consumerResult)
// and checks that it listed the demo user's passkeys and devices with the
// runtime running where want says.
func (tb *tab) checkResult(url, want string) {
	tb.t.Helper()
	tb.do(navigate(url), chromedp.WaitReady(chromedp.CSS(`#result[data-done]`)))
	var r consumerResult
	tb.eval(`return JSON.parse(document.getElementById('result').textContent)`, &r)
	if r.Error != "" {
		tb.t.Fatalf("the page failed: %s", r.Error)
	}
	checkListed(tb.t, r)
	if r.Runtime != want {
		tb.t.Errorf("configure() resolved with runtime %q, want %q", r.Runtime, want)
	}
}

func checkListed(t *testing.T, r consumerResult) {
	t.Helper()
	var wantCreds, wantDevs []string
	for _, c := range seedCredentials() {
		wantCreds = append(wantCreds, c.CredentialID)
	}
	for _, d := range seedDevices() {
		wantDevs = append(wantDevs, d.ID)
	}
	if !slices.Equal(r.Credentials, wantCreds) || !slices.Equal(r.Devices, wantDevs) || !r.Dates {
		t.Errorf("credentials %q, devices %q, dates are Dates: %v; want %q, %q, true", r.Credentials, r.Devices, r.Dates, wantCreds, wantDevs)
	}
}

// workerURLs lists the script URLs of the tab's dedicated workers.
func (tb *tab) workerURLs() []string {
	tb.t.Helper()
	infos, err := chromedp.Targets(tb.ctx)
	if err != nil {
		tb.t.Fatal(err)
	}
	self := chromedp.FromContext(tb.ctx).Target.TargetID
	var mine string
	for _, info := range infos {
		if info.TargetID == self {
			mine = string(info.BrowserContextID)
		}
	}
	var urls []string
	for _, info := range infos {
		if info.Type == "worker" && string(info.BrowserContextID) == mine {
			urls = append(urls, info.URL)
		}
	}
	return urls
}
