package demoserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func testFS() (pages, dist fstest.MapFS) {
	pages = fstest.MapFS{
		"index.html":     {Data: []byte("<!doctype html><title>demo</title>")},
		"app.js":         {Data: []byte("console.log(1)")},
		"sub/index.html": {Data: []byte("sub page")},
	}
	dist = fstest.MapFS{
		"cognito-wasm.wasm":    {Data: []byte("\x00asm raw"), ModTime: time.Unix(1700000000, 0)},
		"cognito-wasm.wasm.br": {Data: []byte("brotli bytes")},
		"cognito-wasm.wasm.gz": {Data: []byte("gzip bytes")},
		"index.mjs":            {Data: []byte("export {}")},
		"index.d.ts":           {Data: []byte("export {}")},
	}
	return pages, dist
}

type reply struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, h http.Handler, method, target string, header map[string]string) reply {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	req.Host = "localhost:8080" // httptest's example.com is refused (TestHostCheck)
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return reply{rec.Code, rec.Result().Header, string(b)}
}

func TestServesFiles(t *testing.T) {
	pages, dist := testFS()
	h := New(pages, dist, Config{})
	tests := []struct {
		path, ctype, body string
	}{
		{"/", "text/html; charset=utf-8", "<!doctype html><title>demo</title>"},
		{"/index.html", "text/html; charset=utf-8", "<!doctype html><title>demo</title>"},
		{"/app.js", "text/javascript; charset=utf-8", "console.log(1)"},
		{"/sub/", "text/html; charset=utf-8", "sub page"},
		{"/dist/index.mjs", "text/javascript; charset=utf-8", "export {}"},
		{"/dist/index.d.ts", "text/plain; charset=utf-8", "export {}"},
		{"/dist/cognito-wasm.wasm", "application/wasm", "\x00asm raw"},
	}
	for _, tt := range tests {
		r := get(t, h, "GET", tt.path, nil)
		if r.status != 200 || r.header.Get("Content-Type") != tt.ctype || r.body != tt.body {
			t.Errorf("GET %s = %d %q %q", tt.path, r.status, r.header.Get("Content-Type"), r.body)
		}
		if r.header.Get("ETag") == "" || r.header.Get("Cache-Control") != "no-cache" || r.header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("GET %s headers = %v", tt.path, r.header)
		}
	}
	for _, p := range []string{"/missing", "/dist/", "/dist/missing.wasm", "/../../etc/passwd", "/dist/../index.html/x"} {
		if r := get(t, h, "GET", p, nil); r.status != 404 {
			t.Errorf("GET %s = %d", p, r.status)
		}
	}
	if r := get(t, h, "GET", "/sub", nil); r.status != 301 || r.header.Get("Location") != "/sub/" {
		t.Errorf("GET /sub = %d %v", r.status, r.header)
	}
	if r := get(t, h, "POST", "/", nil); r.status != 405 || r.header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST / = %d", r.status)
	}
	if r := get(t, New(pages, nil, Config{}), "GET", "/dist/index.mjs", nil); r.status != 404 {
		t.Errorf("no dist: %d", r.status)
	}
	if r := get(t, h, "HEAD", "/dist/cognito-wasm.wasm", nil); r.status != 200 || r.body != "" || r.header.Get("Content-Length") != "8" {
		t.Errorf("HEAD = %d %q %v", r.status, r.body, r.header)
	}
}

func TestPrecompressed(t *testing.T) {
	pages, dist := testFS()
	h := New(pages, dist, Config{})
	tests := []struct {
		accept, encoding, body string
	}{
		{"gzip, deflate, br, zstd", "br", "brotli bytes"},
		{"gzip", "gzip", "gzip bytes"},
		{"br;q=0, gzip", "gzip", "gzip bytes"},
		{"br;q=0.1, gzip;q=0.9", "gzip", "gzip bytes"},
		{"gzip;q=0.5, BR;q=0.8", "br", "brotli bytes"},
		{"*", "br", "brotli bytes"},
		{"*, br;q=0", "gzip", "gzip bytes"},
		{"", "", "\x00asm raw"},
		{"identity", "", "\x00asm raw"},
		{"deflate", "", "\x00asm raw"},
	}
	etags := map[string]string{}
	for _, tt := range tests {
		r := get(t, h, "GET", "/dist/cognito-wasm.wasm", map[string]string{"Accept-Encoding": tt.accept})
		if r.status != 200 || r.header.Get("Content-Encoding") != tt.encoding || r.body != tt.body ||
			r.header.Get("Content-Type") != "application/wasm" || r.header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q = %d %q %q %v", tt.accept, r.status, r.header.Get("Content-Encoding"), r.body, r.header)
		}
		if prev, ok := etags[tt.encoding]; ok && prev != r.header.Get("ETag") {
			t.Errorf("ETag of %q variant changed: %s, %s", tt.encoding, prev, r.header.Get("ETag"))
		}
		etags[tt.encoding] = r.header.Get("ETag")
	}
	if len(etags) != 3 || etags["br"] == etags["gzip"] || etags["br"] == etags[""] {
		t.Errorf("variants share ETags: %v", etags)
	}
	// A file without variants is served as it is, whatever the client accepts.
	if r := get(t, h, "GET", "/dist/index.mjs", map[string]string{"Accept-Encoding": "br"}); r.header.Get("Content-Encoding") != "" || r.body != "export {}" {
		t.Errorf("index.mjs = %v %q", r.header, r.body)
	}
}

func TestETagRevalidation(t *testing.T) {
	pages, dist := testFS()
	h := New(pages, dist, Config{})
	br := map[string]string{"Accept-Encoding": "br"}
	first := get(t, h, "GET", "/dist/cognito-wasm.wasm", br)
	etag := first.header.Get("ETag")

	br["If-None-Match"] = etag
	r := get(t, h, "GET", "/dist/cognito-wasm.wasm", br)
	if r.status != 304 || r.body != "" || r.header.Get("ETag") != etag || r.header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("revalidation = %d %q %v", r.status, r.body, r.header)
	}
	br["If-None-Match"] = `"other", W/` + etag
	if r := get(t, h, "GET", "/dist/cognito-wasm.wasm", br); r.status != 304 {
		t.Errorf("list with a weak match = %d", r.status)
	}
	// The identity variant has another tag: a gzip-less client gets 200.
	if r := get(t, h, "GET", "/dist/cognito-wasm.wasm", map[string]string{"If-None-Match": etag}); r.status != 200 {
		t.Errorf("other variant = %d", r.status)
	}
	// A rebuilt file gets a new tag.
	dist["cognito-wasm.wasm.br"] = &fstest.MapFile{Data: []byte("new brotli bytes!"), ModTime: time.Unix(1800000000, 0)}
	r = get(t, h, "GET", "/dist/cognito-wasm.wasm", br)
	if r.status != 200 || r.body != "new brotli bytes!" || r.header.Get("ETag") == etag {
		t.Errorf("after rebuild = %d %q %s", r.status, r.body, r.header.Get("ETag"))
	}
}

func TestConfigJSON(t *testing.T) {
	pages, dist := testFS()
	h := New(pages, dist, Config{UserPoolID: "us-east-1_DemoPool01", UserPoolClientID: "client", UserPoolEndpoint: "http://127.0.0.1:9229/"})
	r := get(t, h, "GET", "/config.json", nil)
	want := `{"userPoolId":"us-east-1_DemoPool01","userPoolClientId":"client","userPoolEndpoint":"http://127.0.0.1:9229/"}`
	if r.status != 200 || r.body != want || r.header.Get("Content-Type") != "application/json" || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("config = %d %s %v", r.status, r.body, r.header)
	}
}

// TestHostCheck: a Host that is not a loopback name or an allowed host (a
// DNS-rebinding page) is refused with 421 on every path; loopback names with
// any port and the allowed hosts are served.
func TestHostCheck(t *testing.T) {
	pages, dist := testFS()
	h := New(pages, dist, Config{}, WithAllowedHosts("192.0.2.7:8080", "demo.example.lan"))
	for _, host := range []string{"evil.example", "evil.example:8080", "localhost.evil.example:8080", "192.0.2.8:8080", "example.com"} {
		for _, path := range []string{"/", "/config.json", "/dist/index.mjs"} {
			r := get(t, h, "GET", path, map[string]string{"Host": host})
			if r.status != http.StatusMisdirectedRequest || !strings.Contains(r.body, "DNS-rebinding") || strings.Contains(r.body, "demo") {
				t.Errorf("Host %q %s = %d %q, want 421 with a message", host, path, r.status, r.body)
			}
		}
	}
	for _, host := range []string{"localhost", "localhost:8080", "127.0.0.1:8080", "127.9.9.9", "[::1]:8080", "x.localhost:1", "192.0.2.7", "demo.example.lan:80"} {
		if r := get(t, h, "GET", "/", map[string]string{"Host": host}); r.status != http.StatusOK {
			t.Errorf("Host %q = %d %q", host, r.status, r.body)
		}
	}
}

// TestCSPHeader: every answer carries the strict policy, with the Cognito
// endpoint's origin (not its path) in connect-src.
func TestCSPHeader(t *testing.T) {
	pages, dist := testFS()
	h := New(pages, dist, Config{UserPoolEndpoint: "http://127.0.0.1:9229/"})
	want := "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self' http://127.0.0.1:9229; " +
		"img-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	for _, path := range []string{"/", "/app.js", "/config.json", "/dist/cognito-wasm.wasm", "/nope"} {
		if got := get(t, h, "GET", path, nil).header.Get("Content-Security-Policy"); got != want {
			t.Errorf("%s: Content-Security-Policy %q, want %q", path, got, want)
		}
	}
	if got := CSP("not a url"); strings.Contains(got, "not") || !strings.Contains(got, "connect-src 'self';") {
		t.Errorf("CSP of a bad endpoint = %q", got)
	}
}
