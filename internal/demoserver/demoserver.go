// Package demoserver is the HTTP handler of the demo origin, used by
// `go run ./demo` and by the browser tests:
//
//	GET /             the demo page files (demo/web), index.html for "/"
//	GET /dist/...     the built module (js/dist): loader, .wasm, types
//	GET /config.json  where the page finds Cognito:
//	                  {"userPoolId": "...", "userPoolClientId": "...",
//	                   "userPoolEndpoint": "http://127.0.0.1:9229/"}
//
// The page reads /config.json and passes it to configure() as
// Auth.Cognito, so the same page works against whatever emulator address
// the server was started with.
//
// Files go out as a production server would send them: Content-Type by
// extension (application/wasm for .wasm, so streaming compilation works), a
// precompressed sibling (name.br, name.gz) when Accept-Encoding allows it,
// with Content-Encoding and Vary: Accept-Encoding, a strong ETag per
// variant and 304 Not Modified for a matching If-None-Match. Cache-Control
// is no-cache: browsers revalidate, so a rebuilt module is picked up at once.
//
// Every answer carries the strict Content-Security-Policy js/README.md
// recommends (CSP below): scripts only from the page's origin plus
// WebAssembly compilation, the module's blob: Worker, and connections only to
// the page's origin and the Cognito endpoint. A request whose Host is not a
// loopback name or an allowed host (WithAllowedHosts) is refused with 421:
// DNS rebinding cannot reach the page.
package demoserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/hostguard"
)

// Config is what /config.json tells the page: the Auth.Cognito part of an
// Amplify configuration.
type Config struct {
	UserPoolID       string `json:"userPoolId"`
	UserPoolClientID string `json:"userPoolClientId"`
	UserPoolEndpoint string `json:"userPoolEndpoint"`
}

// Option configures the handler.
type Option func(*server)

// WithAllowedHosts adds host names or addresses (port ignored) that requests
// may name in their Host header besides loopback names (localhost,
// *.localhost, 127.0.0.0/8, [::1]): the address of a server bound to a
// non-loopback interface.
func WithAllowedHosts(hosts ...string) Option {
	return func(s *server) { s.hosts = hostguard.New(hosts...) }
}

// New returns the handler. pages holds the demo page files (demo/web's
// embedded FS), dist the built module (os.DirFS("js/dist")); either may be
// nil, which serves 404s for its paths.
func New(pages, dist fs.FS, cfg Config, opts ...Option) http.Handler {
	b, _ := json.Marshal(cfg) // a struct of strings always marshals
	s := &server{pages: pages, dist: dist, config: b, csp: CSP(cfg.UserPoolEndpoint), hosts: hostguard.New()}
	for _, o := range opts {
		o(s)
	}
	return s
}

// CSP is the page's Content-Security-Policy for a Cognito endpoint: the
// policy js/README.md recommends for Worker mode (script-src 'self'
// 'wasm-unsafe-eval'; worker-src 'self' for the loader's worker file), and
// connections only to the page's own origin (config.json, the .wasm) and the
// endpoint's origin.
func CSP(endpoint string) string {
	connect := "'self'"
	if u, err := url.Parse(endpoint); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		connect += " " + u.Scheme + "://" + u.Host
	}
	return "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src " + connect +
		"; img-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

type server struct {
	pages, dist fs.FS
	config      []byte
	csp         string
	hosts       *hostguard.Guard
	etags       sync.Map // etagKey → string
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.hosts.Refuse(w, r) {
		return
	}
	w.Header().Set("Content-Security-Policy", s.csp)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	p := r.URL.Path
	switch {
	case p == "/config.json":
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Length", strconv.Itoa(len(s.config)))
		if r.Method == http.MethodGet {
			w.Write(s.config)
		}
	case p == "/dist" || strings.HasPrefix(p, "/dist/"):
		s.serveFile(w, r, s.dist, "dist", strings.TrimPrefix(p, "/dist"))
	default:
		s.serveFile(w, r, s.pages, "pages", p)
	}
}

// serveFile serves urlPath from fsys; tag names fsys in the ETag cache.
func (s *server) serveFile(w http.ResponseWriter, r *http.Request, fsys fs.FS, tag, urlPath string) {
	name := strings.TrimPrefix(path.Clean("/"+urlPath), "/")
	if name == "" || strings.HasSuffix(urlPath, "/") {
		name = path.Join(name, "index.html")
	}
	if fsys == nil || !fs.ValidPath(name) {
		http.NotFound(w, r)
		return
	}
	info, err := fs.Stat(fsys, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if info.IsDir() {
		http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType(name))
	h.Set("Cache-Control", "no-cache")
	h.Add("Vary", "Accept-Encoding")

	served := name
	for _, enc := range preferredEncodings(r.Header.Get("Accept-Encoding")) {
		if vi, err := fs.Stat(fsys, name+enc.ext); err == nil && !vi.IsDir() {
			served, info = name+enc.ext, vi
			h.Set("Content-Encoding", enc.name)
			break
		}
	}
	f, err := fsys.Open(served)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	content, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, "read error", http.StatusInternalServerError)
			return
		}
		content = bytes.NewReader(b)
	}
	etag, err := s.etag(fsys, tag, served, info)
	if err != nil {
		http.Error(w, "read error", http.StatusInternalServerError)
		return
	}
	h.Set("ETag", etag)
	// ServeContent answers If-None-Match with 304, HEAD and Range.
	http.ServeContent(w, r, served, info.ModTime(), content)
}

type etagKey struct {
	tag, name string
	size      int64
	mod       time.Time
}

// etag is a strong validator of one file variant, cached until its size or
// modification time changes (a rebuild of js/dist).
func (s *server) etag(fsys fs.FS, tag, name string, info fs.FileInfo) (string, error) {
	key := etagKey{tag, name, info.Size(), info.ModTime()}
	if v, ok := s.etags.Load(key); ok {
		return v.(string), nil
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return "", fmt.Errorf("etag %s: %w", name, err)
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	s.etags.Store(key, etag)
	return etag, nil
}

// contentTypes are the types the demo files need, fixed here rather than
// taken from the host's mime database, which may say otherwise.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
	".map":  "application/json",
	".wasm": "application/wasm",
	".ts":   "text/plain; charset=utf-8",
	".svg":  "image/svg+xml",
	".txt":  "text/plain; charset=utf-8",
}

func contentType(name string) string {
	ext := path.Ext(name)
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

type encoding struct{ name, ext string }

// preferredEncodings returns the precompressed encodings the client
// accepts, best first: higher q first, brotli before gzip on a tie.
func preferredEncodings(acceptEncoding string) []encoding {
	q := map[string]float64{}
	for _, part := range strings.Split(acceptEncoding, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		weight := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				weight = f
			}
		}
		q[coding] = weight
	}
	weight := func(c string) float64 {
		if w, ok := q[c]; ok {
			return w
		}
		return q["*"] // 0 when absent: not acceptable
	}
	var out []encoding
	br, gz := weight("br"), weight("gzip")
	if br > 0 && br >= gz {
		out = append(out, encoding{"br", ".br"})
	}
	if gz > 0 {
		out = append(out, encoding{"gzip", ".gz"})
	}
	if br > 0 && br < gz {
		out = append(out, encoding{"br", ".br"})
	}
	return out
}
