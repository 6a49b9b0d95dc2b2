package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// The floor programs (internal/bench/floor/*) are built by each run into a
// temporary directory, never shipped, the way the Makefile builds the
// shipped module: GOOS=js GOARCH=wasm, the internal/sdkpatch modfile and overlay,
// -trimpath -ldflags=-s -w. The origin then serves them with brotli and
// gzip forms made as internal/jsbuild makes the shipped module's (brotli 11
// with a 16 MiB window, gzip -9), so their sizes compare with js/dist's.

// buildFloors builds the selected clients' floor programs and adds them to
// the origin at their WasmURL.
func (r *runner) buildFloors(ctx context.Context) error {
	var progs []client
	for _, c := range r.selected() {
		if c.Program != "" {
			progs = append(progs, c)
		}
	}
	if len(progs) == 0 {
		return nil
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	modfile, err := goOutput(ctx, root, nil, "run", "./internal/sdkpatch")
	if err != nil {
		return fmt.Errorf("floor programs: sdkpatch: %w", err)
	}
	overlay, err := goOutput(ctx, root, nil, "run", "./internal/sdkpatch", "-overlay")
	if err != nil {
		return fmt.Errorf("floor programs: sdkpatch -overlay: %w", err)
	}
	dir, err := os.MkdirTemp("", "cw-bench-floor-")
	if err != nil {
		return err
	}
	r.onClose(func() { os.RemoveAll(dir) })
	for _, c := range progs {
		out := filepath.Join(dir, c.Program+".wasm")
		if _, err := goOutput(ctx, root, []string{"GOOS=js", "GOARCH=wasm"},
			"build", "-modfile", modfile, "-overlay", overlay, "-trimpath", "-ldflags=-s -w", "-o", out, "./internal/bench/floor/"+c.Program); err != nil {
			return fmt.Errorf("floor program %s: %w", c.Program, err)
		}
		if err := r.addWasm(c.WasmURL, out); err != nil {
			return fmt.Errorf("floor program %s: %w", c.Program, err)
		}
	}
	return nil
}

// addBefore serves Config.BeforeWasm for the wasm-before client.
func (r *runner) addBefore() error {
	for _, c := range r.selected() {
		if c.Before {
			if err := r.addWasm(c.WasmURL, r.cfg.BeforeWasm); err != nil {
				return fmt.Errorf("-before: %w", err)
			}
			sum := sha256.Sum256(r.org.asset(c.WasmURL).raw)
			r.rep.Versions["cognito-wasm.wasm before sha256"] = hex.EncodeToString(sum[:])[:16]
		}
	}
	return nil
}

// addWasm serves the wasm file at path under urlPath, compressed as
// js/dist's is.
func (r *runner) addWasm(urlPath, path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	gz, br, err := compressed(raw)
	if err != nil {
		return err
	}
	a, err := newAsset(urlPath, raw, gz, br)
	if err != nil {
		return err
	}
	r.org.add(a)
	return nil
}

// goOutput runs the go command in dir and returns its trimmed stdout.
func goOutput(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// compressed returns raw's gzip -9 and brotli 11 (window 2^24) forms.
// Brotli at quality 11 takes tens of seconds on a module of several MB, so
// both are kept in the user's cache directory under raw's SHA-256 (the
// builds are reproducible, so the next run finds them).
func compressed(raw []byte) (gz, br []byte, err error) {
	sum := sha256.Sum256(raw)
	cache := ""
	if d, err := os.UserCacheDir(); err == nil {
		cache = filepath.Join(d, "cognito-wasm", "bench-floor", hex.EncodeToString(sum[:16]))
		gz, gerr := os.ReadFile(cache + ".gz")
		br, berr := os.ReadFile(cache + ".br")
		if gerr == nil && berr == nil {
			return gz, br, nil
		}
	}
	var wg sync.WaitGroup
	var gerr, berr error
	wg.Go(func() { gz, gerr = gzipBytes(raw) })
	wg.Go(func() { br, berr = brotliBytes(raw, 24) })
	wg.Wait()
	if gerr != nil || berr != nil {
		return nil, nil, fmt.Errorf("compress: %v %v", gerr, berr)
	}
	if cache != "" && os.MkdirAll(filepath.Dir(cache), 0o755) == nil {
		// Written whole under a temporary name first: a concurrent run
		// never reads half a file.
		for ext, b := range map[string][]byte{".gz": gz, ".br": br} {
			tmp := fmt.Sprintf("%s%s.%d.tmp", cache, ext, os.Getpid())
			if os.WriteFile(tmp, b, 0o644) == nil {
				os.Rename(tmp, cache+ext)
			}
		}
	}
	return gz, br, nil
}
