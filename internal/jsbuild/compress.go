package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"

	"github.com/andybalholm/brotli"
)

// precompress writes path.br (brotli, best) and path.gz (gzip -9) for servers
// that send precompressed files (internal/demoserver does). Brotli at quality 11
// takes a while on a 10+ MB module, so files newer than the source are kept.
func precompress(path string) error {
	src, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("precompress: %w (build the wasm first)", err)
	}
	var data []byte
	for _, c := range []struct {
		ext string
		new func(io.Writer) (io.WriteCloser, error)
	}{
		{".br", func(w io.Writer) (io.WriteCloser, error) {
			return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 24}), nil
		}},
		{".gz", func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriterLevel(w, gzip.BestCompression) }},
	} {
		if st, err := os.Stat(path + c.ext); err == nil && st.ModTime().After(src.ModTime()) {
			continue
		}
		if data == nil {
			if data, err = os.ReadFile(path); err != nil {
				return err
			}
		}
		var buf bytes.Buffer
		w, err := c.new(&buf)
		if err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		if err := os.WriteFile(path+c.ext, buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
