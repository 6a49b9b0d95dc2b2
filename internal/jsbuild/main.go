// Command jsbuild bundles the JavaScript side of cognito-wasm with esbuild's Go
// API and precompresses the wasm module. Run it from the repository root after
// the wasm is built (the Makefile does):
//
//	go run ./internal/jsbuild -wasm-exec "$(go env GOROOT)/lib/wasm/wasm_exec.js"
//
// It writes into js/dist/: index.mjs (ES module), cognito-wasm.js (classic script
// with the one global CognitoWasm), cognito-wasm-worker.js (the Worker script both
// start), index.d.ts, and cognito-wasm.wasm.br/.gz.
// wasm_exec.js must come from the toolchain that built the wasm: the two are a
// matched pair.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

func main() {
	var cfg config
	flag.StringVar(&cfg.wasmExec, "wasm-exec", "", "path of the Go toolchain's `wasm_exec.js` (required)")
	flag.StringVar(&cfg.jsDir, "js", "js", "the npm package `directory` (src/ in, dist/ out)")
	flag.BoolVar(&cfg.minify, "minify", true, "minify the bundles")
	flag.BoolVar(&cfg.sourcemap, "sourcemap", false, "write linked source maps (.map) beside the bundles")
	flag.Parse()
	if cfg.wasmExec == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	log.SetFlags(0)
	log.SetPrefix("jsbuild: ")
	if err := run(cfg); err != nil {
		log.Fatal(err)
	}
}

type config struct {
	wasmExec  string
	jsDir     string
	minify    bool
	sourcemap bool
}

func run(cfg config) error {
	src := filepath.Join(cfg.jsDir, "src")
	dist := filepath.Join(cfg.jsDir, "dist")
	if err := os.MkdirAll(dist, 0o755); err != nil {
		return err
	}
	wasmExec, err := os.ReadFile(cfg.wasmExec)
	if err != nil {
		return fmt.Errorf("reading wasm_exec.js: %w", err)
	}
	b := bundler{src: src, dist: dist, minify: cfg.minify, sourcemap: cfg.sourcemap}
	if err := b.bundle(wasmExec); err != nil {
		return err
	}
	if err := copyFile(filepath.Join(src, "index.d.ts"), filepath.Join(dist, "index.d.ts")); err != nil {
		return err
	}
	return precompress(filepath.Join(dist, "cognito-wasm.wasm"))
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}
