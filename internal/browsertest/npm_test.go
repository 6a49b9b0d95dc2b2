package browsertest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/evanw/esbuild/pkg/api"
)

// TestNPMPackage packs js/ with `npm pack`, installs the tarball into a
// consumer project, type-checks the consumer's TypeScript against the
// package's types, bundles it with esbuild (minified, as an app would) and
// runs it in the browser in both modes.
func TestNPMPackage(t *testing.T) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("npm is needed (Debian package npm; `make deps` installs it): %v", err)
	}
	tsc := filepath.Join(repoRoot, "js", "node_modules", ".bin", "tsc")
	if _, err := os.Stat(tsc); err != nil {
		t.Fatalf("TypeScript is missing from js/node_modules (run `npm ci` in js/, as `make deps` does): %v", err)
	}
	consumer := filepath.Join(t.TempDir(), "consumer")

	// npm pack, and what the tarball holds.
	tgz, files := npmPack(t)
	files = slices.Sorted(slices.Values(files))
	for _, want := range []string{"package.json", "README.md", "LICENSE", "dist/index.mjs", "dist/index.d.ts", "dist/cognito-wasm.js",
		"dist/cognito-wasm-worker.js", "dist/cognito-wasm.wasm"} {
		if !slices.Contains(files, want) {
			t.Errorf("the tarball lacks %s (it has %q)", want, files)
		}
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".br") || strings.HasSuffix(f, ".gz") || strings.HasPrefix(f, "src/") {
			t.Errorf("the tarball has %s, which users do not need", f)
		}
	}

	// A consumer project that installs it (no registry needed: no dependencies).
	copyDir(t, "testdata/consumer", consumer)
	writeFile(t, filepath.Join(consumer, "package.json"), `{"name": "consumer", "private": true, "type": "module"}`)
	run(t, consumer, npm, "install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", tgz)
	run(t, consumer, tsc, "--noEmit", "-p", ".")
	// Importing it where there is no DOM nor Worker (a server rendering the
	// page, as Next.js does) must not throw; only configure() starts anything.
	run(t, consumer, "node", "--input-type=module", "-e",
		`const m = await import('cognito-wasm'); if (typeof m.configure !== 'function') throw new Error('no configure export');`)

	res := api.Build(api.BuildOptions{
		EntryPoints:       []string{"main.ts"},
		AbsWorkingDir:     consumer,
		Bundle:            true,
		Format:            api.FormatESModule,
		Platform:          api.PlatformBrowser,
		Target:            api.ES2020,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Outfile:           filepath.Join(consumer, "dist", "app.js"),
		Write:             true,
		LogLevel:          api.LogLevelWarning,
	})
	if len(res.Errors) > 0 {
		t.Fatalf("esbuild: %s", strings.Join(api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage}), ""))
	}
	// esbuild leaves new URL(..., import.meta.url) alone: js/README.md's recipe
	// copies the two files beside the bundle.
	for _, name := range []string{"cognito-wasm.wasm", "cognito-wasm-worker.js"} {
		writeFile(t, filepath.Join(consumer, "dist", name), mustReadFile(t, filepath.Join(consumer, "node_modules", "cognito-wasm", "dist", name)))
	}

	mux := http.NewServeMux()
	mux.Handle("GET /config.json", siteHandler())
	mux.Handle("GET /pages/blank.html", siteHandler())
	mux.Handle("GET /", http.FileServer(http.Dir(consumer)))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			resetEmulator(t)
			tb := newTab(t)
			tb.storeAmplifyTokensAt(srv.URL)
			tb.do(navigate(srv.URL+"/index.html?worker="+mode.worker), chromedp.WaitReady(chromedp.CSS(`#result[data-done]`)))
			var r struct {
				Runtime     string          `json:"runtime"`
				Credentials json.RawMessage `json:"credentials"`
				Devices     json.RawMessage `json:"devices"`
				TooBig      struct {
					Name        string `json:"name"`
					IsAuthError bool   `json:"isAuthError"`
				} `json:"tooBig"`
				Error string `json:"error"`
			}
			tb.eval(`return JSON.parse(document.getElementById('result').textContent)`, &r)
			if r.Error != "" {
				t.Fatalf("consumer page: %s", r.Error)
			}
			if r.Runtime != mode.name {
				t.Errorf("configure() resolved with runtime %q, want %q", r.Runtime, mode.name)
			}
			wantJSON(t, "listWebAuthnCredentials().credentials", outcome{OK: r.Credentials}, seedCredentials())
			wantJSON(t, "fetchDevices()", outcome{OK: r.Devices}, seedDevices())
			if r.TooBig.Name != "InvalidParameterException" || !r.TooBig.IsAuthError {
				t.Errorf("pageSize 21 rejected with %+v, want an AuthError InvalidParameterException", r.TooBig)
			}
			var inPage int
			tb.eval(wasmFetchedByPageJS, &inPage)
			if inPage != mode.wasmFetchedByPage {
				t.Errorf("the page fetched the .wasm %d times, want %d (mode %s)", inPage, mode.wasmFetchedByPage, mode.name)
			}
		})
	}
}

func run(t *testing.T, dir, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s %s: %v\n%s%s", filepath.Base(name), strings.Join(args, " "), err, out, stderr)
	}
	return out
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

func mustReadFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
