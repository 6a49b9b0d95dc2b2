package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
)

// precompress writes path.br (brotli, quality 11) and path.gz (gzip -9) for
// servers that send precompressed files (internal/demoserver does).
//
// Brotli at quality 11 takes most of a minute on a 13 MB module, and `go build`
// rewrites the .wasm (new mtime) even when nothing changed, so the compressed
// files are reused when a stamp file records that they were made from the same
// bytes. Reused files get a fresh mtime: a server may rely on the compressed
// copies being newer than the .wasm.
func precompress(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("precompress: %w (build the wasm first)", err)
	}
	sum := sha256.Sum256(data)
	stamp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".sha256")
	want := hex.EncodeToString(sum[:]) + "\n"
	if got, err := os.ReadFile(stamp); err == nil && string(got) == want && exist(path+".br", path+".gz") {
		// Still newer than the .wasm, so a server may trust that order.
		now := time.Now()
		return errors.Join(os.Chtimes(path+".br", now, now), os.Chtimes(path+".gz", now, now))
	}
	encoders := map[string]func(io.Writer) (io.WriteCloser, error){
		".br": func(w io.Writer) (io.WriteCloser, error) {
			return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 24}), nil
		},
		".gz": func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriterLevel(w, gzip.BestCompression) },
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for ext, enc := range encoders {
		wg.Go(func() {
			if err := compressTo(path+ext, data, enc); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return os.WriteFile(stamp, []byte(want), 0o644)
}

func compressTo(path string, data []byte, enc func(io.Writer) (io.WriteCloser, error)) error {
	var buf bytes.Buffer
	w, err := enc(&buf)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("precompress: %w", err)
	}
	return nil
}

func exist(paths ...string) bool {
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return false
		}
	}
	return true
}
