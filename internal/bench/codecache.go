package main

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// codeCache is what the browser profile's compiled-code caches hold on
// disk: Chromium keeps V8's code cache for scripts in "Code Cache/js" and
// for WebAssembly modules in "Code Cache/wasm" under the profile (each a
// disk cache: entry files plus an index, which is not counted).
type codeCache struct {
	WasmBytes   int64 `json:"wasmBytes"`
	WasmEntries int   `json:"wasmEntries"`
	JSBytes     int64 `json:"jsBytes"`
	// SettledMs is how long the visit waited after its first result until
	// the cache stopped changing; Stable is false when SettleMax ran out.
	SettledMs float64 `json:"settledMs"`
	Stable    bool    `json:"stable"`
}

// codeCacheSize reads the profile's code caches now.
func (c *chromium) codeCacheSize() codeCache {
	var cc codeCache
	filepath.WalkDir(c.profile, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "index" {
			return nil
		}
		parts := strings.Split(filepath.ToSlash(path), "/")
		i := slices.Index(parts, "Code Cache")
		if i < 0 || i+2 >= len(parts) || slices.Contains(parts[i:], "index-dir") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		switch parts[i+1] {
		case "wasm":
			cc.WasmBytes += info.Size()
			cc.WasmEntries++
		case "js":
			cc.JSBytes += info.Size()
		}
		return nil
	})
	return cc
}

// settleCodeCache waits, with the page still open, until the profile's code
// caches have not changed for quiet, and returns what they then hold. V8
// asks Chromium to store a wasm module's code 2 s (wasm_caching_timeout_ms)
// after the last function it optimised with TurboFan, and Chromium writes
// the entry to disk shortly after; closing the page earlier loses it. So a
// visit that ends here is a visit after which the user stayed on the page
// until the browser had cached what it was going to cache; the next visit
// is a real second navigation in the same profile. Polled, bounded by max.
func (c *chromium) settleCodeCache(ctx context.Context, quiet, max time.Duration) (codeCache, error) {
	start := time.Now()
	last, changed := c.codeCacheSize(), start
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case now := <-tick.C:
			cur := c.codeCacheSize()
			if cur != last {
				last, changed = cur, now
			}
			if now.Sub(changed) >= quiet || now.Sub(start) >= max {
				last.Stable = now.Sub(changed) >= quiet
				last.SettledMs = float64(changed.Sub(start).Microseconds()) / 1000
				return last, nil
			}
		}
	}
}
