package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// wasmExecPath is the wasm_exec.js of the go command on PATH, the one the
// Makefile builds the wasm with.
func wasmExecPath(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", "wasm_exec.js")
}

func toolchainWasmExec(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(wasmExecPath(t))
	if err != nil {
		t.Fatalf("the toolchain's wasm_exec.js: %v", err)
	}
	return string(b)
}

func TestScopeWasmExec(t *testing.T) {
	real := toolchainWasmExec(t)
	for _, tc := range []struct {
		name    string
		src     string
		wantErr string
	}{
		{name: "toolchain wasm_exec.js", src: real},
		{name: "not wasm_exec.js", src: "console.log('hi')", wantErr: "globalThis.Go = class"},
		{name: "no bare fs", src: "globalThis.Go = class {}; globalThis.fs.writeSync(1, b);", wantErr: "no bare `fs.`"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := scopeWasmExec(tc.src)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, "export default function (globalThis) {\n") {
				t.Errorf("not wrapped in a function of globalThis: %.60q", got)
			}
			if bareFS.MatchString(got) {
				t.Errorf("a bare `fs.` reference is left: %q", bareFS.FindString(got))
			}
			if !strings.Contains(got, "globalThis.fs.writeSync(fd") {
				t.Errorf("runtime.wasmWrite's fs.writeSync was not scoped")
			}
		})
	}
}

// TestRuntimeGlueIsSelfContained runs the bundled glue function, as a Worker
// would, in a bare Node.js context: it must start with nothing but platform
// globals, say 'loaded', leave no globals, and report a .wasm it cannot load
// as a WasmLoadError.
func TestRuntimeGlueIsSelfContained(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is needed (Debian package nodejs): %v", err)
	}
	scoped, err := scopeWasmExec(toolchainWasmExec(t))
	if err != nil {
		t.Fatal(err)
	}
	b := bundler{src: filepath.Join("..", "..", "js", "src"), minify: true}
	glue, err := b.runtimeGlue(scoped)
	if err != nil {
		t.Fatal(err)
	}
	script := `
		const vm = require('node:vm');
		const context = vm.createContext({ fetch, WebAssembly, crypto, console, setTimeout, clearTimeout,
			performance, TextEncoder, TextDecoder, AbortController, Promise });
		vm.runInContext('globalThis.before = Object.getOwnPropertyNames(globalThis)', context);
		const glue = vm.runInContext('(' + process.argv[1] + ')', context);
		const messages = [];
		// Report once the glue has posted its two messages (loaded, startError).
		const scope = { onmessage: null, postMessage: (m) => {
			if (messages.push(m) !== 2) return;
			const added = vm.runInContext('Object.getOwnPropertyNames(globalThis).filter((n) => !before.includes(n) && n !== "before")', context);
			console.log(JSON.stringify({ messages, added }));
		} };
		glue(scope);
		scope.onmessage({ data: { type: 'start', wasmURL: 'http://127.0.0.1:1/nothing.wasm' } });
	`
	out, err := exec.Command(node, "-e", script, glue).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	got := strings.TrimSpace(string(out))
	for _, want := range []string{`{"type":"loaded"}`, `"type":"startError"`, `"name":"WasmLoadError"`, `"added":[]`} {
		if !strings.Contains(got, want) {
			t.Errorf("glue run: %s\nwant it to contain %s", got, want)
		}
	}
}

// TestTypeScript type-checks js/src (loader and glue) against the hand-written
// public types in js/src/index.d.ts with the TypeScript from the package's
// lockfile: the .d.ts that ships is the one the code is checked against.
func TestTypeScript(t *testing.T) {
	tsc, err := filepath.Abs(filepath.Join("..", "..", "js", "node_modules", ".bin", "tsc"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tsc); err != nil {
		t.Fatalf("TypeScript is missing from js/node_modules (run `npm ci` in js/, as `make deps` does): %v", err)
	}
	cmd := exec.Command(tsc, "--noEmit", "-p", ".")
	cmd.Dir = filepath.Join("..", "..", "js")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tsc: %v\n%s", err, out)
	}
}

// TestBuild bundles into a temporary package directory and checks the outputs.
func TestBuild(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "src"), os.DirFS(filepath.Join("..", "..", "js", "src"))); err != nil {
		t.Fatal(err)
	}
	wasm := []byte("\x00asm\x01\x00\x00\x00 not really a module, but bytes to compress")
	if err := os.MkdirAll(filepath.Join(dir, "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dist", "cognito-wasm.wasm"), wasm, 0o644); err != nil {
		t.Fatal(err)
	}
	execPath := wasmExecPath(t)
	if err := run(config{wasmExec: execPath, jsDir: dir, minify: true, sourcemap: true}); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, "dist", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	esm, iife := read("index.mjs"), read("cognito-wasm.js")
	for name, code := range map[string]string{"index.mjs": esm, "cognito-wasm.js": iife} {
		if !strings.Contains(code, "Copyright 2018 The Go Authors") {
			t.Errorf("%s lacks wasm_exec.js's copyright notice", name)
		}
		if !strings.Contains(code, "sourceMappingURL=") {
			t.Errorf("%s has no source map link", name)
		}
		read(name + ".map")
	}
	if !strings.Contains(esm, "import.meta.url") || !strings.Contains(esm, "export{") {
		t.Errorf("index.mjs is not an ES module that finds the .wasm by import.meta.url")
	}
	// The bundlers' pattern, literally: new URL('./<file>', import.meta.url)
	// inside new Worker(...) for the worker, beside it for the .wasm.
	for _, want := range []string{`new URL("./cognito-wasm.wasm",import.meta.url)`,
		`new Worker(new URL("./cognito-wasm-worker.js",import.meta.url),{type:"module"`} {
		if !strings.Contains(esm, want) {
			t.Errorf("index.mjs lacks %s", want)
		}
	}
	worker := read("cognito-wasm-worker.js")
	if !strings.Contains(worker, "Copyright 2018 The Go Authors") || !strings.HasSuffix(worker, "})(self);\n") ||
		regexp.MustCompile(`(?m)^\s*(import|export)\b`).MatchString(worker) {
		t.Errorf("cognito-wasm-worker.js is not the glue run on self, without module syntax, with the notice")
	}
	if !strings.HasPrefix(strings.TrimSpace(iife[strings.Index(iife, "*/")+2:]), "var CognitoWasm=") {
		t.Errorf("cognito-wasm.js does not define the one global CognitoWasm")
	}
	if read("index.d.ts") != mustRead(t, filepath.Join("..", "..", "js", "src", "index.d.ts")) {
		t.Errorf("dist/index.d.ts is not src/index.d.ts")
	}
	for _, ext := range []string{".br", ".gz"} {
		if len(read("cognito-wasm.wasm"+ext)) == 0 {
			t.Errorf("empty cognito-wasm.wasm%s", ext)
		}
	}
	// A second run with the same .wasm reuses the compressed files.
	brBefore := read("cognito-wasm.wasm.br")
	if err := run(config{wasmExec: execPath, jsDir: dir, minify: true}); err != nil {
		t.Fatal(err)
	}
	if read("cognito-wasm.wasm.br") != brBefore {
		t.Errorf("the .br changed without a new .wasm")
	}
	if _, err := os.Stat(filepath.Join(dir, "dist", "index.mjs.map")); !os.IsNotExist(err) {
		t.Errorf("a build without -sourcemap left index.mjs.map behind (err %v)", err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
