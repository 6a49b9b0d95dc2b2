package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// asset is one static file with the encodings a CDN would hold for it.
type asset struct {
	path        string // URL path, e.g. "/dist/cognito-wasm.wasm"
	contentType string
	raw         []byte
	gzip        []byte
	br          []byte
	etag        string
}

// sizes are the three transfer sizes of an asset or of a set of assets.
type sizes struct {
	Raw    int64 `json:"raw"`
	Gzip   int64 `json:"gzip"`
	Brotli int64 `json:"brotli"`
}

func (s *sizes) add(o sizes) { s.Raw += o.Raw; s.Gzip += o.Gzip; s.Brotli += o.Brotli }

func (a *asset) sizes() sizes {
	return sizes{Raw: int64(len(a.raw)), Gzip: int64(len(a.gzip)), Brotli: int64(len(a.br))}
}

// newAsset compresses raw at the highest levels (brotli 11, gzip 9), as a
// CDN's precompression does, unless precompressed forms are given.
func newAsset(urlPath string, raw, gz, br []byte) (*asset, error) {
	ct := mime.TypeByExtension(path.Ext(urlPath))
	switch path.Ext(urlPath) {
	case ".wasm":
		ct = "application/wasm"
	case ".js", ".mjs":
		ct = "text/javascript; charset=utf-8"
	case ".html":
		ct = "text/html; charset=utf-8"
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	var err error
	if gz == nil {
		if gz, err = gzipBytes(raw); err != nil {
			return nil, fmt.Errorf("gzip %s: %w", urlPath, err)
		}
	}
	if br == nil {
		if br, err = brotliBytes(raw, 22); err != nil {
			return nil, fmt.Errorf("brotli %s: %w", urlPath, err)
		}
	}
	sum := sha256.Sum256(raw)
	return &asset{
		path: urlPath, contentType: ct, raw: raw, gzip: gz, br: br,
		etag: `"` + hex.EncodeToString(sum[:8]) + `"`,
	}, nil
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// brotliBytes compresses at quality 11 with a window of 2^lgwin bytes
// (22 is the encoder's default).
func brotliBytes(b []byte, lgwin int) ([]byte, error) {
	var buf bytes.Buffer
	w := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: lgwin})
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// served is one response the origin sent, for transfer accounting.
type served struct {
	Path     string `json:"path"`
	Status   int    `json:"status"`
	Encoding string `json:"encoding,omitempty"`
	Bytes    int64  `json:"bytes"` // body bytes as sent (compressed when encoded)
}

// origin is the static web origin of the benchmark: it serves js/dist, the
// reference-client bundles and the bench pages the way a production CDN
// does: precompressed brotli or gzip by Accept-Encoding, ETag revalidation,
// and a cache lifetime for the libraries so a second visit loads them from
// the HTTP cache (and the compiled-code cache that hangs off it).
type origin struct {
	mu     sync.Mutex
	assets map[string]*asset
	pages  func(name string) ([]byte, bool)
	log    []served
}

func newOrigin(pages func(name string) ([]byte, bool)) *origin {
	return &origin{assets: map[string]*asset{}, pages: pages}
}

func (o *origin) add(a *asset) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.assets[a.path] = a
}

func (o *origin) asset(p string) *asset {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.assets[p]
}

// takeLog returns the responses sent since the last call and clears the log.
func (o *origin) takeLog() []served {
	o.mu.Lock()
	defer o.mu.Unlock()
	l := o.log
	o.log = nil
	return l
}

func (o *origin) record(s served) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.log = append(o.log, s)
}

func (o *origin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/bench/") {
		// Pages are generated per request (the test config is in them) and
		// never cached, like an application's HTML.
		body, ok := o.pages(strings.TrimPrefix(r.URL.Path, "/bench/"))
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		n, _ := w.Write(body)
		o.record(served{Path: r.URL.Path, Status: http.StatusOK, Bytes: int64(n)})
		return
	}
	a := o.asset(r.URL.Path)
	if a == nil {
		if r.URL.Path != "/favicon.ico" {
			o.record(served{Path: r.URL.Path, Status: http.StatusNotFound})
		}
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("ETag", a.etag)
	h.Set("Vary", "Accept-Encoding")
	// One hour, as for a versioned library on a CDN without hashed names.
	h.Set("Cache-Control", "public, max-age=3600")
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, a.etag) {
		w.WriteHeader(http.StatusNotModified)
		o.record(served{Path: a.path, Status: http.StatusNotModified})
		return
	}
	body, enc := a.raw, ""
	switch ae := r.Header.Get("Accept-Encoding"); {
	case acceptsEncoding(ae, "br"):
		body, enc = a.br, "br"
	case acceptsEncoding(ae, "gzip"):
		body, enc = a.gzip, "gzip"
	}
	if enc != "" {
		h.Set("Content-Encoding", enc)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	n, _ := w.Write(body)
	o.record(served{Path: a.path, Status: http.StatusOK, Encoding: enc, Bytes: int64(n)})
}

// acceptsEncoding reports whether an Accept-Encoding header lists enc with a
// non-zero quality.
func acceptsEncoding(header, enc string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// addDir serves every file of dir under prefix ("/dist/"). A file with a
// precompressed sibling (x.br, x.gz) is served from those bytes, as the
// package ships them; the siblings are not served themselves.
func (o *origin) addDir(dir, prefix string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for _, e := range entries {
		if e.Type().IsRegular() {
			names[e.Name()] = true
		}
	}
	for name := range names {
		if strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".map") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		var gz, br []byte
		if names[name+".gz"] {
			if gz, err = os.ReadFile(filepath.Join(dir, name+".gz")); err != nil {
				return err
			}
		}
		if names[name+".br"] {
			if br, err = os.ReadFile(filepath.Join(dir, name+".br")); err != nil {
				return err
			}
		}
		a, err := newAsset(prefix+name, raw, gz, br)
		if err != nil {
			return err
		}
		o.add(a)
	}
	return nil
}

// addFS serves the files of fsys under prefix.
func (o *origin) addFS(fsys fs.FS, prefix string) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		a, err := newAsset(prefix+p, raw, nil, nil)
		if err != nil {
			return err
		}
		o.add(a)
		return nil
	})
}
